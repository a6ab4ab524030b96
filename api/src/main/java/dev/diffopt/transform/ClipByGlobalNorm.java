package dev.diffopt.transform;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensor.TensorTrees;
import java.util.List;

/**
 * Rescales the updates so that their global L2 norm is at most {@code maxNorm}. Two variants:
 *
 * <ul>
 *   <li>PyTorch / TorchOpt {@code clip_grad_norm} ({@link #of}, {@code eps = 1e-6}):
 *       <pre>
 *   n     = sqrt(Σ_leaves Σ u²)
 *   scale = min(1, maxNorm / (n + eps))
 *   u     ← scale · u</pre>
 *       (with {@code eps > 0} even a norm slightly below {@code maxNorm} is scaled by a factor a
 *       hair below 1, as in PyTorch).
 *   <li>optax {@code clip_by_global_norm} ({@link #optax}, {@code eps = 0}): {@code u} unchanged
 *       when {@code n < maxNorm}, else {@code u·maxNorm/n}. It is computed as {@code where(n <
 *       maxNorm, 1, maxNorm / where(n < maxNorm, 1, n))}, so a zero norm gives no NaN, not even in
 *       the gradient.
 * </ul>
 *
 * <p>Only the L2 norm is offered (TorchOpt's {@code norm_type} other than 2 is not). The norm is
 * accumulated in the dtype of the first leaf (each leaf's sum of squares is cast to it); the scale
 * is cast back to each leaf's dtype. Stateless; differentiable with respect to the updates.
 *
 * @param maxNorm the largest global norm let through; finite and {@code > 0}
 * @param eps added to the norm in the denominator; finite and {@code >= 0} ({@link #TORCH_EPS} for
 *     PyTorch, 0 for optax)
 */
public record ClipByGlobalNorm(double maxNorm, double eps) implements GradientTransformation {

  /** The constant PyTorch's and TorchOpt's {@code clip_grad_norm} add to the norm. */
  public static final double TORCH_EPS = 1e-6;

  /** Its state: nothing. */
  public record State() {}

  /**
   * Validates the hyper-parameters.
   *
   * @param maxNorm the maximum norm
   * @param eps the denominator's additive constant
   */
  public ClipByGlobalNorm {
    Check.positive("maxNorm", maxNorm);
    Check.nonNegative("eps", eps);
  }

  /**
   * PyTorch's and TorchOpt's {@code clip_grad_norm}: {@code scale = min(1, maxNorm/(n + 1e-6))}.
   *
   * @param maxNorm the maximum norm, {@code > 0}
   * @return the transformation
   */
  public static ClipByGlobalNorm of(double maxNorm) {
    return new ClipByGlobalNorm(maxNorm, TORCH_EPS);
  }

  /**
   * optax's {@code clip_by_global_norm}: unchanged below {@code maxNorm}, else {@code
   * u·maxNorm/n}, with no {@code 1e-6}.
   *
   * @param maxNorm the maximum norm, {@code > 0}
   * @return the transformation
   */
  public static ClipByGlobalNorm optax(double maxNorm) {
    return new ClipByGlobalNorm(maxNorm, 0.0);
  }

  @Override
  public Object init(Object params) {
    return new State();
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    States.expect(state, State.class, this);
    List<Tensor> leaves = TensorTrees.leaves(updates);
    if (leaves.isEmpty()) {
      return new Step<>(updates, state);
    }
    Tensor norm = globalNorm(leaves);
    TensorOps ops = norm.ops();
    DType dtype = norm.dtype();
    Tensor max = ops.scalar(maxNorm, dtype);
    Tensor scale;
    if (eps > 0) {
      scale = ops.minimum(ops.div(max, ops.add(norm, ops.scalar(eps, dtype))), ops.scalar(1, dtype));
    } else {
      Tensor one = ops.scalar(1, dtype);
      Tensor below = ops.lt(norm, max);
      scale = ops.where(below, one, ops.div(max, ops.where(below, one, norm)));
    }
    Tensor factor = scale;
    T out =
        TensorTrees.map(
            updates,
            u -> u.ops().mul(u, u.dtype() == dtype ? factor : u.ops().cast(factor, u.dtype())));
    return new Step<>(out, state);
  }

  /** {@code sqrt(Σ Σ u²)} in the dtype of the first leaf, with a finite gradient at 0. */
  static Tensor globalNorm(List<Tensor> leaves) {
    DType dtype = leaves.get(0).dtype();
    Tensor total = null;
    for (Tensor t : leaves) {
      TensorOps ops = t.ops();
      Tensor s = ops.sum(ops.square(t));
      if (s.dtype() != dtype) {
        s = ops.cast(s, dtype);
      }
      total = total == null ? s : ops.add(total, s);
    }
    // sqrt'(0) is infinite: take the root of a safe value so that all-zero updates give a zero
    // gradient rather than NaN (the double-where trick)
    TensorOps ops = total.ops();
    Tensor zero = ops.scalar(0, dtype);
    Tensor positive = ops.lt(zero, total);
    Tensor root = ops.sqrt(ops.where(positive, total, ops.scalar(1, dtype)));
    return ops.where(positive, root, zero);
  }
}
