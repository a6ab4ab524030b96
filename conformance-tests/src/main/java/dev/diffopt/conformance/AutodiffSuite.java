package dev.diffopt.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.autodiff.Vjp;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tree.Trees;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Gradients against central finite differences in float64: first order through MLPs with every
 * activation and softmax cross-entropy, vector-Jacobian products, second order, Hessian-vector
 * products, a 3-step unrolled SGD meta-gradient, stop-gradient, functional semantics and threads.
 * Needs {@link Capability#AUTODIFF} and {@link Capability#FLOAT64}; second-order cases need {@link
 * Capability#HIGHER_ORDER}.
 */
public abstract class AutodiffSuite extends BackendSuite {
  /** Central differences at h = 1e-6 in float64 are good to about 1e-8 for these functions. */
  private static final double RTOL = 1e-6;
  private static final double ATOL = 1e-7;

  private TensorOps ops;
  private Autodiff ad;

  @BeforeEach
  void requireAutodiff() {
    require(Capability.AUTODIFF);
    require(Capability.FLOAT64);
    ops = backend().ops();
    ad = backend().autodiff();
  }

  private Tensor data(long seed, long... dims) {
    return ops.randomNormal(Shape.of(dims), DType.FLOAT64, seed);
  }

  private void checkMlp(UnaryOperator<Tensor> activation, String name) {
    List<Tensor> params = Mlp.init(ops, DType.FLOAT64, 11, 3, 5, 4, 2);
    Tensor x = data(1, 6, 3);
    Tensor y = data(2, 6, 2);
    Function<List<Tensor>, Tensor> loss = p -> Mlp.mse(ops, Mlp.forward(ops, p, x, activation), y);
    List<Tensor> grad = ad.grad(loss, params);
    FiniteDifferences.assertClose(
        ops, grad, FiniteDifferences.gradient(ops, loss, params), RTOL, ATOL, name);
  }

  @Test
  @DisplayName("AD-POLY-01 gradient of sum(x^3 sin x) matches 3x^2 sin x + x^3 cos x")
  void polynomial() {
    Tensor x = data(3, 7);
    Tensor g = ad.grad(p -> ops.sum(ops.mul(ops.pow(p, 3.0), ops.sin(p))), x);
    double[] xs = ops.toDoubleArray(x);
    double[] expected = new double[xs.length];
    for (int i = 0; i < xs.length; i++) {
      double v = xs[i];
      expected[i] = 3 * v * v * Math.sin(v) + v * v * v * Math.cos(v);
    }
    FiniteDifferences.assertClose(ops, g, List.of(expected), 1e-12, 1e-12, "analytic gradient");
  }

  @Test
  @DisplayName("AD-MLP-TANH-01 MLP with tanh, MSE loss: gradient of every parameter")
  void mlpTanh() {
    checkMlp(ops::tanh, "tanh MLP");
  }

  @Test
  @DisplayName("AD-MLP-RELU-01 MLP with relu, MSE loss: gradient of every parameter")
  void mlpRelu() {
    checkMlp(ops::relu, "relu MLP");
  }

  @Test
  @DisplayName("AD-MLP-SIGMOID-01 MLP with sigmoid, MSE loss: gradient of every parameter")
  void mlpSigmoid() {
    checkMlp(ops::sigmoid, "sigmoid MLP");
  }

  @Test
  @DisplayName("AD-MLP-SOFTPLUS-01 MLP with softplus, MSE loss: gradient of every parameter")
  void mlpSoftplus() {
    checkMlp(ops::softplus, "softplus MLP");
  }

  @Test
  @DisplayName("AD-CE-01 MLP with softmax cross-entropy: gradient of every parameter")
  void crossEntropy() {
    List<Tensor> params = Mlp.init(ops, DType.FLOAT64, 5, 4, 6, 3);
    Tensor x = data(4, 5, 4);
    double[] oneHot = new double[15];
    for (int row = 0; row < 5; row++) {
      oneHot[row * 3 + row % 3] = 1;
    }
    Tensor y = ops.fromDoubles(oneHot, Shape.of(5, 3), DType.FLOAT64);
    Function<List<Tensor>, Tensor> loss =
        p -> Mlp.crossEntropy(ops, Mlp.forward(ops, p, x, ops::tanh), y);
    FiniteDifferences.assertClose(
        ops, ad.grad(loss, params), FiniteDifferences.gradient(ops, loss, params), RTOL, ATOL,
        "cross-entropy");
  }

  @Test
  @DisplayName("AD-MATMUL-01 gradient of sum((A@B)^2) with respect to both factors")
  void matmul() {
    List<Tensor> ab = List.of(data(5, 3, 4), data(6, 4, 2));
    Function<List<Tensor>, Tensor> f = p -> ops.sum(ops.square(ops.matmul(p.get(0), p.get(1))));
    FiniteDifferences.assertClose(
        ops, ad.grad(f, ab), FiniteDifferences.gradient(ops, f, ab), RTOL, ATOL, "matmul");
  }

  /** A record node, to check that gradients keep the parameters' structure. */
  public record Layer(Tensor weight, Tensor bias) {}

  @Test
  @DisplayName("AD-TREE-01 gradient keeps the parameter tree; an unused leaf gets zeros")
  void treeStructure() {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("layer", new Layer(data(7, 3, 2), data(8, 2)));
    params.put("unused", data(9, 4));
    Tensor x = data(10, 5, 3);
    Function<Map<String, Object>, Tensor> f =
        p -> {
          Layer l = (Layer) p.get("layer");
          return ops.sum(ops.tanh(ops.add(ops.matmul(x, l.weight()), l.bias())));
        };
    Map<String, Object> g = ad.grad(f, params);
    assertEquals(Trees.structure(params), Trees.structure(g), "gradient structure");
    assertTrue(g.get("layer") instanceof Layer, "record node rebuilt as a record");
    double[] unused = ops.toDoubleArray((Tensor) g.get("unused"));
    assertEquals(4, unused.length);
    for (double u : unused) {
      assertEquals(0.0, u, "gradient of an unused parameter");
    }
    FiniteDifferences.assertClose(
        ops, g, FiniteDifferences.gradient(ops, f, params), RTOL, ATOL, "tree gradient");
  }

  @Test
  @DisplayName("AD-VALUE-01 valueAndGrad returns f(params) as its value")
  void valueIsReturned() {
    Tensor x = data(12, 4);
    var vg = ad.valueAndGrad(p -> ops.sum(ops.exp(p)), x, false);
    double expected = 0;
    for (double v : ops.toDoubleArray(x)) {
      expected += Math.exp(v);
    }
    assertEquals(expected, vg.value().item(), 1e-12 * Math.abs(expected));
  }

  @Test
  @DisplayName("AD-VJP-01 vector-Jacobian product of tanh(x @ W) against finite differences")
  void vjp() {
    Tensor w = data(13, 3, 4);
    Tensor x = data(14, 2, 3);
    Tensor u = data(15, 2, 4);
    Vjp<Tensor, Tensor> result = ad.vjp(p -> ops.tanh(ops.matmul(x, p)), w, u, false);
    assertEquals(Shape.of(2, 4), result.output().shape(), "vjp output shape");
    Function<Tensor, Tensor> projected = p -> ops.vdot(ops.tanh(ops.matmul(x, p)), u);
    FiniteDifferences.assertClose(
        ops, result.cotangentOfPrimals(), FiniteDifferences.gradient(ops, projected, w), RTOL,
        ATOL, "vjp");
  }

  @Test
  @DisplayName("AD-2ND-01 gradient of a gradient: d/dx <grad f(x), v> equals H v")
  void secondOrder() {
    require(Capability.HIGHER_ORDER);
    Tensor x = data(16, 5);
    Tensor v = data(17, 5);
    Function<Tensor, Tensor> f = p -> ops.sum(ops.mul(ops.tanh(p), ops.square(p)));
    Tensor hv = ad.grad(p -> ops.vdot(ad.grad(f, p, true), v), x);
    List<double[]> expected =
        FiniteDifferences.directional(ops, p -> ad.grad(f, p), x, v);
    FiniteDifferences.assertClose(ops, hv, expected, RTOL, ATOL, "second order");
  }

  @Test
  @DisplayName("AD-HVP-01 Hessian-vector product of an MLP loss against finite differences")
  void hessianVectorProduct() {
    require(Capability.HIGHER_ORDER);
    List<Tensor> params = Mlp.init(ops, DType.FLOAT64, 21, 3, 4, 1);
    List<Tensor> direction = Mlp.init(ops, DType.FLOAT64, 31, 3, 4, 1);
    Tensor x = data(18, 6, 3);
    Tensor y = data(19, 6, 1);
    Function<List<Tensor>, Tensor> loss =
        p -> Mlp.mse(ops, Mlp.forward(ops, p, x, ops::tanh), y);
    List<Tensor> hvp = ad.hvp(loss, params, direction, false);
    List<double[]> expected =
        FiniteDifferences.directional(ops, p -> ad.grad(loss, p), params, direction);
    FiniteDifferences.assertClose(ops, hvp, expected, 1e-5, 1e-6, "hvp");
  }

  /** Three differentiable SGD steps on the support loss, then the query loss. */
  private Tensor unrolledMetaLoss(
      List<Tensor> theta, Tensor xs, Tensor ys, Tensor xq, Tensor yq, boolean createGraph) {
    List<Tensor> p = theta;
    for (int step = 0; step < 3; step++) {
      List<Tensor> current = p;
      List<Tensor> g =
          ad.grad(q -> Mlp.mse(ops, Mlp.forward(ops, q, xs, ops::tanh), ys), current, createGraph);
      List<Tensor> next = new ArrayList<>();
      for (int i = 0; i < current.size(); i++) {
        next.add(ops.sub(current.get(i), ops.mul(g.get(i), 0.1)));
      }
      p = next;
    }
    return Mlp.mse(ops, Mlp.forward(ops, p, xq, ops::tanh), yq);
  }

  @Test
  @DisplayName("AD-MAML-01 meta-gradient through 3 unrolled SGD steps against finite differences")
  void unrolledMetaGradient() {
    require(Capability.HIGHER_ORDER);
    List<Tensor> theta = Mlp.init(ops, DType.FLOAT64, 41, 1, 8, 1);
    Tensor xs = data(42, 5, 1);
    Tensor ys = ops.sin(xs);
    Tensor xq = data(43, 5, 1);
    Tensor yq = ops.sin(xq);
    List<Tensor> meta = ad.grad(p -> unrolledMetaLoss(p, xs, ys, xq, yq, true), theta);
    List<double[]> expected =
        FiniteDifferences.gradient(ops, p -> unrolledMetaLoss(p, xs, ys, xq, yq, false), theta);
    FiniteDifferences.assertClose(ops, meta, expected, 1e-5, 1e-7, "meta-gradient");
  }

  @Test
  @DisplayName("AD-DETACH-01 without createGraph the gradient is a constant for an outer grad")
  void gradientWithoutGraphIsConstant() {
    Tensor x = data(44, 4);
    // d/dx <g(x), x> with g = grad(sum(x^3)) detached is g itself (3x^2), not 3x^2 + 6x^2.
    Tensor outer = ad.grad(p -> ops.vdot(ad.grad(q -> ops.sum(ops.pow(q, 3.0)), p, false), p), x);
    double[] xs = ops.toDoubleArray(x);
    double[] expected = new double[xs.length];
    for (int i = 0; i < xs.length; i++) {
      expected[i] = 3 * xs[i] * xs[i];
    }
    FiniteDifferences.assertClose(ops, outer, List.of(expected), 1e-12, 1e-12, "detached");
  }

  @Test
  @DisplayName("AD-STOP-01 stopGradient passes values and blocks gradients")
  void stopGradient() {
    Tensor x = data(45, 4);
    Tensor g = ad.grad(p -> ops.sum(ops.mul(ad.stopGradient(p), p)), x);
    FiniteDifferences.assertClose(ops, g, List.of(ops.toDoubleArray(x)), 1e-12, 1e-12, "stop");
  }

  @Test
  @DisplayName("AD-FUNC-01 grad differentiates only through its argument, not through closures")
  void functionalSemantics() {
    require(Capability.HIGHER_ORDER);
    Tensor x = data(46, 3);
    // inner(x) = d/dy sum(y * x) at y = x is x; so d/dx sum(inner(x)) = 1 everywhere.
    Tensor outer =
        ad.grad(p -> ops.sum(ad.grad(q -> ops.sum(ops.mul(q, p)), p, true)), x);
    FiniteDifferences.assertClose(
        ops, outer, List.of(new double[] {1, 1, 1}), 1e-12, 1e-12, "functional grad");
  }

  @Test
  @DisplayName("AD-THREAD-01 gradients computed on 4 threads at once equal the single-thread result")
  void threads() throws Exception {
    List<Tensor> params = Mlp.init(ops, DType.FLOAT64, 51, 3, 6, 1);
    double[] xs = ops.toDoubleArray(data(52, 8, 3));
    Function<List<Tensor>, Tensor> loss =
        p -> {
          Tensor x = ops.fromDoubles(xs, Shape.of(8, 3), DType.FLOAT64);
          return ops.mean(ops.square(Mlp.forward(ops, p, x, ops::tanh)));
        };
    List<double[]> reference = new ArrayList<>();
    for (Object g : Trees.leaves(ad.grad(loss, params))) {
      reference.add(ops.toDoubleArray((Tensor) g));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<double[]>>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        futures.add(
            pool.submit(
                () -> {
                  List<double[]> out = new ArrayList<>();
                  for (int rep = 0; rep < 20; rep++) {
                    try (Scope s = backend().scope()) {
                      out.clear();
                      for (Tensor g : ad.grad(loss, params)) {
                        out.add(ops.toDoubleArray(g));
                      }
                    }
                  }
                  return out;
                }));
      }
      for (Future<List<double[]>> f : futures) {
        List<double[]> got = f.get();
        for (int i = 0; i < reference.size(); i++) {
          org.junit.jupiter.api.Assertions.assertArrayEquals(
              reference.get(i), got.get(i), 1e-14, "leaf " + i + " on a worker thread");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @DisplayName("AD-CAST-01 casts between float64 and float32 carry gradients both ways")
  void castIsDifferentiable() {
    Tensor x = data(63, 5);
    // d/dx Σ (float64) ((float32) x)² = 2x, up to the float32 rounding of x
    Tensor g = ad.grad(
        p -> ops.sum(ops.square(ops.cast(ops.cast(p, DType.FLOAT32), DType.FLOAT64))), x);
    assertEquals(DType.FLOAT64, g.dtype());
    double[] xs = ops.toDoubleArray(x);
    double[] expected = new double[xs.length];
    for (int i = 0; i < xs.length; i++) {
      expected[i] = 2 * (float) xs[i];
    }
    FiniteDifferences.assertClose(ops, g, List.of(expected), 1e-12, 1e-12, "gradient through casts");
  }

  @Test
  @DisplayName("AD-F32-01 float32 gradients agree with float64 within float32 precision")
  void float32() {
    List<Tensor> p64 = Mlp.init(ops, DType.FLOAT64, 61, 3, 5, 2);
    List<Tensor> p32 = new ArrayList<>();
    for (Tensor t : p64) {
      p32.add(ops.cast(t, DType.FLOAT32));
    }
    double[] xs = ops.toDoubleArray(data(62, 4, 3));
    Function<DType, Function<List<Tensor>, Tensor>> loss =
        dt -> p -> ops.mean(ops.square(Mlp.forward(
            ops, p, ops.fromDoubles(xs, Shape.of(4, 3), dt), ops::tanh)));
    List<Tensor> g32 = ad.grad(loss.apply(DType.FLOAT32), p32);
    assertEquals(DType.FLOAT32, g32.get(0).dtype(), "gradient dtype follows the parameter");
    List<double[]> g64 = new ArrayList<>();
    for (Tensor g : ad.grad(loss.apply(DType.FLOAT64), p64)) {
      g64.add(ops.toDoubleArray(g));
    }
    FiniteDifferences.assertClose(ops, g32, g64, 1e-4, 1e-5, "float32 gradient");
  }
}
