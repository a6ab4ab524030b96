package dev.diffopt.transform;

import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensor.TensorTrees;

/**
 * AdaBelief's rescaling (Zhuang, Tang, Ding, Tatikonda, Dvornek, Papademetris and Duncan,
 * "AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed Gradients", NeurIPS 2020,
 * Algorithm 2): Adam with the second moment of the gradient replaced by the running variance of the
 * gradient around its own prediction m ("the belief"):
 *
 * <pre>
 *   t ← t + 1
 *   m ← β₁·m + (1 − β₁)·g
 *   s ← β₂·s + (1 − β₂)·(g − m)² + ε
 *   u = (m / (1 − β₁ᵗ)) / (sqrt(s / (1 − β₂ᵗ)) + ε)
 * </pre>
 *
 * <p>As in the paper, ε appears twice: added to s at every step (so s never falls below ε) and to
 * the root. (The authors' PyTorch code {@code adabelief-pytorch} adds ε to its stored s a second
 * time in place before taking the root; this transform follows the paper's algorithm.) m and s
 * start at zero; the bias corrections are computed in the parameters' dtype.
 *
 * @param b1 β₁, the decay of the mean m, in [0, 1)
 * @param b2 β₂, the decay of the belief variance s, in [0, 1)
 * @param eps ε, finite and {@code >= 0}
 */
public record ScaleByBelief(double b1, double b2, double eps) implements GradientTransformation {

  /**
   * The state of {@link ScaleByBelief}.
   *
   * @param mu the first moment m, a tree like the params
   * @param nu the belief variance s, a tree like the params
   * @param count the step t, a 0-d INT64 tensor ({@code null} for a tree without leaves)
   */
  public record State(Object mu, Object nu, Tensor count) {}

  /**
   * Validates the hyper-parameters.
   *
   * @param b1 β₁
   * @param b2 β₂
   * @param eps ε
   */
  public ScaleByBelief {
    Check.unitInterval("b1", b1);
    Check.unitInterval("b2", b2);
    Check.nonNegative("eps", eps);
  }

  @Override
  public Object init(Object params) {
    return new State(
        TensorTrees.zerosLike(params), TensorTrees.zerosLike(params), Counters.zero(params));
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    State s = States.expect(state, State.class, this);
    Tensor count = Counters.increment(s.count());
    Object mu = TensorTrees.map(s.mu(), updates, (m, g) -> ScaleByAdam.ema(m, g, b1));
    Object nu = TensorTrees.map(s.nu(), updates, mu, (v, g, m) -> {
      TensorOps ops = g.ops();
      return ops.add(ScaleByAdam.ema(v, ops.square(ops.sub(g, m)), b2), eps);
    });
    var correction1 = Counters.biasCorrections(b1, count);
    var correction2 = Counters.biasCorrections(b2, count);
    T out = TensorTrees.map(updates, mu, nu, (g, m, v) -> {
      TensorOps ops = g.ops();
      Tensor mHat = ops.div(m, correction1.apply(g.dtype()));
      Tensor vHat = ops.div(v, correction2.apply(g.dtype()));
      return ops.div(mHat, ops.add(ops.sqrt(vHat), eps));
    });
    return new Step<>(out, new State(mu, nu, count));
  }
}
