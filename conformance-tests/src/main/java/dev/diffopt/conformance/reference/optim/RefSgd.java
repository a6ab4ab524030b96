package dev.diffopt.conformance.reference.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch.optim.SGD} (PyTorch 1.13) in float64, written from its documented algorithm:
 *
 * <pre>
 *   g ← −g if maximize;  g ← g + λ·p
 *   if μ ≠ 0:  b ← g at step 1, else μ·b + (1 − τ)·g;  g ← g + μ·b if nesterov else b
 *   p ← p − η·g
 * </pre>
 */
public final class RefSgd implements RefOptimizer {
  private final double lr;
  private final double momentum;
  private final double dampening;
  private final double weightDecay;
  private final boolean nesterov;
  private final boolean maximize;
  private List<double[]> buffers;

  /**
   * A reference SGD.
   *
   * @param lr η
   * @param momentum μ
   * @param dampening τ
   * @param weightDecay λ (L2, added to the gradient)
   * @param nesterov Nesterov momentum
   * @param maximize maximize instead of minimize
   */
  public RefSgd(
      double lr,
      double momentum,
      double dampening,
      double weightDecay,
      boolean nesterov,
      boolean maximize) {
    this.lr = lr;
    this.momentum = momentum;
    this.dampening = dampening;
    this.weightDecay = weightDecay;
    this.nesterov = nesterov;
    this.maximize = maximize;
  }

  @Override
  public void step(List<double[]> params, List<double[]> grads) {
    boolean first = buffers == null;
    if (first) {
      buffers = new ArrayList<>();
      for (double[] p : params) {
        buffers.add(new double[p.length]);
      }
    }
    for (int k = 0; k < params.size(); k++) {
      double[] p = params.get(k);
      double[] g = grads.get(k);
      double[] buf = buffers.get(k);
      for (int i = 0; i < p.length; i++) {
        double d = maximize ? -g[i] : g[i];
        if (weightDecay != 0) {
          d = d + weightDecay * p[i];
        }
        if (momentum != 0) {
          if (first) {
            buf[i] = d;
          } else {
            buf[i] = momentum * buf[i] + (1 - dampening) * d;
          }
          d = nesterov ? d + momentum * buf[i] : buf[i];
        }
        p[i] = p[i] - lr * d;
      }
    }
  }
}
