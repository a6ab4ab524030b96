package dev.diffopt.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;

/**
 * The MAML demo's training curve ({@code maml-sinusoid-training.png}): per iteration the
 * meta-loss and the baseline's loss (thin, light) and their moving averages ({@link
 * TrainingCurve}, bold), on a logarithmic loss axis.
 */
final class TrainingCurvePlot {
  private static final int WIDTH = 1120;
  private static final int HEIGHT = 560;

  private TrainingCurvePlot() {}

  /** Draws {@code curve} (at least one iteration) to {@code path}. */
  static void write(Path path, TrainingCurve curve, String mamlName) throws IOException {
    double[] xs = new double[curve.size()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = i + 1;
    }
    double[][] series = {log10(curve.meta()), log10(curve.baseline()),
        log10(curve.metaAverage()), log10(curve.baselineAverage())};
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double[] s : series) {
      for (double v : s) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    int kMin = Double.isFinite(lo) ? (int) Math.floor(lo) : -3;
    int kMax = Double.isFinite(hi) ? Math.max(kMin + 1, (int) Math.ceil(hi)) : 0;
    Plots.Panel p = new Plots.Panel(80, Plots.LEGEND_HEIGHT + 30, WIDTH - 120,
        HEIGHT - Plots.LEGEND_HEIGHT - 100, 1, Math.max(2, xs.length), kMin, kMax);
    BufferedImage image = Plots.image(WIDTH, HEIGHT);
    Graphics2D g = Plots.graphics(image);
    try {
      Color metaLight = new Color(0xD6, 0x27, 0x28, 70);
      Color baseLight = new Color(0x1F, 0x77, 0xB4, 70);
      Plots.legend(g, new Color[] {metaLight, Plots.RED, baseLight, Plots.BLUE},
          new String[] {mamlName + " meta-loss", "moving average", "baseline loss",
              "moving average"});
      axes(g, p, kMin, kMax, xs.length);
      g.setColor(Color.BLACK);
      g.drawString("meta-training: loss per iteration (query MSE after adaptation for "
          + mamlName + ", MSE on all points for the baseline), log scale", p.left(), p.top() - 10);
      g.setStroke(new BasicStroke(1f));
      Plots.curve(g, p, xs, series[0], metaLight);
      Plots.curve(g, p, xs, series[1], baseLight);
      g.setStroke(new BasicStroke(2.5f));
      Plots.curve(g, p, xs, series[2], Plots.RED);
      Plots.curve(g, p, xs, series[3], Plots.BLUE);
    } finally {
      g.dispose();
    }
    Plots.write(image, path);
  }

  /** The frame, loss ticks at 1, 2, 5 times each power of ten, iteration ticks at a round step. */
  private static void axes(Graphics2D g, Plots.Panel p, int kMin, int kMax, int iterations) {
    p.frame(g);
    for (int k = kMin; k <= kMax; k++) {
      for (int m : kMax - kMin <= 2 ? new int[] {1, 2, 5} : new int[] {1}) {
        double v = Math.log10(m) + k;
        if (v > kMax) {
          continue;
        }
        int y = p.y(v);
        g.setColor(new Color(0xEEEEEE));
        g.drawLine(p.left() + 1, y, p.left() + p.w() - 1, y);
        g.setColor(Color.GRAY);
        String label = new BigDecimal(m + "E" + k).stripTrailingZeros().toPlainString();
        g.drawString(label, p.left() - 8 - g.getFontMetrics().stringWidth(label), y + 5);
      }
    }
    // the first of 1, 2, 5, 10, 20, 50, ... that gives at most six ticks
    long step = 1;
    long decade = 1;
    for (int i = 0; step * 6 < iterations; i++) {
      step = decade * new long[] {2, 5, 10}[i % 3];
      if (i % 3 == 2) {
        decade *= 10;
      }
    }
    for (long it = step; it <= iterations; it += step) {
      String label = Long.toString(it);
      g.drawString(label, p.x(it) - g.getFontMetrics().stringWidth(label) / 2,
          p.top() + p.h() + 18);
    }
    g.drawString("iteration", p.left() + p.w() / 2 - 30, p.top() + p.h() + 40);
  }

  private static double[] log10(double[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      // a loss of 0 (or below) goes to the bottom of the axis
      out[i] = values[i] > 0 ? Math.log10(values[i]) : Double.NEGATIVE_INFINITY;
    }
    return out;
  }
}
