package dev.diffopt.schedule;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.List;

/**
 * Schedules joined at boundaries (optax {@code join_schedules}): schedule {@code i} is used from
 * boundary {@code i − 1} (step 0 for the first) up to boundary {@code i}, and sees the count
 * relative to its start:
 *
 * <pre>
 *   s(t) = schedules[i](t − boundaries[i − 1])   for boundaries[i − 1] ≤ t &lt; boundaries[i]
 * </pre>
 *
 * <p>Every schedule is evaluated at every step (no host branch) and the right value is selected
 * with {@code where}; a schedule is given {@code max(t − boundary, 0)}, so it never sees a
 * negative count.
 *
 * @param schedules the schedules, at least one, none null
 * @param boundaries {@code schedules.size() − 1} non-decreasing steps, each {@code >= 0}
 */
public record JoinSchedules(List<Schedule> schedules, List<Long> boundaries) implements Schedule {

  /**
   * Validates and copies the arguments.
   *
   * @param schedules the schedules
   * @param boundaries the boundaries
   */
  public JoinSchedules {
    if (schedules == null || boundaries == null) {
      throw new NullPointerException("schedules and boundaries must not be null");
    }
    if (schedules.isEmpty()) {
      throw new IllegalArgumentException("join needs at least one schedule, got none");
    }
    for (int i = 0; i < schedules.size(); i++) {
      if (schedules.get(i) == null) {
        throw new NullPointerException("schedule " + i + " is null");
      }
    }
    if (boundaries.size() != schedules.size() - 1) {
      throw new IllegalArgumentException(
          "join needs one boundary fewer than schedules: got " + schedules.size()
              + " schedules and " + boundaries.size() + " boundaries " + boundaries);
    }
    long previous = 0;
    for (int i = 0; i < boundaries.size(); i++) {
      Long b = boundaries.get(i);
      if (b == null) {
        throw new NullPointerException("boundary " + i + " is null");
      }
      Schedules.nonNegative("boundary", b);
      if (b < previous) {
        throw new IllegalArgumentException(
            "boundaries must be non-decreasing, got " + boundaries);
      }
      previous = b;
    }
    schedules = List.copyOf(schedules);
    boundaries = List.copyOf(boundaries);
  }

  @Override
  public Tensor value(Tensor count, DType dtype) {
    Schedules.checkCount(count, dtype, this);
    TensorOps ops = count.ops();
    Tensor out = schedules.get(0).value(count, dtype);
    for (int i = 0; i < boundaries.size(); i++) {
      Tensor b = ops.scalar(boundaries.get(i), DType.INT64);
      Tensor before = ops.lt(count, b);
      Tensor shifted = ops.where(before, ops.zerosLike(count), ops.sub(count, b));
      out = ops.where(before, out, schedules.get(i + 1).value(shifted, dtype));
    }
    return out;
  }
}
