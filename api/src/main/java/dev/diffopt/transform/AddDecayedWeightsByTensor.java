package dev.diffopt.transform;

import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorTrees;

/**
 * Weight decay with a 0-d tensor λ: {@code u ← u + λ·p} on every leaf (as {@link
 * AddDecayedWeights}, whose λ is a {@code double}). The tensor makes λ data: a hyper-parameter
 * held in a state by {@link InjectHyperparams}, scheduled or differentiated. Restrict it to some
 * leaves with {@link Masked}. λ is cast to each leaf's dtype when they differ; its value is not
 * checked (that would need a host read). Stateless; needs the parameters.
 *
 * @param weightDecay λ, a 0-d floating tensor
 */
public record AddDecayedWeightsByTensor(Tensor weightDecay) implements GradientTransformation {

  /** Its state: nothing. */
  public record State() {}

  /**
   * Validates λ's dtype and shape (metadata only).
   *
   * @param weightDecay λ
   */
  public AddDecayedWeightsByTensor {
    ScaleByTensor.requireScalar("weightDecay", weightDecay);
  }

  @Override
  public Object init(Object params) {
    return new State();
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    States.expect(state, State.class, this);
    if (params == null) {
      throw new IllegalArgumentException(
          "addDecayedWeights needs the parameters: call update(updates, state, params)");
    }
    Tensor wd = weightDecay;
    T out =
        TensorTrees.map(
            updates,
            params,
            (u, p) ->
                u.ops().add(u, u.ops().mul(p, p.dtype() == wd.dtype() ? wd : wd.ops().cast(wd, p.dtype()))));
    return new Step<>(out, state);
  }
}
