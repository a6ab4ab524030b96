package dev.diffopt.examples;

import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.spi.Backend;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The first demo: a MAML-style meta-gradient through one differentiable SGD step on a toy linear
 * regression, printed next to its central finite-difference check.
 *
 * <p>With parameters θ = (w, b), support set S and query set Q, one inner step gives θ' = θ − α
 * ∇L_S(θ); the meta-loss is L_Q(θ') and the meta-gradient is dL_Q(θ')/dθ, which includes the
 * second-order term through ∇L_S (Finn, Abbeel and Levine, "Model-Agnostic Meta-Learning", ICML
 * 2017). It is computed by {@link Autodiff#grad} with {@code createGraph = true} for the inner
 * gradient, and checked against (L_Q(θ'(θ + h e_i)) − L_Q(θ'(θ − h e_i))) / 2h.
 *
 * <p>Usage: {@code MetaGradientDemo [--backend NAME]}. Exits with status 1 if the check fails.
 */
public final class MetaGradientDemo {
  private static final double INNER_LR = 0.1;
  private static final double STEP = 1e-6;
  private static final double TOLERANCE = 1e-6;

  private final TensorOps ops;
  private final Autodiff ad;
  private final Tensor xs;
  private final Tensor ys;
  private final Tensor xq;
  private final Tensor yq;

  private MetaGradientDemo(Backend backend) {
    this.ops = backend.ops();
    this.ad = backend.autodiff();
    // y = 3 x0 − 2 x1 + 0.5 + noise; support and query sets of 8 points each
    this.xs = ops.randomNormal(Shape.of(8, 2), DType.FLOAT64, 1);
    this.xq = ops.randomNormal(Shape.of(8, 2), DType.FLOAT64, 2);
    Tensor trueW = ops.fromDoubles(new double[] {3, -2}, Shape.of(2, 1), DType.FLOAT64);
    this.ys = target(xs, trueW, 3);
    this.yq = target(xq, trueW, 4);
  }

  private Tensor target(Tensor x, Tensor w, long seed) {
    Tensor noise = ops.mul(ops.randomNormal(Shape.of(8, 1), DType.FLOAT64, seed), 0.1);
    return ops.add(ops.add(ops.matmul(x, w), 0.5), noise);
  }

  private Tensor loss(List<Tensor> theta, Tensor x, Tensor y) {
    Tensor prediction = ops.add(ops.matmul(x, theta.get(0)), theta.get(1));
    return ops.mean(ops.square(ops.sub(prediction, y)));
  }

  /** L_Q(θ − α ∇L_S(θ)); the inner gradient keeps its graph when {@code differentiable}. */
  private Tensor metaLoss(List<Tensor> theta, boolean differentiable) {
    List<Tensor> g = ad.grad(p -> loss(p, xs, ys), theta, differentiable);
    List<Tensor> adapted = new ArrayList<>();
    for (int i = 0; i < theta.size(); i++) {
      adapted.add(ops.sub(theta.get(i), ops.mul(g.get(i), INNER_LR)));
    }
    return loss(adapted, xq, yq);
  }

  private double[] finiteDifference(List<Tensor> theta) {
    List<double[]> values = new ArrayList<>();
    for (Tensor t : theta) {
      values.add(ops.toDoubleArray(t));
    }
    List<Double> out = new ArrayList<>();
    for (int leaf = 0; leaf < values.size(); leaf++) {
      for (int i = 0; i < values.get(leaf).length; i++) {
        double saved = values.get(leaf)[i];
        values.get(leaf)[i] = saved + STEP;
        double plus = metaLoss(tensors(values, theta), false).item();
        values.get(leaf)[i] = saved - STEP;
        double minus = metaLoss(tensors(values, theta), false).item();
        values.get(leaf)[i] = saved;
        out.add((plus - minus) / (2 * STEP));
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private List<Tensor> tensors(List<double[]> values, List<Tensor> like) {
    List<Tensor> out = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      out.add(ops.fromDoubles(values.get(i), like.get(i).shape(), DType.FLOAT64));
    }
    return out;
  }

  /**
   * Prints the meta-gradient next to its finite-difference check on {@code backend}.
   *
   * @return whether every component agrees to a relative error below 1e-6
   */
  static boolean run(Backend backend) {
    try (Scope scope = backend.scope()) {
      return new MetaGradientDemo(backend).check();
    }
  }

  private boolean check() {
    List<Tensor> theta =
        List.of(
            ops.fromDoubles(new double[] {0.5, 0.5}, Shape.of(2, 1), DType.FLOAT64),
            ops.scalar(0.0, DType.FLOAT64));
    var result = ad.valueAndGrad(p -> metaLoss(p, true), theta, false);
    List<Double> analytic = new ArrayList<>();
    for (Tensor g : result.grad()) {
      for (double v : ops.toDoubleArray(g)) {
        analytic.add(v);
      }
    }
    double[] numeric = finiteDifference(theta);
    String[] names = {"w[0]", "w[1]", "b"};
    System.out.printf(Locale.ROOT, "meta-loss L_Q(θ - %.1f ∇L_S(θ)) = %.10f%n%n", INNER_LR,
        result.value().item());
    System.out.printf(Locale.ROOT, "%-6s %22s %22s %12s%n", "param", "meta-gradient",
        "finite difference", "rel. error");
    double worst = 0;
    for (int i = 0; i < numeric.length; i++) {
      double a = analytic.get(i);
      double rel = Math.abs(a - numeric[i]) / Math.max(1e-12, Math.abs(numeric[i]));
      worst = Math.max(worst, rel);
      System.out.printf(Locale.ROOT, "%-6s %22.12f %22.12f %12.2e%n", names[i], a, numeric[i], rel);
    }
    boolean ok = worst < TOLERANCE;
    System.out.printf(Locale.ROOT, "%nmax relative error %.2e: %s%n", worst,
        ok ? "meta-gradient matches finite differences" : "MISMATCH");
    return ok;
  }

  /** Entry point; see the class documentation for options. */
  public static void main(String[] args) {
    Backend backend = ExampleArgs.backend("MetaGradientDemo", args, Capability.HIGHER_ORDER,
        Capability.FLOAT64);
    System.out.println("diffopt meta-gradient demo on backend " + backend);
    System.exit(run(backend) ? 0 : 1);
  }
}
