package dev.diffopt.schedule;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.Check;

/**
 * Inverse-time decay, the learning rate of {@code torch.optim.Adagrad} with {@code lr_decay}:
 *
 * <pre>
 *   s(count) = initValue / (1 + count·decayRate)
 * </pre>
 *
 * <p>Counts start at 0 for the first update (see {@link Schedule}), so with torch's step {@code t =
 * count + 1} this is {@code lr / (1 + (t − 1)·lr_decay)}. Computed in the requested dtype from the
 * INT64 count (exact for counts below 2²⁴ in float32), with no host read.
 *
 * @param initValue the value at count 0; finite
 * @param decayRate the decay per step; finite and {@code >= 0}
 */
public record InverseTimeDecay(double initValue, double decayRate) implements Schedule {

  /**
   * Validates the arguments.
   *
   * @param initValue the value at count 0
   * @param decayRate the decay per step
   */
  public InverseTimeDecay {
    Check.finite("initValue", initValue);
    Check.nonNegative("decayRate", decayRate);
  }

  @Override
  public Tensor value(Tensor count, DType dtype) {
    if (count == null) {
      throw new NullPointerException("count is null");
    }
    TensorOps ops = count.ops();
    Tensor t = ops.cast(count, dtype);
    Tensor denominator = ops.add(ops.scalar(1, dtype), ops.mul(t, ops.scalar(decayRate, dtype)));
    return ops.div(ops.scalar(initValue, dtype), denominator);
  }
}
