package dev.diffopt.conformance.reference.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch.optim.Adam} (PyTorch 1.13) in float64, written from its documented algorithm, with
 * AMSGrad, maximize, L2 weight decay and TorchOpt's {@code eps_root} (inside the root; 0 gives
 * torch.optim exactly):
 *
 * <pre>
 *   g ← −g if maximize;  g ← g + λ·p
 *   m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  v̂max ← max(v̂max, v) (amsgrad)
 *   p ← p − η/(1 − β₁ᵗ) · m / (sqrt(v' / (1 − β₂ᵗ) + ε_root) + ε),  v' = v̂max or v
 * </pre>
 */
public final class RefAdam implements RefOptimizer {
  private final double lr;
  private final double b1;
  private final double b2;
  private final double eps;
  private final double epsRoot;
  private final double weightDecay;
  private final boolean amsgrad;
  private final boolean maximize;
  private List<double[]> m;
  private List<double[]> v;
  private List<double[]> vMax;
  private int t;

  /**
   * A reference Adam (torch.optim.Adam, L2 weight decay).
   *
   * @param lr η
   * @param b1 β₁
   * @param b2 β₂
   * @param eps ε
   * @param epsRoot ε_root (0 for torch.optim)
   * @param weightDecay λ
   * @param amsgrad AMSGrad
   * @param maximize maximize instead of minimize
   */
  public RefAdam(
      double lr,
      double b1,
      double b2,
      double eps,
      double epsRoot,
      double weightDecay,
      boolean amsgrad,
      boolean maximize) {
    this.lr = lr;
    this.b1 = b1;
    this.b2 = b2;
    this.eps = eps;
    this.epsRoot = epsRoot;
    this.weightDecay = weightDecay;
    this.amsgrad = amsgrad;
    this.maximize = maximize;
  }

  @Override
  public void step(List<double[]> params, List<double[]> grads) {
    if (m == null) {
      m = zeros(params);
      v = zeros(params);
      vMax = zeros(params);
    }
    t++;
    double bc1 = 1 - Math.pow(b1, t);
    double bc2 = 1 - Math.pow(b2, t);
    double stepSize = lr / bc1;
    for (int k = 0; k < params.size(); k++) {
      double[] p = params.get(k);
      double[] g = grads.get(k);
      double[] mk = m.get(k);
      double[] vk = v.get(k);
      double[] vmk = vMax.get(k);
      for (int i = 0; i < p.length; i++) {
        double gi = maximize ? -g[i] : g[i];
        if (weightDecay != 0) {
          gi = gi + weightDecay * p[i];
        }
        mk[i] = b1 * mk[i] + (1 - b1) * gi;
        vk[i] = b2 * vk[i] + (1 - b2) * gi * gi;
        double second = vk[i];
        if (amsgrad) {
          vmk[i] = Math.max(vmk[i], vk[i]);
          second = vmk[i];
        }
        double denom = Math.sqrt(second / bc2 + epsRoot) + eps;
        p[i] = p[i] - stepSize * mk[i] / denom;
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
