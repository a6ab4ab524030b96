package dev.diffopt.transform;

import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensor.TensorTrees;

/**
 * Divides updates by the root of the running <em>sum</em> of their squares: Adagrad (Duchi, Hazan
 * and Singer, "Adaptive Subgradient Methods for Online Learning and Stochastic Optimization",
 * JMLR 12, 2011), as {@code torch.optim.Adagrad} computes it:
 *
 * <pre>
 *   S ← S + g²                      (S starts at the initial accumulator value τ)
 *   u = g / (sqrt(S) + ε)
 * </pre>
 *
 * <p>ε is added <em>outside</em> the root, as in {@code torch.optim.Adagrad} (optax's {@code
 * scale_by_rss} adds it inside; the two differ only in the smallest updates). With τ = 0 and
 * ε = 0 a leaf whose gradient has always been exactly zero gives {@code 0 / 0}, as in torch.
 *
 * @param initialAccumulatorValue τ, the value every element of S starts at; finite and {@code >= 0}
 * @param eps ε, finite and {@code >= 0}
 */
public record ScaleByRss(double initialAccumulatorValue, double eps)
    implements GradientTransformation {

  /**
   * The state of {@link ScaleByRss}.
   *
   * @param sumOfSquares the accumulated squares S, a tree like the params
   */
  public record State(Object sumOfSquares) {}

  /**
   * Validates the hyper-parameters.
   *
   * @param initialAccumulatorValue τ
   * @param eps ε
   */
  public ScaleByRss {
    Check.nonNegative("initialAccumulatorValue", initialAccumulatorValue);
    Check.nonNegative("eps", eps);
  }

  @Override
  public Object init(Object params) {
    return new State(TensorTrees.fullLike(params, initialAccumulatorValue));
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    State s = States.expect(state, State.class, this);
    Object sum =
        TensorTrees.map(s.sumOfSquares(), updates, (a, g) -> a.ops().add(a, g.ops().square(g)));
    T out = TensorTrees.map(updates, sum, (g, a) -> {
      TensorOps ops = g.ops();
      return ops.div(g, ops.add(ops.sqrt(a), eps));
    });
    return new Step<>(out, new State(sum));
  }
}
