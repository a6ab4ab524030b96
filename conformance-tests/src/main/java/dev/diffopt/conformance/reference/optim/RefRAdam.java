package dev.diffopt.conformance.reference.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch.optim.RAdam} (PyTorch 1.13) in float64, written from its documented algorithm
 * (with a leading {@code maximize} negation, which later PyTorch versions add):
 *
 * <pre>
 *   g ← −g if maximize;  g ← g + λ·p
 *   m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  m̂ = m / (1 − β₁ᵗ)
 *   ρ∞ = 2/(1 − β₂) − 1;  ρ_t = ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ)
 *   ρ_t &gt; 5: r = sqrt((ρ_t − 4)(ρ_t − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρ_t));
 *            p ← p − η·m̂·r·sqrt(1 − β₂ᵗ)/(sqrt(v) + ε)
 *   else:    p ← p − η·m̂
 * </pre>
 *
 * <p>The branch is a plain host {@code if} on the step, as in torch.optim.
 */
public final class RefRAdam implements RefOptimizer {
  private final double lr;
  private final double b1;
  private final double b2;
  private final double eps;
  private final double weightDecay;
  private final boolean maximize;
  private List<double[]> expAvg;
  private List<double[]> expAvgSq;
  private int t;

  /**
   * A reference RAdam.
   *
   * @param lr η
   * @param b1 β₁
   * @param b2 β₂
   * @param eps ε
   * @param weightDecay λ (L2, added to the gradient)
   * @param maximize maximize instead of minimize
   */
  public RefRAdam(
      double lr, double b1, double b2, double eps, double weightDecay, boolean maximize) {
    this.lr = lr;
    this.b1 = b1;
    this.b2 = b2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.maximize = maximize;
  }

  @Override
  public void step(List<double[]> params, List<double[]> grads) {
    if (expAvg == null) {
      expAvg = zeros(params);
      expAvgSq = zeros(params);
    }
    t++;
    double bc1 = 1 - Math.pow(b1, t);
    double bc2 = 1 - Math.pow(b2, t);
    double rhoInf = 2 / (1 - b2) - 1;
    double rhoT = rhoInf - 2 * t * Math.pow(b2, t) / bc2;
    for (int k = 0; k < params.size(); k++) {
      double[] p = params.get(k);
      double[] g = grads.get(k);
      double[] m = expAvg.get(k);
      double[] v = expAvgSq.get(k);
      for (int i = 0; i < p.length; i++) {
        double gi = maximize ? -g[i] : g[i];
        if (weightDecay != 0) {
          gi = gi + weightDecay * p[i];
        }
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        double mHat = m[i] / bc1;
        if (rhoT > 5) {
          double rect = Math.sqrt(
              (rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
          double adaptiveLr = Math.sqrt(bc2) / (Math.sqrt(v[i]) + eps);
          p[i] = p[i] - mHat * lr * adaptiveLr * rect;
        } else {
          p[i] = p[i] - mHat * lr;
        }
      }
    }
  }

  private static List<double[]> zeros(List<double[]> like) {
    List<double[]> out = new ArrayList<>();
    for (double[] p : like) {
      out.add(new double[p.length]);
    }
    return out;
  }
}
