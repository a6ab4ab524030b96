package dev.diffopt.transform;

/** Checks on the state a transformation receives. */
final class States {
  private States() {}

  /**
   * {@code state} cast to {@code type}, or an exception that names both and tells how to fix it.
   */
  static <S> S expect(Object state, Class<S> type, GradientTransformation owner) {
    if (type.isInstance(state)) {
      return type.cast(state);
    }
    throw new IllegalArgumentException(
        owner + " got a state of type " + (state == null ? "null" : state.getClass().getName())
            + ", expected " + type.getName()
            + " (did you call init() of this same transformation and pass its state?)");
  }
}
