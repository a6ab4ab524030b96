package dev.diffopt.transform;

import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensor.TensorTrees;

/**
 * LAMB's layer-wise trust ratio (You, Li, Reddi, Hseu, Kumar, Bhojanapalli, Song, Demmel, Keutzer
 * and Hsieh, "Large Batch Optimization for Deep Learning: Training BERT in 76 minutes", ICLR 2020,
 * Algorithm 2 with φ the identity): each leaf of the updates is rescaled by the ratio of the norm
 * of its parameter to its own norm,
 *
 * <pre>
 *   r = ‖p‖ / ‖u‖        (per leaf; r = 1 when ‖p‖ = 0 or ‖u‖ = 0)
 *   u ← r·u
 * </pre>
 *
 * <p>Norms are Frobenius norms over the whole leaf. The zero cases are selected with {@code where}
 * on the backend, not with a branch on the host, so a step stays stageable; the norms are taken of
 * sums of squares that were first replaced by 1 where they are 0, so neither branch produces a NaN
 * and gradients through the ratio stay finite. Stateless; needs the parameters.
 */
public record ScaleByTrustRatio() implements GradientTransformation {

  /** Its state: nothing. */
  public record State() {}

  @Override
  public Object init(Object params) {
    return new State();
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    States.expect(state, State.class, this);
    if (params == null) {
      throw new IllegalArgumentException(
          "scaleByTrustRatio needs the parameters: call update(updates, state, params)");
    }
    T out = TensorTrees.map(updates, params, (u, p) -> u.ops().mul(u, ratio(p, u)));
    return new Step<>(out, state);
  }

  /** ‖p‖ / ‖u‖ as a 0-d tensor, 1 when either is zero. */
  private static Tensor ratio(Tensor p, Tensor u) {
    TensorOps ops = u.ops();
    Tensor zero = ops.scalar(0, u.dtype());
    Tensor one = ops.scalar(1, u.dtype());
    Tensor pSquares = ops.sum(ops.square(p));
    Tensor uSquares = ops.sum(ops.square(u));
    Tensor pZero = ops.eq(pSquares, zero);
    Tensor uZero = ops.eq(uSquares, zero);
    Tensor pNorm = ops.sqrt(ops.where(pZero, one, pSquares));
    Tensor uNorm = ops.sqrt(ops.where(uZero, one, uSquares));
    return ops.where(pZero, one, ops.where(uZero, one, ops.div(pNorm, uNorm)));
  }
}
