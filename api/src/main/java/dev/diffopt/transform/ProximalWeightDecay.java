package dev.diffopt.transform;

import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensor.TensorTrees;

/**
 * Adan's proximal (decoupled) weight decay (Xie, Zhou, Li, Lin and Yan, "Adan: Adaptive Nesterov
 * Momentum Algorithm for Faster Optimizing Deep Models", arXiv:2208.06677, 2022, Algorithm 1, last
 * line): the parameters after the step are shrunk by {@code 1 + ηλ},
 *
 * <pre>
 *   θ ← (θ + u) / (1 + η·λ)
 * </pre>
 *
 * written as an update (so that {@code θ + u'} is that value):
 *
 * <pre>
 *   u' = (u − η·λ·θ) / (1 + η·λ)
 * </pre>
 *
 * <p>It is the proximal step of the regulariser {@code λ/2·‖θ‖²} with step η, and goes
 * <em>after</em> {@link ScaleByLearningRate} (the incoming u already holds {@code −η·direction}).
 * For small ηλ it agrees to first order with AdamW's {@code θ − η·λ·θ}. Stateless; needs the
 * parameters.
 *
 * @param learningRate η, the step size the decay is scaled by; finite and {@code >= 0}
 * @param weightDecay λ, finite and {@code >= 0}
 */
public record ProximalWeightDecay(double learningRate, double weightDecay)
    implements GradientTransformation {

  /** Its state: nothing. */
  public record State() {}

  /**
   * Validates the hyper-parameters.
   *
   * @param learningRate η
   * @param weightDecay λ
   */
  public ProximalWeightDecay {
    Check.nonNegative("learningRate", learningRate);
    Check.nonNegative("weightDecay", weightDecay);
  }

  @Override
  public Object init(Object params) {
    return new State();
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    States.expect(state, State.class, this);
    double decay = learningRate * weightDecay;
    if (decay == 0) {
      return new Step<>(updates, state);
    }
    if (params == null) {
      throw new IllegalArgumentException(
          "proximalWeightDecay needs the parameters: call update(updates, state, params)");
    }
    T out = TensorTrees.map(updates, params, (u, p) -> {
      TensorOps ops = u.ops();
      return ops.div(ops.sub(u, ops.mul(p, decay)), ops.scalar(1 + decay, u.dtype()));
    });
    return new Step<>(out, state);
  }
}
