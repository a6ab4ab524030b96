package dev.diffopt.implicit;

import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.autodiff.ValueAndGrad;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorTrees;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * An inner solver made differentiable by implicit differentiation ({@link CustomRoot#of}).
 *
 * @param root the optimality condition, autodiff and linear solver
 * @param innerSolver computes {@code x*(θ)}; its result is a constant
 * @param <X> the tree type of the inner variables
 * @param <P> the tree type of the outer parameters θ
 */
public record ImplicitSolver<X, P>(CustomRoot<X, P> root, Function<P, X> innerSolver) {

  /**
   * Checks the arguments.
   *
   * @param root the root decorator
   * @param innerSolver the inner solver
   */
  public ImplicitSolver {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(innerSolver, "innerSolver");
  }

  /**
   * The inner solution {@code x*(θ)}, cut from any graph (a constant).
   *
   * @param theta θ
   * @return {@code x*}
   */
  public X solve(P theta) {
    Autodiff ad = root.autodiff();
    X x = innerSolver.apply(theta);
    if (x == null) {
      throw new IllegalArgumentException("the inner solver returned null");
    }
    return TensorTrees.map(x, ad::stopGradient);
  }

  /**
   * The vector-Jacobian product of the solution map, see {@link CustomRoot#vjp}.
   *
   * @param theta θ
   * @param xStar {@code x*(θ)}
   * @param cotangent v
   * @return {@code vᵀ ∂x* / ∂θ}, shaped like θ
   */
  public P vjp(P theta, X xStar, X cotangent) {
    return root.vjp(theta, xStar, cotangent);
  }

  /**
   * The value and gradient of an outer loss through the inner solution: {@code L(x*(θ), θ)} and
   * {@code dL/dθ = ∂L/∂θ + vjp(θ, x*, ∂L/∂x)}. Runs the inner solver once, takes one gradient of
   * {@code L} (both partials at once), then {@link #vjp}. The gradient is detached.
   *
   * @param outer {@code L(x, θ)}, a one-element tensor
   * @param theta θ
   * @return the value and {@code dL/dθ}, shaped like θ
   */
  @SuppressWarnings("unchecked") // the list is [x, θ] by construction
  public ValueAndGrad<P> valueAndGrad(BiFunction<X, P, Tensor> outer, P theta) {
    Objects.requireNonNull(outer, "outer");
    X x = solve(theta);
    ValueAndGrad<List<Object>> partial = root.autodiff().valueAndGrad(
        xt -> outer.apply((X) xt.get(0), (P) xt.get(1)), List.of(x, theta), false);
    P direct = (P) partial.grad().get(1);
    P implicit = vjp(theta, x, (X) partial.grad().get(0));
    return new ValueAndGrad<>(
        partial.value(), TensorTrees.map(direct, implicit, (a, b) -> a.ops().add(a, b)));
  }
}
