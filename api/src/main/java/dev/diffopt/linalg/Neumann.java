package dev.diffopt.linalg;

import dev.diffopt.tensor.TensorTrees;
import dev.diffopt.transform.Check;
import java.util.Objects;
import java.util.function.Function;

/**
 * The truncated Neumann series: since {@code A⁻¹ = α (I − (I − αA))⁻¹ = α Σ_{k≥0} (I − αA)ᵏ}
 * whenever the spectral radius of {@code I − αA} is below 1,
 *
 * <pre>
 *   x = x₀ + α Σ_{k=0}^{K} (I − αA)ᵏ r₀,   r₀ = b − A x₀,   K = maxIter
 * </pre>
 *
 * (TorchOpt's {@code solve_inv(ns=True)} / {@code torchopt.linalg.ns}, with {@code K} terms after
 * the first; Lorraine, Vicol and Duvenaud, "Optimizing Millions of Hyperparameters by Implicit
 * Differentiation", AISTATS 2020, use it for implicit hyper-gradients). With a preconditioner the
 * series is that of {@code M A}, applied to {@code M r₀}; with a ridge, that of {@code A + ρI}. One
 * matvec per term. {@link #defaults()} has {@code tol = 0}, TorchOpt's fixed number of terms; with
 * {@code tol > 0} the series stops once a term's norm is at most {@code tol} times the first's
 * (one host read per term). The default {@code maxIter} is 10.
 *
 * @param options the common options
 * @param alpha the series step α, finite and {@code > 0}; needs {@code ‖I − αA‖ < 1} to converge
 */
public record Neumann(SolverOptions options, double alpha) implements LinearSolver {

  /** The default number of terms after the first: 10, TorchOpt's. */
  public static final int DEFAULT_MAX_ITER = 10;

  /** The default step α: 1, TorchOpt's (its {@code alpha=None}). */
  public static final double DEFAULT_ALPHA = 1.0;

  /**
   * Validates the options.
   *
   * @param options the options
   * @param alpha α
   */
  public Neumann {
    Objects.requireNonNull(options, "options");
    Check.positive("alpha", alpha);
  }

  /**
   * The series with TorchOpt's defaults: α = 1, 10 terms after the first, no tolerance check.
   *
   * @return the solver
   */
  public static Neumann defaults() {
    return new Neumann(SolverOptions.builder().tol(0).build(), DEFAULT_ALPHA);
  }

  /**
   * The series with the given options and step.
   *
   * @param options the options
   * @param alpha α
   * @return the solver
   */
  public static Neumann of(SolverOptions options, double alpha) {
    return new Neumann(options, alpha);
  }

  /** The iteration state: the current term and the partial sum. */
  private record State<T>(T term, T sum) {}

  @Override
  public <T> T solve(Function<T, T> matvec, T b, T init) {
    Systems.dtype(b, "b");
    Function<T, T> a = Systems.operator(matvec, b, options.ridge(), "matvec's result");
    Function<T, T> m = Systems.preconditioner(options, b);
    Function<T, T> ma = m == null ? a : v -> m.apply(a.apply(v));
    T x0 = Systems.initialGuess(options, init, b);
    int terms = options.maxIterOr(DEFAULT_MAX_ITER);
    double tol = options.tol();
    try (Iterations loop = new Iterations()) {
      State<T> s = loop.advance(() -> {
        T r = x0 == null ? b : Systems.sub(b, a.apply(x0));
        T first = m == null ? r : m.apply(r);
        return new State<>(first, first);
      });
      T first = s.term();
      double bound = tol > 0 ? tol * tol * Iterations.read(() -> Systems.dot(first, first)) : 0;
      for (int k = 0; k < terms; k++) {
        State<T> c = s;
        s = loop.advance(() -> {
          T term = Systems.axpy(c.term(), -alpha, ma.apply(c.term()));
          return new State<>(term, TensorTrees.map(c.sum(), term, (p, q) -> p.ops().add(p, q)));
        });
        State<T> d = s;
        if (tol > 0 && Iterations.read(() -> Systems.dot(d.term(), d.term())) <= bound) {
          break;
        }
      }
      State<T> last = s;
      T x = TensorTrees.map(last.sum(), t -> t.ops().mul(t, alpha));
      return loop.finish(x0 == null ? x : TensorTrees.map(x0, x, (p, q) -> p.ops().add(p, q)));
    }
  }
}
