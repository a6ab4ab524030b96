package dev.diffopt.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.Backends;
import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.spi.Backend;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.checkpoint.Checkpoint;
import dev.diffopt.meta.MetaOptimizer;
import dev.diffopt.meta.MetaSGD;
import dev.diffopt.optim.Optimizer;
import dev.diffopt.optim.Optimizers;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Transforms;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class MetaGradientDemoTest {
  @Test
  void theDemoMetaGradientMatchesFiniteDifferences() {
    assertTrue(MetaGradientDemo.run(Backends.get()), "the demo reported a mismatch");
  }

  /** The README's usage example, verbatim between the markers, so that it keeps compiling. */
  @Test
  void theReadmeExampleRuns() {
    List<Tensor> result;
    // README example start
    Backend backend = Backends.get();              // highest priority, or -Ddiffopt.backend=djl
    TensorOps ops = backend.ops();
    Autodiff ad = backend.autodiff();

    try (Scope step = backend.scope()) {           // frees every tensor the step creates
      Tensor xs = ops.randomNormal(Shape.of(8, 2), DType.FLOAT64, 1), ys = ops.sin(xs);  // support
      Tensor xq = ops.randomNormal(Shape.of(8, 2), DType.FLOAT64, 2), yq = ops.sin(xq);  // query
      BiFunction<Tensor, Tensor, Function<List<Tensor>, Tensor>> mse = (x, y) -> p ->
          ops.mean(ops.square(ops.sub(ops.add(ops.matmul(x, p.get(0)), p.get(1)), y)));
      List<Tensor> theta = List.of(ops.zeros(Shape.of(2, 2), DType.FLOAT64),
                                   ops.zeros(Shape.of(2), DType.FLOAT64));

      // MAML: differentiate through one inner SGD step (createGraph keeps the inner gradient's graph)
      List<Tensor> metaGrad = ad.grad(p -> {
        List<Tensor> g = ad.grad(mse.apply(xs, ys), p, true);
        List<Tensor> adapted = List.of(ops.sub(p.get(0), ops.mul(g.get(0), 0.1)),
                                       ops.sub(p.get(1), ops.mul(g.get(1), 0.1)));
        return mse.apply(xq, yq).apply(adapted);
      }, theta);
      step.keep(metaGrad);                         // survives the scope; close it when done
      // README example end
      result = metaGrad;
    }
    assertEquals(Shape.of(2, 2), result.get(0).shape());
    assertEquals(Shape.of(2), result.get(1).shape());
    double norm = 0;
    for (Tensor t : result) {
      for (double v : t.toDoubleArray()) {
        norm += v * v;
      }
      t.close();
    }
    assertTrue(norm > 1e-6, "a zero meta-gradient means the inner step was not differentiated");
  }

  /** The README's optimizer example, verbatim between the markers. */
  @Test
  void theReadmeOptimizerExampleRuns(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    Backend backend = Backends.get();
    TensorOps ops = backend.ops();
    Autodiff ad = backend.autodiff();
    List<Tensor> params = List.of(ops.fromDoubles(new double[] {1, -2}, Shape.of(2), DType.FLOAT32));
    Function<List<Tensor>, Tensor> loss = p -> ops.sum(ops.square(p.get(0)));
    double before = params.get(0).toDoubleArray()[0];
    java.nio.file.Path cwd = dir;
    // README optimizer example start
    GradientTransformation adam = Optimizers.adam(1e-3);          // or Adam.of(Adam.Options.builder()...build())
    GradientTransformation custom = Transforms.chain(Transforms.clipByGlobalNorm(1.0),
        Transforms.scaleByAdam(0.9, 0.999, 1e-8, 0, false), Transforms.scaleByLearningRate(1e-3));

    try (Optimizer opt = Optimizer.of(backend, adam, params)) {  // fused kernel when the backend has one
      opt.step(ad.grad(loss, params));                            // params updated in place
      Checkpoint.save(cwd.resolve("run.ckpt"), List.of(params, opt.state()));
    }
    // README optimizer example end
    assertEquals(before - 1e-3, params.get(0).toDoubleArray()[0], 1e-6, "one Adam step of size lr");
    assertTrue(java.nio.file.Files.size(cwd.resolve("run.ckpt")) > 0);
    assertTrue(custom instanceof dev.diffopt.transform.Chain);
  }

  /** The README's staging example, verbatim between the markers, on both backends. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"djl", "tensorflow"})
  void theReadmeStagingExampleRuns(String name) {
    Backend backend = Backends.get(name);
    TensorOps ops = backend.ops();
    Autodiff ad = backend.autodiff();
    try (Scope scope = backend.scope()) {
      List<Tensor> params = List.of(ops.fromDoubles(new double[] {0.5, -2}, Shape.of(2),
          DType.FLOAT64));
      Function<List<Tensor>, Tensor> loss = p -> ops.sum(ops.tanh(ops.square(p.get(0))));
      // README staging example start
      Function<List<Tensor>, List<Tensor>> metaStep = backend.stage(p -> ad.grad(loss, p));
      List<Tensor> g = metaStep.apply(params);                      // the first call traces, later ones run
      // README staging example end
      double[] x = {0.5, -2};
      double[] got = g.get(0).toDoubleArray();
      for (int i = 0; i < 2; i++) {
        double t = Math.tanh(x[i] * x[i]);
        assertEquals((1 - t * t) * 2 * x[i], got[i], 1e-12, "d/dx tanh(x^2) at " + x[i]);
      }
      assertEquals(got[1], metaStep.apply(params).get(0).toDoubleArray()[1], 0.0,
          "the second call gives the same numbers");
    }
  }

  /** The README's MetaOptimizer example, verbatim between the markers: equal to unrolling by hand. */
  @Test
  void theReadmeMetaOptimizerExampleRuns() {
    Backend backend = Backends.get();
    TensorOps ops = backend.ops();
    Autodiff ad = backend.autodiff();
    try (Scope scope = backend.scope()) {
      Tensor xs = ops.randomNormal(Shape.of(8, 2), DType.FLOAT64, 1), ys = ops.sin(xs);
      Tensor xq = ops.randomNormal(Shape.of(8, 2), DType.FLOAT64, 2), yq = ops.sin(xq);
      BiFunction<Tensor, Tensor, Function<List<Tensor>, Tensor>> mse = (x, y) -> p ->
          ops.mean(ops.square(ops.sub(ops.add(ops.matmul(x, p.get(0)), p.get(1)), y)));
      List<Tensor> theta = List.of(ops.fromDoubles(new double[] {0.1, -0.2, 0.3, 0.4},
          Shape.of(2, 2), DType.FLOAT64), ops.zeros(Shape.of(2), DType.FLOAT64));
      // README meta-optimizer example start
      List<Tensor> metaGrad = ad.grad(p -> {
        MetaOptimizer<List<Tensor>> inner = MetaSGD.of(backend, p, 0.1);   // or MetaAdam, MetaOptimizer.of(backend, chain, p)
        for (int k = 0; k < 3; k++) {
          inner.step(mse.apply(xs, ys));                                   // keeps the graph: second order
        }
        return mse.apply(xq, yq).apply(inner.params());
      }, theta);
      // README meta-optimizer example end
      List<Tensor> byHand = ad.grad(p -> {
        List<Tensor> q = p;
        for (int k = 0; k < 3; k++) {
          List<Tensor> g = ad.grad(mse.apply(xs, ys), q, true);
          q = List.of(ops.sub(q.get(0), ops.mul(g.get(0), 0.1)),
              ops.sub(q.get(1), ops.mul(g.get(1), 0.1)));
        }
        return mse.apply(xq, yq).apply(q);
      }, theta);
      for (int i = 0; i < 2; i++) {
        double[] want = byHand.get(i).toDoubleArray();
        double[] got = metaGrad.get(i).toDoubleArray();
        for (int k = 0; k < want.length; k++) {
          assertEquals(want[k], got[k], 1e-12, "leaf " + i + "[" + k + "]");
        }
      }
    }
  }
}
