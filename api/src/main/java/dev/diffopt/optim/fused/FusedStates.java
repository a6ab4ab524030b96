package dev.diffopt.optim.fused;

import dev.diffopt.transform.Chain;

/**
 * Finding the state of one part in the state of a recognized chain ({@link FusedPlan}): the state
 * of a {@link Chain} is a {@link Chain.State} with one state per part; a single transformation's
 * state is its own. In a recognized chain each part with tensors in its state has a state type of
 * its own, so a part's state is found by its type.
 */
public final class FusedStates {
  private FusedStates() {}

  /**
   * The state of type {@code type} in {@code state}, or {@code null} when there is none.
   *
   * @param state the state of a recognized transformation
   * @param type the part's state record type, e.g. {@code ScaleByAdam.State.class}
   * @param <S> the state type
   * @return the part's state, or null
   * @throws IllegalArgumentException if more than one part has a state of that type
   */
  public static <S> S find(Object state, Class<S> type) {
    if (type.isInstance(state)) {
      return type.cast(state);
    }
    S found = null;
    if (state instanceof Chain.State chain) {
      for (Object part : chain.states()) {
        if (type.isInstance(part)) {
          if (found != null) {
            throw new IllegalArgumentException(
                "the state has more than one " + type.getName() + "; it is not a fused chain's");
          }
          found = type.cast(part);
        }
      }
    }
    return found;
  }

  /**
   * Like {@link #find}, but the state must be there.
   *
   * @param state the state
   * @param type the state type
   * @param <S> the state type
   * @return the part's state
   * @throws IllegalArgumentException if it is missing
   */
  public static <S> S require(Object state, Class<S> type) {
    S found = find(state, type);
    if (found == null) {
      throw new IllegalArgumentException(
          "the state has no " + type.getName() + " (was it made by the recognized chain's init?)");
    }
    return found;
  }
}
