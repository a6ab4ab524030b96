package dev.diffopt.examples;

import static dev.diffopt.examples.MamlSinusoidDemo.ADAPT_STEPS;
import static dev.diffopt.examples.MamlSinusoidDemo.PLOTTED_TASKS;
import static dev.diffopt.examples.MamlSinusoidDemo.SUPPORT;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The MAML demo's plot of held-out tasks ({@code maml-sinusoid.png}), one panel each: the true
 * sinusoid, the support points, and both models after {@value MamlSinusoidDemo#ADAPT_STEPS}
 * steps on the grid.
 */
final class AdaptationPlot {
  private AdaptationPlot() {}

  /**
   * Draws the first {@value MamlSinusoidDemo#PLOTTED_TASKS} tasks.
   *
   * @param maml the meta-learned model's grid predictions, one per plotted task
   * @param baseline the baseline's grid predictions
   */
  static void write(Path path, List<Sinusoid.Task> tasks, List<double[]> maml,
      List<double[]> baseline, String mamlName) throws IOException {
    int panelW = 560;
    int panelH = 400;
    int cols = 2;
    int rows = (PLOTTED_TASKS + cols - 1) / cols;
    BufferedImage image = Plots.image(cols * panelW, rows * panelH + Plots.LEGEND_HEIGHT);
    Graphics2D g = Plots.graphics(image);
    try {
      Color[] colors = {Plots.BLACK, Plots.RED, Plots.BLUE, Plots.GREEN};
      Plots.legend(g, colors, new String[] {"true function",
          mamlName + " after " + ADAPT_STEPS + " steps",
          "baseline after " + ADAPT_STEPS + " steps", SUPPORT + " support points"});
      double[] xg = MamlSinusoidDemo.grid();
      for (int t = 0; t < Math.min(PLOTTED_TASKS, tasks.size()); t++) {
        Sinusoid.Task task = tasks.get(t);
        Plots.Panel p = new Plots.Panel((t % cols) * panelW + 50,
            Plots.LEGEND_HEIGHT + (t / cols) * panelH + 30, panelW - 80, panelH - 70,
            Sinusoid.X_MIN, Sinusoid.X_MAX, -5.5, 5.5);
        g.setColor(new Color(0xDDDDDD));
        g.drawLine(p.x(0), p.top(), p.x(0), p.top() + p.h());
        g.drawLine(p.left(), p.y(0), p.left() + p.w(), p.y(0));
        p.frame(g);
        for (int v = -4; v <= 4; v += 2) {
          g.drawString(Integer.toString(v), p.left() - 24, p.y(v) + 5);
          g.drawString(Integer.toString(v), p.x(v) - 5, p.top() + p.h() + 16);
        }
        g.setColor(Color.BLACK);
        g.drawString(String.format(Locale.ROOT, "held-out task %d: A = %.2f, phase = %.2f", t + 1,
            task.amplitude(), task.phase()), p.left(), p.top() - 8);
        double[] truth = new double[xg.length];
        for (int i = 0; i < xg.length; i++) {
          truth[i] = task.at(xg[i]);
        }
        g.setStroke(new BasicStroke(2f));
        Plots.curve(g, p, xg, truth, colors[0]);
        Plots.curve(g, p, xg, maml.get(t), colors[1]);
        Plots.curve(g, p, xg, baseline.get(t), colors[2]);
        g.setColor(colors[3]);
        for (int i = 0; i < task.xs().length; i++) {
          g.fill(new Ellipse2D.Double(p.x(task.xs()[i]) - 5, p.y(task.ys()[i]) - 5, 10, 10));
        }
      }
    } finally {
      g.dispose();
    }
    Plots.write(image, path);
  }
}
