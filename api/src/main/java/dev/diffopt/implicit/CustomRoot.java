package dev.diffopt.implicit;

import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.linalg.LinearSolver;
import dev.diffopt.tensor.TensorTrees;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Implicit differentiation of the roots {@code x*(θ)} of an optimality condition {@code F(x, θ) =
 * 0}: made by {@link ImplicitDiff#customRoot}, it gives the vector-Jacobian product of {@code x*}
 * and, with an inner solver ({@link #of}), meta-gradients of outer losses.
 *
 * @param autodiff the backend's autodiff
 * @param optimality {@code F(x, θ)}, returning a tree shaped like {@code x}
 * @param linearSolver solves the adjoint system {@code (∂F/∂x)ᵀ u = v}
 * @param <X> the tree type of the inner variables
 * @param <P> the tree type of the outer parameters θ
 */
public record CustomRoot<X, P>(
    Autodiff autodiff, BiFunction<X, P, X> optimality, LinearSolver linearSolver) {

  /**
   * Checks the arguments.
   *
   * @param autodiff the autodiff
   * @param optimality F
   * @param linearSolver the linear solver
   */
  public CustomRoot {
    Objects.requireNonNull(autodiff, "autodiff");
    Objects.requireNonNull(optimality, "optimality");
    Objects.requireNonNull(linearSolver, "linearSolver");
  }

  /**
   * Attaches the inner solver.
   *
   * @param innerSolver computes {@code x*(θ)}; its result is treated as a constant (never
   *     differentiated)
   * @return the differentiable solver
   */
  public ImplicitSolver<X, P> of(Function<P, X> innerSolver) {
    return new ImplicitSolver<>(this, innerSolver);
  }

  /**
   * The vector-Jacobian product of the solution map at {@code θ}: {@code vᵀ ∂x* / ∂θ = −(∂F/∂θ)ᵀ u}
   * where {@code (∂F/∂x)ᵀ u = v}, all partial derivatives at {@code (x*, θ)}. The linear solver's
   * matvec is a VJP of {@code x ↦ F(x, θ)} (one autodiff call per iteration), taken with {@code
   * createGraph} so that it is itself differentiable in its argument: {@link
   * dev.diffopt.linalg.NormalCg} transposes it by another VJP, as TorchOpt does. The last step is
   * one VJP of {@code θ ↦ F(x*, θ)}. The result is detached.
   *
   * @param theta θ
   * @param xStar the inner solution at θ (a root of F)
   * @param cotangent v, a tree shaped like {@code x*} (e.g. ∂L/∂x of an outer loss)
   * @return a tree shaped like θ
   */
  public P vjp(P theta, X xStar, X cotangent) {
    Objects.requireNonNull(theta, "theta");
    Objects.requireNonNull(xStar, "xStar");
    Objects.requireNonNull(cotangent, "cotangent");
    X u = linearSolver.solve(
        w -> autodiff.vjp(x -> optimality.apply(x, theta), xStar, w, true).cotangentOfPrimals(),
        cotangent);
    P g = autodiff.vjp(t -> optimality.apply(xStar, t), theta, u, false).cotangentOfPrimals();
    return TensorTrees.map(g, t -> t.ops().neg(t));
  }
}
