package dev.diffopt.conformance.reference.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch.optim.RMSprop} (PyTorch 1.13) in float64, written from its documented algorithm:
 *
 * <pre>
 *   g ← −g if maximize;  g ← g + λ·p
 *   v ← αv + (1 − α)g²
 *   centered: ḡ ← αḡ + (1 − α)g;  d = sqrt(v − ḡ²) + ε,   else d = sqrt(v) + ε
 *   μ &gt; 0: b ← μb + g/d;  p ← p − ηb          else p ← p − η·g/d
 * </pre>
 */
public final class RefRmsProp implements RefOptimizer {
  private final double lr;
  private final double alpha;
  private final double eps;
  private final double weightDecay;
  private final double momentum;
  private final boolean centered;
  private final boolean maximize;
  private List<double[]> squareAvg;
  private List<double[]> gradAvg;
  private List<double[]> buffer;

  /**
   * A reference RMSprop.
   *
   * @param lr η
   * @param alpha α, the smoothing constant
   * @param eps ε, added outside the root
   * @param weightDecay λ (L2, added to the gradient)
   * @param momentum μ
   * @param centered centered variant
   * @param maximize maximize instead of minimize
   */
  public RefRmsProp(
      double lr,
      double alpha,
      double eps,
      double weightDecay,
      double momentum,
      boolean centered,
      boolean maximize) {
    this.lr = lr;
    this.alpha = alpha;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.momentum = momentum;
    this.centered = centered;
    this.maximize = maximize;
  }

  @Override
  public void step(List<double[]> params, List<double[]> grads) {
    if (squareAvg == null) {
      squareAvg = zeros(params);
      gradAvg = zeros(params);
      buffer = zeros(params);
    }
    for (int k = 0; k < params.size(); k++) {
      double[] p = params.get(k);
      double[] g = grads.get(k);
      double[] sq = squareAvg.get(k);
      double[] ga = gradAvg.get(k);
      double[] buf = buffer.get(k);
      for (int i = 0; i < p.length; i++) {
        double gi = maximize ? -g[i] : g[i];
        if (weightDecay != 0) {
          gi = gi + weightDecay * p[i];
        }
        sq[i] = alpha * sq[i] + (1 - alpha) * gi * gi;
        double avg;
        if (centered) {
          ga[i] = alpha * ga[i] + (1 - alpha) * gi;
          avg = Math.sqrt(sq[i] - ga[i] * ga[i]);
        } else {
          avg = Math.sqrt(sq[i]);
        }
        avg = avg + eps;
        if (momentum > 0) {
          buf[i] = momentum * buf[i] + gi / avg;
          p[i] = p[i] - lr * buf[i];
        } else {
          p[i] = p[i] - lr * gi / avg;
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
