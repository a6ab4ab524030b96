package dev.diffopt.transform;

import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorTrees;

/**
 * Multiplies the updates by a 0-d tensor: {@code u ← s·u}, or {@code u ← −s·u} with {@code
 * negate} (the learning-rate step, {@link #learningRate}). Where {@link Scale} and {@link
 * ScaleByLearningRate} take a {@code double}, this takes a tensor, so the factor can be data: a
 * hyper-parameter held in a state by {@link InjectHyperparams}, or a learnable learning rate that
 * meta-gradients flow into (the update is differentiable with respect to {@code factor}).
 *
 * <p>The factor is cast to each leaf's dtype when they differ; keep it in the leaves' dtype when
 * you differentiate with respect to it, so the gradient does not depend on the backend's cast
 * being differentiable. Its value is not checked (that would need a host read): a negative or NaN
 * factor is the caller's business. Stateless.
 *
 * @param factor the factor s, a 0-d floating tensor
 * @param negate whether to flip the sign ({@code u ← −s·u})
 */
public record ScaleByTensor(Tensor factor, boolean negate) implements GradientTransformation {

  /** Its state: nothing. */
  public record State() {}

  /**
   * Validates the factor's dtype and shape (metadata only).
   *
   * @param factor the factor
   * @param negate whether to flip the sign
   */
  public ScaleByTensor {
    requireScalar("factor", factor);
  }

  /**
   * {@code u ← s·u}.
   *
   * @param factor s, a 0-d floating tensor
   * @return the transformation
   */
  public static ScaleByTensor of(Tensor factor) {
    return new ScaleByTensor(factor, false);
  }

  /**
   * The learning-rate step with a tensor learning rate: {@code u ← −η·u}.
   *
   * @param learningRate η, a 0-d floating tensor
   * @return the transformation
   */
  public static ScaleByTensor learningRate(Tensor learningRate) {
    return new ScaleByTensor(learningRate, true);
  }

  @Override
  public Object init(Object params) {
    return new State();
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    States.expect(state, State.class, this);
    Tensor s = negate ? factor.ops().neg(factor) : factor;
    T out =
        TensorTrees.map(
            updates, u -> u.ops().mul(u, u.dtype() == s.dtype() ? s : s.ops().cast(s, u.dtype())));
    return new Step<>(out, state);
  }

  /** Checks that {@code t} is a non-null 0-d floating tensor. */
  static void requireScalar(String name, Tensor t) {
    if (t == null) {
      throw new NullPointerException(name + " is null");
    }
    if (!t.dtype().isFloating() || t.shape().rank() != 0) {
      throw new IllegalArgumentException(
          name + " must be a 0-d floating tensor, got " + t.dtype() + t.shape());
    }
  }
}
