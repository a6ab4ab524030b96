package dev.diffopt.autodiff;

import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tree.Trees;
import java.util.List;
import java.util.function.Function;

/**
 * Reverse-mode automatic differentiation over <em>functions</em> of pytrees whose leaves are
 * floating-point {@link Tensor}s.
 *
 * <p>Every method takes the function, never a finished loss tensor, so that staged backends can
 * trace it. Gradients have the structure of the parameters. With {@code createGraph = true} the
 * returned gradients are themselves differentiable (gradients of gradients, meta-gradients,
 * Hessian-vector products); otherwise they are detached constants. Differentiation is
 * functional: a call differentiates only through what {@code fn} computes from its argument, even
 * when the parameters are themselves results of an enclosing differentiable computation. Every
 * method may be called from any thread.
 *
 * <p>Parameters and outputs that are not floating-point tensors are rejected with the path of the
 * offending leaf. A parameter the output does not depend on gets a zero gradient.
 */
public interface Autodiff {

  /** The operations of the same backend. */
  TensorOps ops();

  /**
   * The value of {@code fn(params)} and its gradient with respect to every leaf of {@code params}.
   *
   * @param fn a function from the parameter tree to a one-element floating-point tensor
   * @param createGraph keep the graph so the gradient can be differentiated again
   * @throws IllegalArgumentException if {@code fn} does not return a one-element tensor
   */
  <P> ValueAndGrad<P> valueAndGrad(Function<? super P, Tensor> fn, P params, boolean createGraph);

  /**
   * The vector-Jacobian product: for {@code out = fn(primals)}, returns {@code out} and
   * {@code Σ_leaves cotangent · ∂out/∂primals}. {@code cotangents} must match the structure, shapes
   * and dtypes of {@code out}.
   */
  <P, O> Vjp<P, O> vjp(Function<? super P, O> fn, P primals, O cotangents, boolean createGraph);

  /** Returns {@code x} cut from the graph: same values, no gradient flows through the result. */
  Tensor stopGradient(Tensor x);

  /** The gradient of {@code fn} at {@code params}, detached. */
  default <P> P grad(Function<? super P, Tensor> fn, P params) {
    return valueAndGrad(fn, params, false).grad();
  }

  /** The gradient of {@code fn} at {@code params}; differentiable when {@code createGraph}. */
  default <P> P grad(Function<? super P, Tensor> fn, P params, boolean createGraph) {
    return valueAndGrad(fn, params, createGraph).grad();
  }

  /**
   * The Hessian-vector product {@code H(params) · v} of a scalar function, as the gradient of
   * {@code ⟨∇fn(params), v⟩} (Pearlmutter, 1994). {@code v} has the structure of {@code params}.
   */
  default <P> P hvp(Function<? super P, Tensor> fn, P params, P v, boolean createGraph) {
    Trees.structure(params).requireEqual(Trees.structure(v), "hvp: v does not match the params");
    List<Object> vLeaves = Trees.leaves(v);
    return grad(
        p -> {
          List<Object> g = Trees.leaves(grad(fn, p, true));
          Tensor total = null;
          for (int i = 0; i < g.size(); i++) {
            Tensor term = ops().vdot((Tensor) g.get(i), (Tensor) vLeaves.get(i));
            total = total == null ? term : ops().add(total, term);
          }
          return total;
        },
        params,
        createGraph);
  }
}
