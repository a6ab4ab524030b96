package dev.diffopt.transform;

import java.util.ArrayList;
import java.util.List;

/**
 * Transformations applied one after another, each to the updates the previous one produced
 * (optax {@code chain}). Build it with {@link #of}, which flattens nested chains and drops
 * {@link Identity}, so that equal pipelines are equal values.
 *
 * @param parts the transformations, in order; none is a {@code Chain} or {@code Identity}
 */
public record Chain(List<GradientTransformation> parts) implements GradientTransformation {

  /**
   * The state of a chain: one state per part, in order.
   *
   * @param states the parts' states
   */
  public record State(List<Object> states) {}

  /**
   * Validates and copies the parts.
   *
   * @param parts the transformations
   */
  public Chain {
    for (int i = 0; i < parts.size(); i++) {
      if (parts.get(i) == null) {
        throw new NullPointerException("chain part " + i + " is null");
      }
    }
    parts = List.copyOf(parts);
  }

  /**
   * The chain of {@code transformations}, flattened: nested chains are spliced in, identities are
   * dropped; a single remaining part is returned as itself and none as {@link Identity}.
   *
   * @param transformations the transformations, in order
   * @return the simplest equal transformation
   */
  public static GradientTransformation of(GradientTransformation... transformations) {
    List<GradientTransformation> flat = new ArrayList<>();
    for (int i = 0; i < transformations.length; i++) {
      GradientTransformation t = transformations[i];
      if (t == null) {
        throw new NullPointerException("chain argument " + i + " is null");
      }
      if (t instanceof Chain c) {
        flat.addAll(c.parts());
      } else if (!(t instanceof Identity)) {
        flat.add(t);
      }
    }
    if (flat.isEmpty()) {
      return new Identity();
    }
    return flat.size() == 1 ? flat.get(0) : new Chain(flat);
  }

  @Override
  public Object init(Object params) {
    List<Object> states = new ArrayList<>(parts.size());
    for (GradientTransformation part : parts) {
      states.add(part.init(params));
    }
    return new State(states);
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    State s = States.expect(state, State.class, this);
    if (s.states().size() != parts.size()) {
      throw new IllegalArgumentException(
          "chain of " + parts.size() + " parts got a state with " + s.states().size()
              + " part states (was it made by another chain?)");
    }
    List<Object> next = new ArrayList<>(parts.size());
    T current = updates;
    for (int i = 0; i < parts.size(); i++) {
      Step<T> step = parts.get(i).update(current, s.states().get(i), params);
      current = step.updates();
      next.add(step.state());
    }
    return new Step<>(current, new State(next));
  }
}
