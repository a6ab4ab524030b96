package dev.diffopt.transform;

import dev.diffopt.schedule.Schedule;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorTrees;

/**
 * The learning-rate step: {@code u ← −η_t·u}, flipping the sign so that updates are added to the
 * parameters (optax and TorchOpt {@code scale_by_learning_rate}). η is a constant or a {@link
 * Schedule} of the step count.
 *
 * @param learningRate the constant η when {@code schedule} is null; finite and {@code >= 0}
 * @param schedule η_t, or {@code null} for the constant
 */
public record ScaleByLearningRate(double learningRate, Schedule schedule)
    implements GradientTransformation {

  /**
   * The state: the step count, used by a schedule.
   *
   * @param count the step, a 0-d INT64 tensor ({@code null} for a tree without leaves)
   */
  public record State(Tensor count) {}

  /**
   * Validates η.
   *
   * @param learningRate η
   * @param schedule the schedule or null
   */
  public ScaleByLearningRate {
    if (schedule == null) {
      Check.nonNegative("learningRate", learningRate);
    }
  }

  /**
   * A constant learning rate.
   *
   * @param learningRate η
   * @return the transformation
   */
  public static ScaleByLearningRate constant(double learningRate) {
    return new ScaleByLearningRate(learningRate, null);
  }

  /**
   * A scheduled learning rate.
   *
   * @param schedule η_t
   * @return the transformation
   */
  public static ScaleByLearningRate scheduled(Schedule schedule) {
    if (schedule == null) {
      throw new NullPointerException("schedule is null");
    }
    return new ScaleByLearningRate(Double.NaN, schedule);
  }

  @Override
  public Object init(Object params) {
    return new State(Counters.zero(params));
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    State s = States.expect(state, State.class, this);
    T out;
    if (schedule == null) {
      out = TensorTrees.map(updates, u -> u.ops().mul(u, -learningRate));
    } else {
      out = TensorTrees.map(updates, u -> u.ops().mul(u, u.ops().neg(schedule.value(s.count(), u.dtype()))));
    }
    return new Step<>(out, new State(Counters.increment(s.count())));
  }
}
