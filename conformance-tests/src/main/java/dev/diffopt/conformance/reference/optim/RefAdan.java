package dev.diffopt.conformance.reference.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * Adan in float64, written from Xie et al., "Adan: Adaptive Nesterov Momentum Algorithm for Faster
 * Optimizing Deep Models" (arXiv:2208.06677), Algorithm 1, <em>in the paper's notation</em>: β₁,
 * β₂, β₃ are the weights of the new observation (defaults 0.02, 0.08, 0.01), i.e. one minus the
 * decay rates diffopt's {@code Adan} takes. No bias correction; the moments start at their first
 * observations (m₀ = g₀, n₀ = g₀², v₀ = 0); ε is added to the root (the authors' code; the paper
 * writes {@code sqrt(n + ε)}); proximal weight decay; torch-style {@code maximize}:
 *
 * <pre>
 *   k = 0:   m = g;  v = 0;  n = g²
 *   k ≥ 1:   m = (1 − β₁)·m + β₁·g
 *            v = (1 − β₂)·v + β₂·(g − g_prev)
 *            n = (1 − β₃)·n + β₃·(g + (1 − β₂)·(g − g_prev))²
 *   θ = (θ − lr·(m + (1 − β₂)·v) / (sqrt(n) + ε)) / (1 + lr·λ)
 * </pre>
 */
public final class RefAdan implements RefOptimizer {
  private final double lr;
  private final double beta1;
  private final double beta2;
  private final double beta3;
  private final double eps;
  private final double weightDecay;
  private final boolean maximize;
  private final List<double[]> m = new ArrayList<>();
  private final List<double[]> v = new ArrayList<>();
  private final List<double[]> n = new ArrayList<>();
  private final List<double[]> previous = new ArrayList<>();

  /**
   * The reference, with the paper's β's (weights of the new observation).
   *
   * @param lr the learning rate η
   * @param beta1 the paper's β₁
   * @param beta2 the paper's β₂
   * @param beta3 the paper's β₃
   * @param eps ε
   * @param weightDecay λ, proximal
   * @param maximize maximize
   */
  public RefAdan(
      double lr,
      double beta1,
      double beta2,
      double beta3,
      double eps,
      double weightDecay,
      boolean maximize) {
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.beta3 = beta3;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.maximize = maximize;
  }

  @Override
  public void step(List<double[]> params, List<double[]> grads) {
    boolean first = m.isEmpty();
    for (int k = 0; k < params.size(); k++) {
      double[] p = params.get(k);
      double[] gk = grads.get(k);
      if (first) {
        m.add(new double[p.length]);
        v.add(new double[p.length]);
        n.add(new double[p.length]);
        previous.add(new double[p.length]);
      }
      double[] mk = m.get(k);
      double[] vk = v.get(k);
      double[] nk = n.get(k);
      double[] prev = previous.get(k);
      for (int i = 0; i < p.length; i++) {
        double g = maximize ? -gk[i] : gk[i];
        if (first) {
          mk[i] = g;
          vk[i] = 0;
          nk[i] = g * g;
        } else {
          double diff = g - prev[i];
          mk[i] = (1 - beta1) * mk[i] + beta1 * g;
          vk[i] = (1 - beta2) * vk[i] + beta2 * diff;
          double nesterov = g + (1 - beta2) * diff;
          nk[i] = (1 - beta3) * nk[i] + beta3 * nesterov * nesterov;
        }
        prev[i] = g;
        double direction = (mk[i] + (1 - beta2) * vk[i]) / (Math.sqrt(nk[i]) + eps);
        p[i] = (p[i] - lr * direction) / (1 + lr * weightDecay);
      }
    }
  }
}
