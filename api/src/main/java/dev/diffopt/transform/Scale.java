package dev.diffopt.transform;

import dev.diffopt.tensor.TensorTrees;

/**
 * Multiplies every update by a constant: {@code u ← s·u} (optax {@code scale}). Stateless.
 *
 * @param factor the constant {@code s}; finite
 */
public record Scale(double factor) implements GradientTransformation {
  /** Its state: nothing. */
  public record State() {}

  /**
   * Validates the factor.
   *
   * @param factor the constant
   */
  public Scale {
    if (!Double.isFinite(factor)) {
      throw new IllegalArgumentException("scale factor must be finite, got " + factor);
    }
  }

  @Override
  public Object init(Object params) {
    return new State();
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    States.expect(state, State.class, this);
    return new Step<>(TensorTrees.map(updates, u -> u.ops().mul(u, factor)), state);
  }
}
