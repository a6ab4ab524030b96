package dev.diffopt.conformance.reference.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch.optim.NAdam} in float64, written from its documented algorithm, with the upstream
 * fix of PyTorch 1.13's {@code mu_product_next} ({@code Π_t·μ_{t+1}}, not {@code Π_t·μ_t·μ_{t+1}})
 * and a leading {@code maximize} negation, which later PyTorch versions add:
 *
 * <pre>
 *   g ← −g if maximize;  g ← g + λ·p
 *   μ_t = β₁(1 − ½·0.96^(tψ));  μ_{t+1} = β₁(1 − ½·0.96^((t+1)ψ));  Π ← Π·μ_t
 *   m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  d = sqrt(v / (1 − β₂ᵗ)) + ε
 *   p ← p − η(1 − μ_t)/(1 − Π) · g/d
 *   p ← p − η·μ_{t+1}/(1 − Π·μ_{t+1}) · m/d
 * </pre>
 */
public final class RefNAdam implements RefOptimizer {
  private final double lr;
  private final double b1;
  private final double b2;
  private final double eps;
  private final double weightDecay;
  private final double momentumDecay;
  private final boolean maximize;
  private List<double[]> expAvg;
  private List<double[]> expAvgSq;
  private double muProduct = 1.0;
  private int t;

  /**
   * A reference NAdam.
   *
   * @param lr η
   * @param b1 β₁
   * @param b2 β₂
   * @param eps ε
   * @param weightDecay λ (L2, added to the gradient)
   * @param momentumDecay ψ
   * @param maximize maximize instead of minimize
   */
  public RefNAdam(
      double lr,
      double b1,
      double b2,
      double eps,
      double weightDecay,
      double momentumDecay,
      boolean maximize) {
    this.lr = lr;
    this.b1 = b1;
    this.b2 = b2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.momentumDecay = momentumDecay;
    this.maximize = maximize;
  }

  @Override
  public void step(List<double[]> params, List<double[]> grads) {
    if (expAvg == null) {
      expAvg = zeros(params);
      expAvgSq = zeros(params);
    }
    t++;
    double bc2 = 1 - Math.pow(b2, t);
    double mu = b1 * (1 - 0.5 * Math.pow(0.96, t * momentumDecay));
    double muNext = b1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * momentumDecay));
    muProduct *= mu;
    double muProductNext = muProduct * muNext;
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
        double denom = Math.sqrt(v[i] / bc2) + eps;
        p[i] = p[i] - lr * (1 - mu) / (1 - muProduct) * gi / denom;
        p[i] = p[i] - lr * muNext / (1 - muProductNext) * m[i] / denom;
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
