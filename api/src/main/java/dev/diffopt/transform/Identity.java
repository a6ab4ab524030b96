package dev.diffopt.transform;

/**
 * The transformation that leaves updates unchanged and keeps no state; {@link Chain} drops it.
 */
public record Identity() implements GradientTransformation {
  /** Its state: nothing. */
  public record State() {}

  @Override
  public Object init(Object params) {
    return new State();
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    States.expect(state, State.class, this);
    return new Step<>(updates, state);
  }
}
