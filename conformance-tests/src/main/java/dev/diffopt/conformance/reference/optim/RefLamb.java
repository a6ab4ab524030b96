package dev.diffopt.conformance.reference.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * LAMB in float64, written from You et al., "Large Batch Optimization for Deep Learning: Training
 * BERT in 76 minutes" (ICLR 2020), Algorithm 2 with φ the identity and one "layer" per parameter
 * tensor, with torch-style {@code maximize}:
 *
 * <pre>
 *   m₀ = v₀ = 0
 *   for t = 1, 2, …:
 *     g = −g if maximize
 *     m = β₁·m + (1 − β₁)·g;   v = β₂·v + (1 − β₂)·g²
 *     r = (m / (1 − β₁ᵗ)) / (sqrt(v / (1 − β₂ᵗ)) + ε) + λ·θ
 *     θ = θ − lr·(‖θ‖ / ‖r‖)·r           (the ratio is 1 if either norm is 0)
 * </pre>
 */
public final class RefLamb implements RefOptimizer {
  private final double lr;
  private final double b1;
  private final double b2;
  private final double eps;
  private final double weightDecay;
  private final boolean maximize;
  private final List<double[]> firstMoments = new ArrayList<>();
  private final List<double[]> secondMoments = new ArrayList<>();
  private int t;

  /**
   * The reference.
   *
   * @param lr the learning rate
   * @param b1 β₁
   * @param b2 β₂
   * @param eps ε
   * @param weightDecay λ, decoupled, before the trust ratio
   * @param maximize maximize
   */
  public RefLamb(
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
    t++;
    if (firstMoments.isEmpty()) {
      for (double[] p : params) {
        firstMoments.add(new double[p.length]);
        secondMoments.add(new double[p.length]);
      }
    }
    double c1 = 1 - Math.pow(b1, t);
    double c2 = 1 - Math.pow(b2, t);
    for (int k = 0; k < params.size(); k++) {
      double[] p = params.get(k);
      double[] gk = grads.get(k);
      double[] m = firstMoments.get(k);
      double[] v = secondMoments.get(k);
      double[] r = new double[p.length];
      double pSquares = 0;
      double rSquares = 0;
      for (int i = 0; i < p.length; i++) {
        double g = maximize ? -gk[i] : gk[i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        r[i] = (m[i] / c1) / (Math.sqrt(v[i] / c2) + eps) + weightDecay * p[i];
        pSquares += p[i] * p[i];
        rSquares += r[i] * r[i];
      }
      double pNorm = Math.sqrt(pSquares);
      double rNorm = Math.sqrt(rSquares);
      double trust = pNorm > 0 && rNorm > 0 ? pNorm / rNorm : 1.0;
      for (int i = 0; i < p.length; i++) {
        p[i] -= lr * trust * r[i];
      }
    }
  }
}
