package dev.diffopt.conformance.reference.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code torch.optim.Adagrad} in float64, written from its documented algorithm:
 *
 * <pre>
 *   state_sum₀ = initial_accumulator_value
 *   for t = 1, 2, …:
 *     g = −g if maximize
 *     clr = lr / (1 + (t − 1)·lr_decay)
 *     g = g + weight_decay·θ               (if weight_decay ≠ 0)
 *     state_sum = state_sum + g²
 *     θ = θ − clr·g / (sqrt(state_sum) + eps)
 * </pre>
 */
public final class RefAdagrad implements RefOptimizer {
  private final double lr;
  private final double lrDecay;
  private final double weightDecay;
  private final double initialAccumulatorValue;
  private final double eps;
  private final boolean maximize;
  private final List<double[]> sums = new ArrayList<>();
  private long t;

  /**
   * The reference with torch's options.
   *
   * @param lr lr
   * @param lrDecay lr_decay
   * @param weightDecay weight_decay
   * @param initialAccumulatorValue initial_accumulator_value
   * @param eps eps
   * @param maximize maximize
   */
  public RefAdagrad(
      double lr,
      double lrDecay,
      double weightDecay,
      double initialAccumulatorValue,
      double eps,
      boolean maximize) {
    this.lr = lr;
    this.lrDecay = lrDecay;
    this.weightDecay = weightDecay;
    this.initialAccumulatorValue = initialAccumulatorValue;
    this.eps = eps;
    this.maximize = maximize;
  }

  @Override
  public void step(List<double[]> params, List<double[]> grads) {
    t++;
    if (sums.isEmpty()) {
      for (double[] p : params) {
        double[] s = new double[p.length];
        Arrays.fill(s, initialAccumulatorValue);
        sums.add(s);
      }
    }
    double clr = lr / (1 + (t - 1) * lrDecay);
    for (int k = 0; k < params.size(); k++) {
      double[] p = params.get(k);
      double[] gk = grads.get(k);
      double[] sum = sums.get(k);
      for (int i = 0; i < p.length; i++) {
        double g = maximize ? -gk[i] : gk[i];
        if (weightDecay != 0) {
          g += weightDecay * p[i];
        }
        sum[i] += g * g;
        p[i] -= clr * g / (Math.sqrt(sum[i]) + eps);
      }
    }
  }
}
