package dev.diffopt.transform;

import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensor.TensorTrees;

/**
 * Divides updates by the root of a running mean of their squares: RMSProp (Tieleman and Hinton,
 * "Lecture 6.5 — RMSProp: divide the gradient by a running average of its recent magnitude",
 * COURSERA: Neural Networks for Machine Learning, 2012), non-centered, as {@code
 * torch.optim.RMSprop} computes it:
 *
 * <pre>
 *   v ← α·v + (1 − α)·g²
 *   u = g / (sqrt(v) + ε)
 * </pre>
 *
 * <p>ε is added <em>outside</em> the root, as in {@code torch.optim.RMSprop} and TorchOpt's
 * {@code scale_by_rms}. v starts at zero. The centered variant is {@link ScaleByStddev}.
 *
 * @param alpha α, the smoothing constant (decay of the mean of squares), in [0, 1)
 * @param eps ε, finite and {@code >= 0}
 */
public record ScaleByRms(double alpha, double eps) implements GradientTransformation {

  /**
   * The state of {@link ScaleByRms}.
   *
   * @param nu the running mean of squared updates v, a tree like the params
   */
  public record State(Object nu) {}

  /**
   * Validates the hyper-parameters.
   *
   * @param alpha α
   * @param eps ε
   */
  public ScaleByRms {
    Check.unitInterval("alpha", alpha);
    Check.nonNegative("eps", eps);
  }

  @Override
  public Object init(Object params) {
    return new State(TensorTrees.zerosLike(params));
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    State s = States.expect(state, State.class, this);
    Object nu =
        TensorTrees.map(s.nu(), updates, (v, g) -> ScaleByAdam.ema(v, g.ops().square(g), alpha));
    T out = TensorTrees.map(updates, nu, (g, v) -> {
      TensorOps ops = g.ops();
      return ops.div(g, ops.add(ops.sqrt(v), eps));
    });
    return new Step<>(out, new State(nu));
  }
}
