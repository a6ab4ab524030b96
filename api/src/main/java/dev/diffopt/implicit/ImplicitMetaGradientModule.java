package dev.diffopt.implicit;

import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.autodiff.ValueAndGrad;
import dev.diffopt.linalg.Cg;
import dev.diffopt.linalg.LinearSolver;
import dev.diffopt.linalg.NormalCg;
import dev.diffopt.tensor.Tensor;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * The object form of implicit differentiation (TorchOpt's {@code ImplicitMetaGradientModule}): a
 * subclass says what its inner problem is and how to solve it, and gets meta-gradients through the
 * solution.
 *
 * <pre>{@code
 * class Ridge extends ImplicitMetaGradientModule<Tensor, Tensor> {
 *   Ridge(Autodiff ad) { super(ad); }
 *   protected Tensor objective(Tensor w, Tensor lam) {          // F = ∇_w objective
 *     return ops.add(ops.mul(ops.sum(ops.square(ops.sub(ops.matmul(x, w), y))), 0.5),
 *                    ops.mul(ops.mul(ops.sum(ops.square(w)), lam), 0.5));
 *   }
 *   protected Tensor solve(Tensor lam) { ... }                  // any solver, not differentiated
 * }
 * ValueAndGrad<Tensor> vg = new Ridge(ad).metaGradient((w, lam) -> validationLoss(w), lam);
 * }</pre>
 *
 * <p>Implement either {@link #objective} (then {@code F = ∇ₓ objective}, taken with {@code
 * createGraph}, so the backend needs higher-order gradients; its Jacobian is the symmetric Hessian
 * and the default linear solver is {@link Cg}) or {@link #optimality} (the default linear solver
 * is then {@link NormalCg}, which needs no symmetry), plus {@link #solve}. A linear solver given
 * to the constructor replaces the default.
 *
 * @param <X> the tree type of the inner variables
 * @param <P> the tree type of the outer parameters θ
 */
public abstract class ImplicitMetaGradientModule<X, P> {
  private final Autodiff autodiff;
  private final LinearSolver linearSolver;

  /**
   * A module with the default linear solver.
   *
   * @param autodiff the backend's autodiff
   */
  protected ImplicitMetaGradientModule(Autodiff autodiff) {
    this(autodiff, null);
  }

  /**
   * A module with the given linear solver.
   *
   * @param autodiff the backend's autodiff
   * @param linearSolver solves {@code (∂F/∂x)ᵀ u = v}, or {@code null} for the default
   */
  protected ImplicitMetaGradientModule(Autodiff autodiff, LinearSolver linearSolver) {
    this.autodiff = Objects.requireNonNull(autodiff, "autodiff");
    this.linearSolver = linearSolver != null ? linearSolver
        : overridesOptimality() ? NormalCg.defaults(autodiff) : Cg.defaults();
  }

  /**
   * The inner objective {@code f(x, θ)} whose minimizer is {@code x*(θ)}, a one-element tensor.
   * Implement this or {@link #optimality}.
   *
   * @param x the inner variables
   * @param theta θ
   * @return {@code f(x, θ)}
   * @throws UnsupportedOperationException unless overridden
   */
  protected Tensor objective(X x, P theta) {
    throw new UnsupportedOperationException(
        getClass().getName() + " must override objective(x, theta) or optimality(x, theta)");
  }

  /**
   * The optimality condition {@code F(x, θ)}, zero at {@code x*(θ)}, a tree shaped like {@code
   * x}; by default {@code ∇ₓ objective(x, θ)}. Implement this or {@link #objective}.
   *
   * @param x the inner variables
   * @param theta θ
   * @return {@code F(x, θ)}
   */
  protected X optimality(X x, P theta) {
    return autodiff.grad(v -> objective(v, theta), x, true);
  }

  /**
   * Solves the inner problem: returns {@code x*(θ)}. Its computation is never differentiated.
   *
   * @param theta θ
   * @return {@code x*(θ)}
   */
  protected abstract X solve(P theta);

  /**
   * The implicit-differentiation view of this module.
   *
   * @return the solver built from {@link #optimality}, {@link #solve} and the linear solver
   */
  public final ImplicitSolver<X, P> implicitSolver() {
    return ImplicitDiff.customRoot(autodiff, this::optimality, linearSolver).of(this::solve);
  }

  /**
   * The inner solution {@code x*(θ)}, detached.
   *
   * @param theta θ
   * @return {@code x*(θ)}
   */
  public final X solution(P theta) {
    return implicitSolver().solve(theta);
  }

  /**
   * The vector-Jacobian product {@code vᵀ ∂x* / ∂θ}, see {@link CustomRoot#vjp}.
   *
   * @param theta θ
   * @param xStar {@code x*(θ)}
   * @param cotangent v, shaped like {@code x}
   * @return a tree shaped like θ
   */
  public final P vjp(P theta, X xStar, X cotangent) {
    return implicitSolver().vjp(theta, xStar, cotangent);
  }

  /**
   * The outer loss {@code L(x*(θ), θ)} and its meta-gradient {@code dL/dθ} through the inner
   * solution, see {@link ImplicitSolver#valueAndGrad}.
   *
   * @param outer {@code L(x, θ)}, a one-element tensor
   * @param theta θ
   * @return the value and {@code dL/dθ}
   */
  public final ValueAndGrad<P> metaGradient(BiFunction<X, P, Tensor> outer, P theta) {
    return implicitSolver().valueAndGrad(outer, theta);
  }

  /**
   * The linear solver of the adjoint system.
   *
   * @return the solver
   */
  public final LinearSolver linearSolver() {
    return linearSolver;
  }

  /** Whether a subclass overrides {@link #optimality} (found through its erased bridge). */
  private boolean overridesOptimality() {
    for (Class<?> c = getClass(); c != ImplicitMetaGradientModule.class; c = c.getSuperclass()) {
      try {
        c.getDeclaredMethod("optimality", Object.class, Object.class);
        return true;
      } catch (NoSuchMethodException e) {
        // look further up
      }
    }
    return false;
  }
}
