package dev.diffopt.transform;

import dev.diffopt.schedule.Schedule;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorTrees;
import java.util.EnumMap;
import java.util.Map;

/**
 * Multiplies the updates by a scheduled factor: {@code u ← s(t)·u}, then {@code t ← t + 1} (optax
 * and TorchOpt {@code scale_by_schedule}). Unlike {@link ScaleByLearningRate} it does not flip the
 * sign. The factor is evaluated in each leaf's dtype from the INT64 count held in the state.
 *
 * @param schedule the factor {@code s(t)}; not null
 */
public record ScaleBySchedule(Schedule schedule) implements GradientTransformation {

  /**
   * The state: the step count.
   *
   * @param count the step t, a 0-d INT64 tensor ({@code null} for a tree without leaves)
   */
  public record State(Tensor count) {}

  /**
   * Validates the schedule.
   *
   * @param schedule the schedule
   */
  public ScaleBySchedule {
    if (schedule == null) {
      throw new NullPointerException("schedule is null");
    }
  }

  @Override
  public Object init(Object params) {
    return new State(Counters.zero(params));
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    State s = States.expect(state, State.class, this);
    // the factor once per dtype, not once per leaf
    Map<DType, Tensor> factors = new EnumMap<>(DType.class);
    T out =
        TensorTrees.map(
            updates,
            u -> u.ops().mul(u, factors.computeIfAbsent(u.dtype(), d -> schedule.value(s.count(), d))));
    return new Step<>(out, new State(Counters.increment(s.count())));
  }
}
