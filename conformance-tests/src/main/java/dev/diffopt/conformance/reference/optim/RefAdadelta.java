package dev.diffopt.conformance.reference.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch.optim.Adadelta} in float64, written from its documented algorithm (Zeiler 2012 with
 * a learning rate):
 *
 * <pre>
 *   v₀ = 0, u₀ = 0
 *   for t = 1, 2, …:
 *     g = −g if maximize
 *     g = g + weight_decay·θ               (if weight_decay ≠ 0)
 *     v = ρ·v + (1 − ρ)·g²
 *     Δx = sqrt(u + eps) / sqrt(v + eps) · g
 *     u = ρ·u + (1 − ρ)·Δx²
 *     θ = θ − lr·Δx
 * </pre>
 */
public final class RefAdadelta implements RefOptimizer {
  private final double lr;
  private final double rho;
  private final double eps;
  private final double weightDecay;
  private final boolean maximize;
  private final List<double[]> squareAvg = new ArrayList<>();
  private final List<double[]> accDelta = new ArrayList<>();

  /**
   * The reference with torch's options.
   *
   * @param lr lr
   * @param rho rho
   * @param eps eps
   * @param weightDecay weight_decay
   * @param maximize maximize
   */
  public RefAdadelta(double lr, double rho, double eps, double weightDecay, boolean maximize) {
    this.lr = lr;
    this.rho = rho;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.maximize = maximize;
  }

  @Override
  public void step(List<double[]> params, List<double[]> grads) {
    if (squareAvg.isEmpty()) {
      for (double[] p : params) {
        squareAvg.add(new double[p.length]);
        accDelta.add(new double[p.length]);
      }
    }
    for (int k = 0; k < params.size(); k++) {
      double[] p = params.get(k);
      double[] gk = grads.get(k);
      double[] v = squareAvg.get(k);
      double[] u = accDelta.get(k);
      for (int i = 0; i < p.length; i++) {
        double g = maximize ? -gk[i] : gk[i];
        if (weightDecay != 0) {
          g += weightDecay * p[i];
        }
        v[i] = rho * v[i] + (1 - rho) * g * g;
        double delta = Math.sqrt(u[i] + eps) / Math.sqrt(v[i] + eps) * g;
        u[i] = rho * u[i] + (1 - rho) * delta * delta;
        p[i] -= lr * delta;
      }
    }
  }
}
