package dev.diffopt.schedule;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.Check;

/**
 * Cosine decay (Loshchilov and Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts",
 * ICLR 2017; optax {@code cosine_decay_schedule}):
 *
 * <pre>
 *   τ    = min(t, decaySteps)
 *   c    = ½ · (1 + cos(π · τ / decaySteps))
 *   s(t) = init · ((1 − α) · c^exponent + α)
 * </pre>
 *
 * <p>So the value falls from {@code init} at step 0 to {@code α·init} at {@code decaySteps} and
 * stays there.
 *
 * @param initValue the initial value; finite
 * @param decaySteps the length of the decay; {@code >= 1}
 * @param alpha the final value as a fraction of {@code initValue}; in {@code [0, 1]}
 * @param exponent the power of the cosine factor (optax's {@code exponent}, usually 1); finite and
 *     {@code > 0}
 */
public record CosineDecay(double initValue, long decaySteps, double alpha, double exponent)
    implements Schedule {

  /**
   * Validates the arguments.
   *
   * @param initValue init
   * @param decaySteps the decay length
   * @param alpha the final fraction
   * @param exponent the exponent
   */
  public CosineDecay {
    Check.finite("initValue", initValue);
    Schedules.atLeastOne("decaySteps", decaySteps);
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
    }
    Check.positive("exponent", exponent);
  }

  /**
   * Cosine decay with exponent 1.
   *
   * @param initValue init
   * @param decaySteps the decay length
   * @param alpha the final fraction
   */
  public CosineDecay(double initValue, long decaySteps, double alpha) {
    this(initValue, decaySteps, alpha, 1.0);
  }

  @Override
  public Tensor value(Tensor count, DType dtype) {
    Tensor t = Schedules.countAs(count, dtype, this);
    TensorOps ops = count.ops();
    Tensor c = Schedules.cosineFactor(ops, t, decaySteps, exponent, dtype);
    Tensor decayed = ops.add(ops.mul(c, ops.scalar(1 - alpha, dtype)), ops.scalar(alpha, dtype));
    return ops.mul(decayed, ops.scalar(initValue, dtype));
  }
}
