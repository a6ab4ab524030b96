package dev.diffopt.transform;

import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensor.TensorTrees;

/**
 * Rescales updates by Adamax's bias-corrected first moment over an exponentially weighted infinity
 * norm (Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, section 7.1), as
 * {@code torch.optim.Adamax} computes it:
 *
 * <pre>
 *   t ← t + 1
 *   m ← β₁·m + (1 − β₁)·g
 *   w ← max(β₂·w, |g| + ε)
 *   u = (m / (1 − β₁ᵗ)) / w
 * </pre>
 *
 * <p>ε is added to |g| inside the maximum, as {@code torch.optim.Adamax} does (the paper has no
 * ε); it keeps w positive. m and w start at zero; the bias correction is computed in the
 * parameters' dtype.
 *
 * @param b1 β₁, the first-moment decay, in [0, 1)
 * @param b2 β₂, the decay of the infinity norm, in [0, 1)
 * @param eps ε, finite and {@code >= 0}
 */
public record ScaleByAdamax(double b1, double b2, double eps) implements GradientTransformation {

  /**
   * The state of {@link ScaleByAdamax}.
   *
   * @param mu the first moments m, a tree like the params
   * @param nu the exponentially weighted infinity norms w, a tree like the params
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
  public ScaleByAdamax {
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
    Object nu = TensorTrees.map(s.nu(), updates, (w, g) -> {
      TensorOps ops = g.ops();
      return ops.maximum(ops.mul(w, b2), ops.add(ops.abs(g), eps));
    });
    var correction1 = Counters.biasCorrections(b1, count);
    T out = TensorTrees.map(updates, mu, nu, (g, m, w) -> {
      TensorOps ops = g.ops();
      return ops.div(ops.div(m, correction1.apply(g.dtype())), w);
    });
    return new Step<>(out, new State(mu, nu, count));
  }
}
