package dev.diffopt.schedule;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.Check;

/**
 * Linear warm-up followed by cosine decay (optax {@code warmup_cosine_decay_schedule}): the join,
 * at {@code warmupSteps}, of a linear schedule from {@code initValue} to {@code peakValue} and a
 * cosine decay from {@code peakValue} to {@code endValue} over the remaining {@code decaySteps −
 * warmupSteps} steps:
 *
 * <pre>
 *   t &lt; W:  s(t) = (init − peak) · (1 − t / W) + peak
 *   t ≥ W:  τ = min(t − W, D − W),  c = ½ · (1 + cos(π · τ / (D − W)))
 *           s(t) = peak · ((1 − α) · c^exponent + α),   α = end / peak  (α = 0 when peak = 0)
 * </pre>
 *
 * <p>with {@code W = warmupSteps} and {@code D = decaySteps} (which, as in optax, includes the
 * warm-up). With {@code W = 0} it is the cosine part alone.
 *
 * @param initValue the value at step 0; finite
 * @param peakValue the value at the end of the warm-up; finite
 * @param warmupSteps W, {@code >= 0}
 * @param decaySteps D, the total length of warm-up plus decay; {@code > warmupSteps}
 * @param endValue the value from step D on; finite
 * @param exponent the power of the cosine factor (usually 1); finite and {@code > 0}
 */
public record WarmupCosineDecay(
    double initValue,
    double peakValue,
    long warmupSteps,
    long decaySteps,
    double endValue,
    double exponent)
    implements Schedule {

  /**
   * Validates the arguments.
   *
   * @param initValue init
   * @param peakValue peak
   * @param warmupSteps W
   * @param decaySteps D
   * @param endValue end
   * @param exponent the exponent
   */
  public WarmupCosineDecay {
    Check.finite("initValue", initValue);
    Check.finite("peakValue", peakValue);
    Schedules.nonNegative("warmupSteps", warmupSteps);
    if (decaySteps <= warmupSteps) {
      throw new IllegalArgumentException(
          "decaySteps must be > warmupSteps (it includes the warm-up), got decaySteps "
              + decaySteps + " and warmupSteps " + warmupSteps);
    }
    Check.finite("endValue", endValue);
    Check.positive("exponent", exponent);
  }

  /**
   * Warm-up and cosine decay with exponent 1.
   *
   * @param initValue init
   * @param peakValue peak
   * @param warmupSteps W
   * @param decaySteps D
   * @param endValue end
   */
  public WarmupCosineDecay(
      double initValue, double peakValue, long warmupSteps, long decaySteps, double endValue) {
    this(initValue, peakValue, warmupSteps, decaySteps, endValue, 1.0);
  }

  @Override
  public Tensor value(Tensor count, DType dtype) {
    Tensor t = Schedules.countAs(count, dtype, this);
    TensorOps ops = count.ops();
    double alpha = peakValue == 0 ? 0 : endValue / peakValue;
    Tensor shifted = warmupSteps == 0 ? t : ops.sub(t, ops.scalar(warmupSteps, dtype));
    Tensor c = Schedules.cosineFactor(ops, shifted, decaySteps - warmupSteps, exponent, dtype);
    Tensor decay =
        ops.mul(
            ops.add(ops.mul(c, ops.scalar(1 - alpha, dtype)), ops.scalar(alpha, dtype)),
            ops.scalar(peakValue, dtype));
    if (warmupSteps == 0) {
      return decay;
    }
    Tensor w = ops.scalar(warmupSteps, dtype);
    Tensor frac = ops.sub(ops.scalar(1, dtype), ops.div(ops.minimum(t, w), w));
    Tensor warm =
        ops.add(ops.mul(frac, ops.scalar(initValue - peakValue, dtype)), ops.scalar(peakValue, dtype));
    return ops.where(ops.lt(t, w), warm, decay);
  }
}
