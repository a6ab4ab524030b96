package dev.diffopt.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** The few drawing helpers the demo's PNG plots share (java.awt, no plotting library). */
final class Plots {
  /** The colors of the true function, the meta-learned model, the baseline and the points. */
  static final Color BLACK = Color.BLACK;
  static final Color RED = new Color(0xD62728);
  static final Color BLUE = new Color(0x1F77B4);
  static final Color GREEN = new Color(0x2CA02C);
  /** Height of the legend strip at the top of a plot. */
  static final int LEGEND_HEIGHT = 40;

  private Plots() {}

  /**
   * A plot area: data x ∈ [xMin, xMax] and y ∈ [yMin, yMax] mapped to a pixel rectangle (y
   * upwards, clamped to the range).
   */
  record Panel(int left, int top, int w, int h, double xMin, double xMax, double yMin,
      double yMax) {
    int x(double v) {
      return left + (int) Math.round((v - xMin) / (xMax - xMin) * w);
    }

    int y(double v) {
      double c = Math.max(yMin, Math.min(yMax, v));
      return top + (int) Math.round((yMax - c) / (yMax - yMin) * h);
    }

    /** The grey one-pixel frame around the area. */
    void frame(Graphics2D g) {
      g.setColor(Color.GRAY);
      g.setStroke(new BasicStroke(1f));
      g.drawRect(left, top, w, h);
    }
  }

  /** A white RGB image of this size. */
  static BufferedImage image(int width, int height) {
    return new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
  }

  /** Graphics for {@code image}: cleared to white, antialiased, a 14-point sans-serif font. */
  static Graphics2D graphics(BufferedImage image) {
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    return g;
  }

  /** A one-line legend in the top strip: a color swatch before each label. */
  static void legend(Graphics2D g, Color[] colors, String[] labels) {
    int lx = 20;
    for (int i = 0; i < labels.length; i++) {
      g.setColor(colors[i]);
      g.fillRect(lx, 16, 24, 4);
      g.setColor(Color.BLACK);
      g.drawString(labels[i], lx + 30, 24);
      lx += 40 + g.getFontMetrics().stringWidth(labels[i]);
    }
  }

  /** The polyline through {@code (xs[i], ys[i])} in {@code color}, with the current stroke. */
  static void curve(Graphics2D g, Panel p, double[] xs, double[] ys, Color color) {
    Path2D.Double path = new Path2D.Double();
    for (int i = 0; i < xs.length; i++) {
      if (i == 0) {
        path.moveTo(p.x(xs[i]), p.y(ys[i]));
      } else {
        path.lineTo(p.x(xs[i]), p.y(ys[i]));
      }
    }
    g.setColor(color);
    g.draw(path);
  }

  /** Writes {@code image} as a PNG, creating the parent folders. */
  static void write(BufferedImage image, Path path) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (!ImageIO.write(image, "png", path.toFile())) {
      throw new IOException("no PNG writer for " + path);
    }
  }

  /**
   * A file next to {@code path} whose name has {@code suffix} before the extension: {@code
   * plots/maml.png} with {@code -training} is {@code plots/maml-training.png}.
   */
  static Path sibling(Path path, String suffix) {
    String name = path.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String sibling = dot > 0 ? name.substring(0, dot) + suffix + name.substring(dot)
        : name + suffix + ".png";
    return path.resolveSibling(sibling);
  }
}
