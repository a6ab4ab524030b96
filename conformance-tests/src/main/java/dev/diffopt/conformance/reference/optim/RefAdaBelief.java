package dev.diffopt.conformance.reference.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * AdaBelief in float64, written from Zhuang et al., "AdaBelief Optimizer: Adapting Stepsizes by the
 * Belief in Observed Gradients" (NeurIPS 2020), Algorithm 2, with decoupled weight decay and
 * torch-style {@code maximize}:
 *
 * <pre>
 *   m₀ = s₀ = 0
 *   for t = 1, 2, …:
 *     g = −g if maximize
 *     m = β₁·m + (1 − β₁)·g
 *     s = β₂·s + (1 − β₂)·(g − m)² + ε
 *     θ = θ·(1 − lr·λ) − lr·(m / (1 − β₁ᵗ)) / (sqrt(s / (1 − β₂ᵗ)) + ε)
 * </pre>
 */
public final class RefAdaBelief implements RefOptimizer {
  private final double lr;
  private final double b1;
  private final double b2;
  private final double eps;
  private final double weightDecay;
  private final boolean maximize;
  private final List<double[]> means = new ArrayList<>();
  private final List<double[]> beliefs = new ArrayList<>();
  private int t;

  /**
   * The reference.
   *
   * @param lr the learning rate
   * @param b1 β₁
   * @param b2 β₂
   * @param eps ε
   * @param weightDecay λ, decoupled
   * @param maximize maximize
   */
  public RefAdaBelief(
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
    if (means.isEmpty()) {
      for (double[] p : params) {
        means.add(new double[p.length]);
        beliefs.add(new double[p.length]);
      }
    }
    double c1 = 1 - Math.pow(b1, t);
    double c2 = 1 - Math.pow(b2, t);
    for (int k = 0; k < params.size(); k++) {
      double[] p = params.get(k);
      double[] gk = grads.get(k);
      double[] m = means.get(k);
      double[] s = beliefs.get(k);
      for (int i = 0; i < p.length; i++) {
        double g = maximize ? -gk[i] : gk[i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        double surprise = g - m[i];
        s[i] = b2 * s[i] + (1 - b2) * surprise * surprise + eps;
        double step = (m[i] / c1) / (Math.sqrt(s[i] / c2) + eps);
        p[i] = p[i] * (1 - lr * weightDecay) - lr * step;
      }
    }
  }
}
