package dev.diffopt.conformance.reference.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch.optim.Adamax} (PyTorch 1.13) in float64, written from its documented algorithm:
 *
 * <pre>
 *   g ← −g if maximize;  g ← g + λ·p
 *   m ← β₁m + (1 − β₁)g;  w ← max(β₂w, |g| + ε)
 *   p ← p − η/(1 − β₁ᵗ) · m / w
 * </pre>
 */
public final class RefAdamax implements RefOptimizer {
  private final double lr;
  private final double b1;
  private final double b2;
  private final double eps;
  private final double weightDecay;
  private final boolean maximize;
  private List<double[]> expAvg;
  private List<double[]> expInf;
  private int t;

  /**
   * A reference Adamax.
   *
   * @param lr η
   * @param b1 β₁
   * @param b2 β₂
   * @param eps ε, added to |g| inside the maximum
   * @param weightDecay λ (L2, added to the gradient)
   * @param maximize maximize instead of minimize
   */
  public RefAdamax(
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
      expInf = zeros(params);
    }
    t++;
    double clr = lr / (1 - Math.pow(b1, t));
    for (int k = 0; k < params.size(); k++) {
      double[] p = params.get(k);
      double[] g = grads.get(k);
      double[] m = expAvg.get(k);
      double[] w = expInf.get(k);
      for (int i = 0; i < p.length; i++) {
        double gi = maximize ? -g[i] : g[i];
        if (weightDecay != 0) {
          gi = gi + weightDecay * p[i];
        }
        m[i] = b1 * m[i] + (1 - b1) * gi;
        w[i] = Math.max(b2 * w[i], Math.abs(gi) + eps);
        p[i] = p[i] - clr * m[i] / w[i];
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
