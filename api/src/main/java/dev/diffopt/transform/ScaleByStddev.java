package dev.diffopt.transform;

import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensor.TensorTrees;

/**
 * Divides updates by a running estimate of their standard deviation: centered RMSProp (Tieleman
 * and Hinton, "Lecture 6.5 — RMSProp", COURSERA: Neural Networks for Machine Learning, 2012;
 * centered as in Graves, "Generating Sequences With Recurrent Neural Networks", 2013), as {@code
 * torch.optim.RMSprop(centered=True)} computes it:
 *
 * <pre>
 *   ḡ ← α·ḡ + (1 − α)·g
 *   v ← α·v + (1 − α)·g²
 *   u = g / (sqrt(v − ḡ²) + ε)
 * </pre>
 *
 * <p>ε is added outside the root, as in {@code torch.optim.RMSprop}; both means start at zero.
 * (v − ḡ² is a convex combination of non-negative variances and stays {@code >= 0} up to rounding,
 * which {@code torch.optim} does not guard against either.)
 *
 * @param alpha α, the smoothing constant, in [0, 1)
 * @param eps ε, finite and {@code >= 0}
 */
public record ScaleByStddev(double alpha, double eps) implements GradientTransformation {

  /**
   * The state of {@link ScaleByStddev}.
   *
   * @param mu the running mean of updates ḡ, a tree like the params
   * @param nu the running mean of squared updates v, a tree like the params
   */
  public record State(Object mu, Object nu) {}

  /**
   * Validates the hyper-parameters.
   *
   * @param alpha α
   * @param eps ε
   */
  public ScaleByStddev {
    Check.unitInterval("alpha", alpha);
    Check.nonNegative("eps", eps);
  }

  @Override
  public Object init(Object params) {
    return new State(TensorTrees.zerosLike(params), TensorTrees.zerosLike(params));
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    State s = States.expect(state, State.class, this);
    Object mu = TensorTrees.map(s.mu(), updates, (m, g) -> ScaleByAdam.ema(m, g, alpha));
    Object nu =
        TensorTrees.map(s.nu(), updates, (v, g) -> ScaleByAdam.ema(v, g.ops().square(g), alpha));
    T out = TensorTrees.map(updates, mu, nu, (g, m, v) -> {
      TensorOps ops = g.ops();
      Tensor variance = ops.sub(v, ops.square(m));
      return ops.div(g, ops.add(ops.sqrt(variance), eps));
    });
    return new Step<>(out, new State(mu, nu));
  }
}
