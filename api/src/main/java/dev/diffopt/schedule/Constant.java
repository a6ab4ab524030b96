package dev.diffopt.schedule;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.transform.Check;

/**
 * The constant schedule {@code s(t) = value} (optax {@code constant_schedule}).
 *
 * @param value the value at every step; finite
 */
public record Constant(double value) implements Schedule {

  /**
   * Validates the value.
   *
   * @param value the value, finite
   */
  public Constant {
    Check.finite("value", value);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Returns {@code value}, shaped like {@code count}.
   */
  @Override
  public Tensor value(Tensor count, DType dtype) {
    Schedules.checkCount(count, dtype, this);
    return count.ops().full(count.shape(), value, dtype);
  }
}
