package dev.diffopt.transform;

import dev.diffopt.tensor.TensorTrees;

/**
 * Clamps every element of the updates to {@code [min, max]}: {@code u ← min(max(u, min), max)}
 * (TorchOpt's {@code clip_grad_value} for {@code [−c, c]}; optax {@code clip}). Stateless. The
 * gradient passes where the value is inside the interval and is zero outside.
 *
 * @param min the lower bound; not NaN (may be −∞)
 * @param max the upper bound; not NaN (may be +∞), {@code >= min}
 */
public record ClipByValue(double min, double max) implements GradientTransformation {

  /** Its state: nothing. */
  public record State() {}

  /**
   * Validates the bounds.
   *
   * @param min the lower bound
   * @param max the upper bound
   */
  public ClipByValue {
    if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
      throw new IllegalArgumentException(
          "clipByValue needs min <= max, neither NaN, got min " + min + " and max " + max);
    }
  }

  /**
   * The symmetric interval {@code [−delta, delta]}.
   *
   * @param delta the bound, {@code >= 0}
   * @return the transformation
   */
  public static ClipByValue symmetric(double delta) {
    if (!(delta >= 0)) {
      throw new IllegalArgumentException("delta must be >= 0, got " + delta);
    }
    return new ClipByValue(-delta, delta);
  }

  @Override
  public Object init(Object params) {
    return new State();
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    States.expect(state, State.class, this);
    T out =
        TensorTrees.map(
            updates,
            u -> {
              var ops = u.ops();
              var low = min == Double.NEGATIVE_INFINITY ? u : ops.maximum(u, ops.scalar(min, u.dtype()));
              return max == Double.POSITIVE_INFINITY ? low : ops.minimum(low, ops.scalar(max, u.dtype()));
            });
    return new Step<>(out, state);
  }
}
