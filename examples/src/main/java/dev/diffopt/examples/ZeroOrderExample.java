package dev.diffopt.examples;

import dev.diffopt.optim.Optimizers;
import dev.diffopt.spi.Backend;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Step;
import dev.diffopt.transform.Updates;
import dev.diffopt.zeroorder.ZeroOrder;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Zero-order optimization of a loss autodiff cannot help with: the fraction of misclassified points
 * of a linear classifier {@code sign(x·w + b)}, a step function of (w, b) whose gradient is zero
 * almost everywhere. Antithetic zero-order estimates of the gradient of its Gaussian smoothing
 * ({@link ZeroOrder}) drive functional Adam ({@code init}/{@code update} + {@link Updates#apply}),
 * with a new seed at every step.
 *
 * <p>Usage: {@code ZeroOrderExample [--backend NAME]}. Exits with status 1 unless the error rate
 * falls by at least 0.3 and ends below 0.15.
 */
public final class ZeroOrderExample {
  /** Steps of Adam. */
  static final int STEPS = 150;

  private static final int POINTS = 200;
  private static final double LR = 0.05;

  /**
   * The error rates before and after optimization.
   *
   * @param initial the fraction misclassified at the start
   * @param last the fraction misclassified at the end
   */
  record Result(double initial, double last) {
    /** Whether the error fell by at least 0.3 and ends below 0.15. */
    boolean improved() {
      return last <= initial - 0.3 && last < 0.15;
    }
  }

  private ZeroOrderExample() {}

  /**
   * Two Gaussian blobs around ±(2, 1) with labels ±1, and the error rate of (w, b) on them: {@code
   * mean(y·(x·w + b) <= 0)}.
   */
  private static Function<Map<String, Tensor>, Tensor> misclassified(TensorOps ops) {
    double[] xs = new double[2 * POINTS];
    double[] ys = new double[POINTS];
    double[] noise = ops.toDoubleArray(ops.randomNormal(Shape.of(POINTS, 2), DType.FLOAT64, 1));
    for (int i = 0; i < POINTS; i++) {
      ys[i] = i % 2 == 0 ? 1 : -1;
      xs[2 * i] = 2 * ys[i] + noise[2 * i];
      xs[2 * i + 1] = ys[i] + noise[2 * i + 1];
    }
    Tensor x = ops.fromDoubles(xs, Shape.of(POINTS, 2), DType.FLOAT64);
    Tensor y = ops.fromDoubles(ys, Shape.of(POINTS), DType.FLOAT64);
    Tensor zero = ops.scalar(0, DType.FLOAT64);
    return p -> {
      Tensor margin = ops.mul(y, ops.add(ops.matmul(x, p.get("w")), p.get("b")));
      return ops.mean(ops.cast(ops.le(margin, zero), DType.FLOAT64));
    };
  }

  /**
   * Optimizes the classifier from a bad start, printing the error rate every 25 steps.
   *
   * @param backend the backend
   * @param steps the number of Adam steps
   * @return the error rates before and after
   */
  static Result run(Backend backend, int steps) {
    TensorOps ops = backend.ops();
    try (Scope scope = backend.scope()) {
      Function<Map<String, Tensor>, Tensor> loss = misclassified(ops);
      Map<String, Tensor> params = Map.of(
          "w", ops.fromDoubles(new double[] {-1, 0.5}, Shape.of(2), DType.FLOAT64),
          "b", ops.scalar(0.5, DType.FLOAT64));
      ZeroOrder zo = ZeroOrder.builder().method(ZeroOrder.Method.ANTITHETIC)
          .numSamples(16).sigma(0.3).build();
      GradientTransformation adam = Optimizers.adam(LR);
      Object state = adam.init(params);
      double initial = loss.apply(params).item();
      System.out.printf(Locale.ROOT, "step %4d  error rate %.3f%n", 0, initial);
      double last = initial;
      for (int step = 1; step <= steps; step++) {
        try (Scope inner = backend.scope()) {
          Map<String, Tensor> grad = zo.withSeed(step).grad(loss, params);
          Step<Map<String, Tensor>> update = adam.update(grad, state, params);
          params = inner.keep(Updates.apply(params, update.updates()));
          state = inner.keep(update.state());
        }
        if (step % 25 == 0 || step == steps) {
          last = loss.apply(params).item();
          System.out.printf(Locale.ROOT, "step %4d  error rate %.3f%n", step, last);
        }
      }
      System.out.printf(Locale.ROOT, "w = %s, b = %.3f, %d evaluations of the loss per step%n",
          Arrays.toString(params.get("w").toDoubleArray()), params.get("b").item(),
          zo.gradEvaluations());
      return new Result(initial, last);
    }
  }

  /** Entry point; see the class documentation for options. */
  public static void main(String[] args) {
    Backend backend = ExampleArgs.backend("ZeroOrderExample", args, Capability.FLOAT64);
    System.out.println("zero-order Adam on the misclassification rate, backend " + backend);
    Result result = run(backend, STEPS);
    boolean ok = result.improved();
    System.out.printf(Locale.ROOT, "error rate %.3f -> %.3f: %s%n", result.initial(), result.last(),
        ok ? "improved by a clear margin" : "NOT IMPROVED");
    System.exit(ok ? 0 : 1);
  }
}
