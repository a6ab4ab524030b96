package dev.diffopt.transform;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensor.TensorTrees;
import java.util.EnumMap;
import java.util.Map;

/**
 * Rescales updates by rectified Adam (Liu, Jiang, He, Chen, Liu, Gao and Han, "On the Variance of
 * the Adaptive Learning Rate and Beyond", ICLR 2020), as {@code torch.optim.RAdam} (PyTorch 1.13)
 * computes it:
 *
 * <pre>
 *   t  ← t + 1
 *   m  ← β₁·m + (1 − β₁)·g
 *   v  ← β₂·v + (1 − β₂)·g²
 *   m̂  = m / (1 − β₁ᵗ)
 *   ρ∞ = 2 / (1 − β₂) − 1
 *   ρ_t = ρ∞ − 2·t·β₂ᵗ / (1 − β₂ᵗ)
 *   r_t = sqrt((ρ_t − 4)(ρ_t − 2)·ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)·ρ_t))
 *   u  = m̂ · r_t · sqrt(1 − β₂ᵗ) / (sqrt(v) + ε)     if ρ_t &gt; 5
 *   u  = m̂                                          otherwise (un-adapted momentum SGD)
 * </pre>
 *
 * <p>The choice between the two branches depends on the step count, which lives in the state as a
 * tensor; it is made with {@link TensorOps#where}, not with a host branch, so the update stays a
 * pure tensor function that can be staged. The rectification term is computed from a ρ that is
 * replaced by ρ∞ where the branch is not taken, so it stays finite and no NaN leaks into a
 * gradient through the unused branch. When ρ∞ ≤ 5 (β₂ ≤ 2/3) the adaptive branch can never be
 * taken (ρ_t &lt; ρ∞), and the update is m̂ at every step, as in {@code torch.optim}. All
 * step-dependent scalars are computed in the parameters' dtype; ρ_t and 1 − β₂ᵗ are evaluated in a
 * cancellation-free form (via {@code expm1(t·|ln β₂|)}), so that float32 agrees with
 * {@code torch.optim}'s double-precision host scalars to a few ulps of ρ∞ instead of 1e-2.
 *
 * @param b1 β₁, the first-moment decay, in [0, 1)
 * @param b2 β₂, the second-moment decay, in [0, 1)
 * @param eps ε, added to the root, finite and {@code >= 0}
 */
public record ScaleByRAdam(double b1, double b2, double eps) implements GradientTransformation {

  /** The threshold on ρ_t above which the variance is tractable and the adaptive step is used. */
  public static final double RHO_THRESHOLD = 5.0;

  /**
   * The state of {@link ScaleByRAdam}.
   *
   * @param mu the first moments m, a tree like the params
   * @param nu the second moments v, a tree like the params
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
  public ScaleByRAdam {
    Check.unitInterval("b1", b1);
    Check.unitInterval("b2", b2);
    Check.nonNegative("eps", eps);
  }

  /**
   * ρ∞ = 2 / (1 − β₂) − 1, the maximum length of the approximated simple moving average.
   *
   * @return ρ∞
   */
  public double rhoInf() {
    return 2 / (1 - b2) - 1;
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
    Object nu =
        TensorTrees.map(s.nu(), updates, (v, g) -> ScaleByAdam.ema(v, g.ops().square(g), b2));
    boolean canAdapt = rhoInf() > RHO_THRESHOLD;
    Map<DType, Tensor[]> perDtype = new EnumMap<>(DType.class);
    var correction1 = Counters.biasCorrections(b1, count);
    T out = TensorTrees.map(updates, mu, nu, (g, m, v) -> {
      TensorOps ops = g.ops();
      Tensor mHat = ops.div(m, correction1.apply(g.dtype()));
      if (!canAdapt) {
        return mHat;
      }
      Tensor[] scalars = perDtype.computeIfAbsent(g.dtype(), d -> rectification(count, d));
      Tensor adapted = ops.div(ops.mul(mHat, scalars[1]), ops.add(ops.sqrt(v), eps));
      return ops.where(scalars[0], adapted, mHat);
    });
    return new Step<>(out, new State(mu, nu, count));
  }

  /**
   * For step {@code count}: whether ρ_t &gt; 5 (BOOL) and the factor r_t·sqrt(1 − β₂ᵗ), both 0-d.
   *
   * <p>ρ_t subtracts two numbers near ρ∞ (≈ 2000 for β₂ = 0.999) to get a small one, and 1 − β₂ᵗ
   * loses digits for small t, so a direct float32 evaluation is off by 1e-2 in ρ_t (and 1e-5 in
   * 1 − β₂ᵗ, because 0.999 is not a float32). torch.optim computes these scalars in double on the
   * host. Here they stay tensors: with e = β₂⁻ᵗ − 1 from {@link Counters#inversePowerMinusOne}
   * (accurate in float32), ρ_t = ρ∞ − 2t / e and 1 − β₂ᵗ = e / (1 + e).
   */
  private Tensor[] rectification(Tensor count, DType dtype) {
    TensorOps ops = count.ops();
    double rhoInf = rhoInf();
    Tensor t = Counters.asFloat(count, dtype);
    Tensor expm1 = Counters.inversePowerMinusOne(b2, count, dtype);
    Tensor rho = ops.sub(ops.scalar(rhoInf, dtype), ops.div(ops.mul(t, 2.0), expm1));
    Tensor c2 = ops.div(expm1, ops.add(expm1, 1.0));
    Tensor adaptive = ops.lt(ops.scalar(RHO_THRESHOLD, dtype), rho);
    // where the adaptive branch is not taken, evaluate r at ρ∞ (r = 1), so nothing is NaN
    Tensor safeRho = ops.where(adaptive, rho, ops.scalar(rhoInf, dtype));
    double constant = rhoInf / ((rhoInf - 4) * (rhoInf - 2));
    Tensor rect = ops.sqrt(ops.div(
        ops.mul(ops.mul(ops.add(safeRho, -4.0), ops.add(safeRho, -2.0)), constant), safeRho));
    return new Tensor[] {adaptive, ops.mul(rect, ops.sqrt(c2))};
  }
}
