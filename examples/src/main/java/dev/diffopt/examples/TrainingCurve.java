package dev.diffopt.examples;

import java.util.Arrays;

/**
 * The per-iteration losses of the MAML demo's two models (the meta-loss and the baseline's
 * regression loss), with their exponential moving averages: single meta-batches are noisy. The
 * progress bar prints the latest averages; {@link TrainingCurvePlot} draws the whole curve.
 */
final class TrainingCurve {
  /** Weight of the previous average in each update of the moving averages. */
  static final double SMOOTHING = 0.98;

  private double[] meta = new double[64];
  private double[] baseline = new double[64];
  private double[] metaAverage = new double[64];
  private double[] baselineAverage = new double[64];
  private int size;

  /** Records the next iteration's losses. */
  void add(double metaLoss, double baselineLoss) {
    if (size == meta.length) {
      int n = 2 * size;
      meta = Arrays.copyOf(meta, n);
      baseline = Arrays.copyOf(baseline, n);
      metaAverage = Arrays.copyOf(metaAverage, n);
      baselineAverage = Arrays.copyOf(baselineAverage, n);
    }
    meta[size] = metaLoss;
    baseline[size] = baselineLoss;
    metaAverage[size] = size == 0 ? metaLoss : average(metaAverage[size - 1], metaLoss);
    baselineAverage[size] =
        size == 0 ? baselineLoss : average(baselineAverage[size - 1], baselineLoss);
    size++;
  }

  private static double average(double previous, double value) {
    return SMOOTHING * previous + (1 - SMOOTHING) * value;
  }

  /** The number of iterations recorded. */
  int size() {
    return size;
  }

  /** The meta-losses, one per iteration. */
  double[] meta() {
    return Arrays.copyOf(meta, size);
  }

  /** The baseline's losses, one per iteration. */
  double[] baseline() {
    return Arrays.copyOf(baseline, size);
  }

  /** The moving average of the meta-loss after each iteration. */
  double[] metaAverage() {
    return Arrays.copyOf(metaAverage, size);
  }

  /** The moving average of the baseline's loss after each iteration. */
  double[] baselineAverage() {
    return Arrays.copyOf(baselineAverage, size);
  }

  /** The latest moving average of the meta-loss (NaN before the first iteration). */
  double lastMetaAverage() {
    return size == 0 ? Double.NaN : metaAverage[size - 1];
  }

  /** The latest moving average of the baseline's loss (NaN before the first iteration). */
  double lastBaselineAverage() {
    return size == 0 ? Double.NaN : baselineAverage[size - 1];
  }
}
