package dev.diffopt.schedule;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.Check;

/**
 * Exponential decay (optax and TorchOpt {@code exponential_decay}):
 *
 * <pre>
 *   p    = (t − transitionBegin) / transitionSteps        (staircase: ⌊p⌋)
 *   s(t) = init · decayRate^p                               for t &gt; transitionBegin
 *   s(t) = init                                             for t &lt;= transitionBegin
 *   s(t) ← max(s(t), endValue) if decayRate &lt; 1, min(s(t), endValue) if decayRate &gt; 1   (when endValue is given)
 * </pre>
 *
 * <p>The floor of the staircase is taken by casting the non-negative {@code p} to INT64 and back,
 * so no host read is needed. Computed in the requested dtype.
 *
 * @param initValue the initial value; finite
 * @param decayRate the factor per {@code transitionSteps} steps; finite and {@code > 0}
 * @param transitionSteps the steps per factor of {@code decayRate}; {@code >= 1}
 * @param transitionBegin the step before which the value stays {@code initValue}; {@code >= 0}
 * @param staircase whether the exponent is the integer part of {@code p}
 * @param endValue a bound on the decayed value (lower when decaying, upper when growing), or
 *     {@code null} for none; finite when given
 */
public record ExponentialDecay(
    double initValue,
    double decayRate,
    long transitionSteps,
    long transitionBegin,
    boolean staircase,
    Double endValue)
    implements Schedule {

  /**
   * Validates the arguments.
   *
   * @param initValue init
   * @param decayRate the rate
   * @param transitionSteps steps per factor
   * @param transitionBegin start of the decay
   * @param staircase integer exponent
   * @param endValue the bound or null
   */
  public ExponentialDecay {
    Check.finite("initValue", initValue);
    Check.positive("decayRate", decayRate);
    Schedules.atLeastOne("transitionSteps", transitionSteps);
    Schedules.nonNegative("transitionBegin", transitionBegin);
    if (endValue != null) {
      Check.finite("endValue", endValue);
    }
  }

  @Override
  public Tensor value(Tensor count, DType dtype) {
    Tensor t = Schedules.countAs(count, dtype, this);
    TensorOps ops = count.ops();
    Tensor zero = ops.scalar(0, dtype);
    Tensor decreased = transitionBegin == 0 ? t : ops.sub(t, ops.scalar(transitionBegin, dtype));
    Tensor p = ops.div(decreased, ops.scalar(transitionSteps, dtype));
    if (staircase) {
      // floor of a non-negative value: truncation by the cast (negative p is masked out below)
      p = ops.cast(ops.cast(ops.maximum(p, zero), DType.INT64), dtype);
    }
    Tensor init = ops.scalar(initValue, dtype);
    Tensor decayed = ops.mul(init, ops.pow(ops.scalar(decayRate, dtype), p));
    if (transitionBegin > 0) {
      decayed = ops.where(ops.le(decreased, zero), init, decayed);
    }
    if (endValue != null) {
      Tensor bound = ops.scalar(endValue, dtype);
      decayed = decayRate < 1 ? ops.maximum(decayed, bound) : ops.minimum(decayed, bound);
    }
    return decayed;
  }
}
