package dev.diffopt.schedule;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.Check;

/**
 * Polynomial decay from {@code initValue} to {@code endValue} (optax and TorchOpt {@code
 * polynomial_schedule}; {@link Schedules#linear linear} is power 1):
 *
 * <pre>
 *   τ    = clip(t − transitionBegin, 0, transitionSteps)
 *   s(t) = (init − end) · (1 − τ / transitionSteps)^power + end
 * </pre>
 *
 * <p>So {@code s(t) = init} for {@code t <= transitionBegin} and {@code s(t) = end} from {@code
 * transitionBegin + transitionSteps} on. Computed in the requested dtype from the INT64 count
 * (exact for counts below 2²⁴ in float32).
 *
 * @param initValue the value before and at {@code transitionBegin}; finite
 * @param endValue the value after the transition; finite
 * @param power the exponent; finite and {@code > 0}
 * @param transitionSteps the length of the transition; {@code >= 1} (optax's "constant for {@code
 *     <= 0}" is rejected here: use {@link Constant})
 * @param transitionBegin the step at which the transition starts; {@code >= 0}
 */
public record PolynomialSchedule(
    double initValue, double endValue, double power, long transitionSteps, long transitionBegin)
    implements Schedule {

  /**
   * Validates the arguments.
   *
   * @param initValue init
   * @param endValue end
   * @param power the exponent
   * @param transitionSteps the transition length
   * @param transitionBegin the transition start
   */
  public PolynomialSchedule {
    Check.finite("initValue", initValue);
    Check.finite("endValue", endValue);
    Check.positive("power", power);
    Schedules.atLeastOne("transitionSteps", transitionSteps);
    Schedules.nonNegative("transitionBegin", transitionBegin);
  }

  @Override
  public Tensor value(Tensor count, DType dtype) {
    Tensor t = Schedules.countAs(count, dtype, this);
    TensorOps ops = count.ops();
    Tensor tau = t;
    if (transitionBegin != 0) {
      tau = ops.sub(tau, ops.scalar(transitionBegin, dtype));
    }
    tau = ops.minimum(ops.maximum(tau, ops.scalar(0, dtype)), ops.scalar(transitionSteps, dtype));
    Tensor frac = ops.sub(ops.scalar(1, dtype), ops.div(tau, ops.scalar(transitionSteps, dtype)));
    Tensor shaped = power == 1 ? frac : ops.pow(frac, ops.scalar(power, dtype));
    return ops.add(ops.mul(shaped, ops.scalar(initValue - endValue, dtype)), ops.scalar(endValue, dtype));
  }
}
