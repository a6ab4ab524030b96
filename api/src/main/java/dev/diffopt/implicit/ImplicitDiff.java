package dev.diffopt.implicit;

import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.linalg.LinearSolver;
import dev.diffopt.linalg.NormalCg;
import java.util.function.BiFunction;

/**
 * The functional form of implicit differentiation (TorchOpt's {@code custom_root}):
 *
 * <pre>{@code
 * // ridge regression: F(w, λ) = Xᵀ(Xw − y) + λw, symmetric in w, so CG solves the adjoint system
 * CustomRoot<Tensor, Tensor> root = ImplicitDiff.customRoot(ad,
 *     (w, lam) -> ops.add(ops.matmul(xt, ops.sub(ops.matmul(x, w), y)), ops.mul(w, lam)),
 *     Cg.defaults());
 * ImplicitSolver<Tensor, Tensor> ridge = root.of(lam -> innerSolve(lam));   // any inner solver
 * ValueAndGrad<Tensor> vg = ridge.valueAndGrad(
 *     (w, lam) -> validationLoss(w), lam);                                  // dL/dλ via x*(λ)
 * }</pre>
 *
 * <p>See the {@linkplain dev.diffopt.implicit package documentation} for the mathematics.
 */
public final class ImplicitDiff {
  private ImplicitDiff() {}

  /**
   * Implicit differentiation of the roots of {@code optimality}.
   *
   * @param autodiff the backend's autodiff
   * @param optimality {@code F(x, θ)}, a tree shaped like {@code x} that is zero at the solution
   * @param linearSolver solves {@code (∂F/∂x)ᵀ u = v}; {@link dev.diffopt.linalg.Cg} needs a
   *     symmetric positive definite {@code ∂F/∂x} (such as the Hessian of a strongly convex
   *     objective), {@link NormalCg} or {@link dev.diffopt.linalg.Inv} take any nonsingular one
   * @param <X> the tree type of the inner variables
   * @param <P> the tree type of the outer parameters θ
   * @return the decorator, taking an inner solver
   */
  public static <X, P> CustomRoot<X, P> customRoot(
      Autodiff autodiff, BiFunction<X, P, X> optimality, LinearSolver linearSolver) {
    return new CustomRoot<>(autodiff, optimality, linearSolver);
  }

  /**
   * Implicit differentiation of the roots of {@code optimality}, solving the adjoint system with
   * {@link NormalCg} (TorchOpt's default), which needs no symmetry.
   *
   * @param autodiff the backend's autodiff
   * @param optimality {@code F(x, θ)}
   * @param <X> the tree type of the inner variables
   * @param <P> the tree type of the outer parameters θ
   * @return the decorator, taking an inner solver
   */
  public static <X, P> CustomRoot<X, P> customRoot(
      Autodiff autodiff, BiFunction<X, P, X> optimality) {
    return customRoot(autodiff, optimality, NormalCg.defaults(autodiff));
  }
}
