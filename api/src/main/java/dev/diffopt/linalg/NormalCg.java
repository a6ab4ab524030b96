package dev.diffopt.linalg;

import dev.diffopt.autodiff.Autodiff;
import java.util.Objects;
import java.util.function.Function;

/**
 * Conjugate gradient on the normal equations, {@code (AᵀA + ρI) x = Aᵀb}, for any nonsingular
 * (not necessarily symmetric) {@code A}: the solver TorchOpt's {@code custom_root} uses by default
 * ({@code solve_normal_cg}). The iteration is {@link Cg}'s on the normal operator; the ridge, the
 * preconditioner (an approximation of {@code (AᵀA)⁻¹}), {@code tol} (relative to {@code ‖Aᵀb‖})
 * and {@code maxIter} apply to the normal system.
 *
 * <p>{@code Aᵀ} is the caller's {@code rmatvec} when one is given. Otherwise it comes from the
 * backend's {@link Autodiff}, as in TorchOpt, by a vector-Jacobian product of the (linear) matvec:
 * {@code AᵀA v} is the gradient of {@code ½‖A v‖²} and {@code Aᵀb} that of {@code ⟨A v, b⟩}, one
 * autodiff call each (on a backend that traces gradients outside a stage, such as TensorFlow, each
 * traces and runs a small graph). So {@code matvec} must be differentiable in its argument (built
 * from tensor operations on it, a VJP taken with {@code createGraph}); a detached matvec would give
 * {@code Aᵀ = 0}. These products are detached: the solution is not differentiable through {@code
 * A} (implicit differentiation does not need it to be).
 *
 * @param options the common options
 * @param autodiff the autodiff computing {@code Aᵀ} when no rmatvec is given, or {@code null}
 */
public record NormalCg(SolverOptions options, Autodiff autodiff) implements LinearSolver {

  /**
   * Checks the options.
   *
   * @param options the options
   * @param autodiff the autodiff, or {@code null}
   */
  public NormalCg {
    Objects.requireNonNull(options, "options");
  }

  /**
   * Normal CG with the default options, computing {@code Aᵀ} with {@code autodiff}.
   *
   * @param autodiff the backend's autodiff
   * @return the solver
   */
  public static NormalCg defaults(Autodiff autodiff) {
    return new NormalCg(SolverOptions.defaults(), Objects.requireNonNull(autodiff, "autodiff"));
  }

  /**
   * Normal CG with the given options, computing {@code Aᵀ} with {@code autodiff}.
   *
   * @param options the options
   * @param autodiff the backend's autodiff, or {@code null} when every call gives an rmatvec
   * @return the solver
   */
  public static NormalCg of(SolverOptions options, Autodiff autodiff) {
    return new NormalCg(options, autodiff);
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code Aᵀ} is computed by VJPs of {@code matvec}.
   *
   * @throws IllegalStateException if this solver has no {@link Autodiff}
   */
  @Override
  public <T> T solve(Function<T, T> matvec, T b, T init) {
    if (autodiff == null) {
      throw new IllegalStateException(
          "NormalCg needs Aᵀ: pass an rmatvec to solve(matvec, rmatvec, b, init) or an Autodiff "
              + "to NormalCg.of(options, autodiff)");
    }
    Systems.dtype(b, "b");
    Function<T, T> a = Systems.operator(matvec, b, 0, "matvec's result");
    Function<T, T> normal = v -> autodiff.grad(u -> {
      T au = a.apply(u);
      return autodiff.ops().mul(Systems.dot(au, au), 0.5);
    }, v, false);
    T rhs = autodiff.grad(u -> Systems.dot(a.apply(u), b), b, false);
    return solveNormal(normal, rhs, b, init);
  }

  /**
   * The solution of {@code (AᵀA + ρI) x = Aᵀb} with {@code Aᵀ} given.
   *
   * @param matvec {@code v ↦ A v}
   * @param rmatvec {@code w ↦ Aᵀ w}
   * @param b the right-hand side
   * @param init the initial guess, or {@code null} for the options'
   * @param <T> the tree type
   * @return {@code x} with the structure of {@code b}
   */
  public <T> T solve(Function<T, T> matvec, Function<T, T> rmatvec, T b, T init) {
    Objects.requireNonNull(rmatvec, "rmatvec");
    Systems.dtype(b, "b");
    Function<T, T> a = Systems.operator(matvec, b, 0, "matvec's result");
    Function<T, T> at = Systems.operator(rmatvec, b, 0, "rmatvec's result");
    return solveNormal(v -> at.apply(a.apply(v)), at.apply(b), b, init);
  }

  private <T> T solveNormal(Function<T, T> normal, T rhs, T b, T init) {
    Function<T, T> n = Systems.operator(normal, b, options.ridge(), "AᵀA v");
    return Cg.run(n, Systems.preconditioner(options, b), rhs,
        Systems.initialGuess(options, init, b), options.tol(),
        options.maxIterOr(10 * Systems.size(b)));
  }
}
