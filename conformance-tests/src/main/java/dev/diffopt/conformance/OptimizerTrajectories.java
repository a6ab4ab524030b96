package dev.diffopt.conformance;

import dev.diffopt.conformance.reference.optim.RefOptimizer;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Step;
import dev.diffopt.transform.Updates;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assertions;

/**
 * Runs a diffopt optimizer and a float64 {@link RefOptimizer} side by side on an analytic
 * objective and compares the parameter trajectories after every step.
 *
 * <p>The parameters are two tensors of shapes {@code (2, 3)} and {@code (4,)} (ten values, read as
 * one vector {@code x}). At each step the gradient of the objective is computed in Java from each
 * side's own current parameters and handed to that side, so the two runs are independent and only
 * the update rules are compared.
 */
public final class OptimizerTrajectories {
  private static final Shape[] SHAPES = {Shape.of(2, 3), Shape.of(4)};

  private OptimizerTrajectories() {}

  /** An objective with an analytic gradient over the ten-element vector {@code x}. */
  public interface Objective {
    /**
     * The gradient at {@code x}.
     *
     * @param x the point
     * @return ∇f(x)
     */
    double[] gradient(double[] x);

    /**
     * A starting point.
     *
     * @return x₀
     */
    double[] start();
  }

  /** {@code f(x) = Σ (i+1)/2 · (x_i − c_i)²} with {@code c_i = sin(i)}, from {@code x_i = cos(i)}. */
  public static final Objective PARABOLA =
      new Objective() {
        @Override
        public double[] gradient(double[] x) {
          double[] g = new double[x.length];
          for (int i = 0; i < x.length; i++) {
            g[i] = (i + 1) * (x[i] - Math.sin(i));
          }
          return g;
        }

        @Override
        public double[] start() {
          double[] x = new double[10];
          for (int i = 0; i < x.length; i++) {
            x[i] = Math.cos(i);
          }
          return x;
        }

        @Override
        public String toString() {
          return "parabola";
        }
      };

  /**
   * Rosenbrock over consecutive pairs, {@code f(x) = Σ_k 100 (x_{2k+1} − x_{2k}²)² + (1 −
   * x_{2k})²}, from {@code (−1.2, 1)} repeated.
   */
  public static final Objective ROSENBROCK =
      new Objective() {
        @Override
        public double[] gradient(double[] x) {
          double[] g = new double[x.length];
          for (int k = 0; k + 1 < x.length; k += 2) {
            double a = x[k];
            double b = x[k + 1];
            g[k] = -400 * a * (b - a * a) - 2 * (1 - a);
            g[k + 1] = 200 * (b - a * a);
          }
          return g;
        }

        @Override
        public double[] start() {
          double[] x = new double[10];
          for (int k = 0; k + 1 < x.length; k += 2) {
            x[k] = -1.2;
            x[k + 1] = 1.0;
          }
          return x;
        }

        @Override
        public String toString() {
          return "rosenbrock";
        }
      };

  /**
   * Runs {@code steps} steps of {@code optimizer} on {@code ops} in {@code dtype} and of the
   * reference in float64, and asserts after each step that every parameter agrees: {@code |a − r|
   * ≤ atol + rtol·|r|}.
   *
   * @param ops the backend's operations
   * @param dtype the dtype of the diffopt run
   * @param optimizer the optimizer under test
   * @param reference makes a fresh reference optimizer
   * @param objective the objective
   * @param steps the number of steps
   * @param rtol relative tolerance
   * @param atol absolute tolerance
   */
  public static void assertMatchesReference(
      TensorOps ops,
      DType dtype,
      GradientTransformation optimizer,
      Supplier<RefOptimizer> reference,
      Objective objective,
      int steps,
      double rtol,
      double atol) {
    double[] x0 = objective.start();
    List<double[]> refParams = split(x0);
    RefOptimizer ref = reference.get();
    List<Tensor> params = new ArrayList<>();
    for (double[] part : split(x0)) {
      params.add(ops.fromDoubles(part, SHAPES[params.size()], dtype));
    }
    try (Scope run = Scope.open()) {
      Object state = optimizer.init(params);
      for (int step = 1; step <= steps; step++) {
        try (Scope s = Scope.open()) {
          List<Tensor> grads = new ArrayList<>();
          List<double[]> gParts = split(objective.gradient(join(host(ops, params))));
          for (int i = 0; i < gParts.size(); i++) {
            grads.add(ops.fromDoubles(gParts.get(i), SHAPES[i], dtype));
          }
          Step<List<Tensor>> out = optimizer.update(grads, state, params);
          params = s.keep(Updates.apply(params, out.updates()));
          state = s.keep(out.state());
        }
        ref.step(refParams, split(objective.gradient(join(refParams))));
        compare(host(ops, params), refParams, rtol, atol,
            optimizer + " on " + objective + " in " + dtype + ", step " + step);
      }
    } finally {
      for (Tensor p : params) {
        p.close();
      }
    }
  }

  private static List<double[]> host(TensorOps ops, List<Tensor> params) {
    List<double[]> out = new ArrayList<>();
    for (Tensor p : params) {
      out.add(ops.toDoubleArray(p));
    }
    return out;
  }

  private static List<double[]> split(double[] x) {
    List<double[]> parts = new ArrayList<>();
    int offset = 0;
    for (Shape s : SHAPES) {
      double[] part = new double[Math.toIntExact(s.size())];
      System.arraycopy(x, offset, part, 0, part.length);
      offset += part.length;
      parts.add(part);
    }
    return parts;
  }

  private static double[] join(List<double[]> parts) {
    double[] x = new double[10];
    int offset = 0;
    for (double[] p : parts) {
      System.arraycopy(p, 0, x, offset, p.length);
      offset += p.length;
    }
    return x;
  }

  private static void compare(
      List<double[]> actual, List<double[]> expected, double rtol, double atol, String what) {
    for (int t = 0; t < actual.size(); t++) {
      for (int i = 0; i < actual.get(t).length; i++) {
        double a = actual.get(t)[i];
        double e = expected.get(t)[i];
        if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
          Assertions.fail(what + ": parameter " + t + " element " + i + " is " + a
              + ", the reference has " + e + " (|diff| " + Math.abs(a - e) + ")");
        }
      }
    }
  }
}
