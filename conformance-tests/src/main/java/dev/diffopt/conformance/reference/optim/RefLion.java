package dev.diffopt.conformance.reference.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * Lion in float64, written from Chen et al., "Symbolic Discovery of Optimization Algorithms"
 * (NeurIPS 2023), with torch-style {@code maximize}:
 *
 * <pre>
 *   m₀ = 0
 *   for t = 1, 2, …:
 *     g = −g if maximize
 *     c = β₁·m + (1 − β₁)·g
 *     θ = θ − lr·(sign(c) + λ·θ)
 *     m = β₂·m + (1 − β₂)·g
 * </pre>
 */
public final class RefLion implements RefOptimizer {
  private final double lr;
  private final double b1;
  private final double b2;
  private final double weightDecay;
  private final boolean maximize;
  private final List<double[]> momentum = new ArrayList<>();

  /**
   * The reference.
   *
   * @param lr the learning rate
   * @param b1 β₁
   * @param b2 β₂
   * @param weightDecay λ, decoupled
   * @param maximize maximize
   */
  public RefLion(double lr, double b1, double b2, double weightDecay, boolean maximize) {
    this.lr = lr;
    this.b1 = b1;
    this.b2 = b2;
    this.weightDecay = weightDecay;
    this.maximize = maximize;
  }

  @Override
  public void step(List<double[]> params, List<double[]> grads) {
    if (momentum.isEmpty()) {
      for (double[] p : params) {
        momentum.add(new double[p.length]);
      }
    }
    for (int k = 0; k < params.size(); k++) {
      double[] p = params.get(k);
      double[] gk = grads.get(k);
      double[] m = momentum.get(k);
      for (int i = 0; i < p.length; i++) {
        double g = maximize ? -gk[i] : gk[i];
        double c = b1 * m[i] + (1 - b1) * g;
        p[i] -= lr * (Math.signum(c) + weightDecay * p[i]);
        m[i] = b2 * m[i] + (1 - b2) * g;
      }
    }
  }
}
