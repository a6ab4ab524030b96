package dev.diffopt.transform;

import dev.diffopt.tensor.TensorTrees;
import dev.diffopt.tree.Trees;
import java.util.function.Predicate;

/**
 * Adds weight decay to the updates: {@code u ← u + λ·p} for the leaves the mask selects (optax
 * {@code add_decayed_weights}; TorchOpt's {@code weight_decay} before the learning rate gives L2
 * regularisation, after a moment transform decoupled decay as in AdamW). Stateless; needs the
 * parameters.
 *
 * @param weightDecay λ, finite and {@code >= 0}
 * @param mask which leaves decay: a tree of {@code Boolean} leaves with the structure of the
 *     parameters, or a prefix of it (broadcast), or {@code null} for all leaves
 */
public record AddDecayedWeights(double weightDecay, Object mask) implements GradientTransformation {
  /** Its state: nothing. */
  public record State() {}

  /**
   * Validates λ.
   *
   * @param weightDecay λ
   * @param mask the mask tree or {@code null}
   */
  public AddDecayedWeights {
    Check.nonNegative("weightDecay", weightDecay);
  }

  /**
   * Decay on the leaves whose path-free value {@code select} accepts, e.g. {@code t ->
   * t.shape().rank() > 1} to spare biases.
   *
   * @param weightDecay λ
   * @param params a parameter tree to compute the mask from
   * @param select the leaf predicate
   * @return the transformation with the resulting mask
   */
  public static AddDecayedWeights where(
      double weightDecay, Object params, Predicate<dev.diffopt.tensor.Tensor> select) {
    return new AddDecayedWeights(
        weightDecay, Trees.map(leaf -> select.test((dev.diffopt.tensor.Tensor) leaf), params));
  }

  @Override
  public Object init(Object params) {
    return new State();
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    States.expect(state, State.class, this);
    if (weightDecay == 0) {
      return new Step<>(updates, state);
    }
    if (params == null) {
      throw new IllegalArgumentException(
          "addDecayedWeights needs the parameters: call update(updates, state, params)");
    }
    Object selected = mask == null ? null : Trees.broadcastPrefix(mask, params);
    T out =
        selected == null
            ? TensorTrees.map(updates, params, (u, p) -> u.ops().add(u, u.ops().mul(p, weightDecay)))
            : Trees.mapN(
                xs -> {
                  var u = (dev.diffopt.tensor.Tensor) xs.get(0);
                  var p = (dev.diffopt.tensor.Tensor) xs.get(1);
                  return Boolean.TRUE.equals(xs.get(2)) ? u.ops().add(u, u.ops().mul(p, weightDecay)) : u;
                },
                updates, params, selected);
    return new Step<>(out, state);
  }
}
