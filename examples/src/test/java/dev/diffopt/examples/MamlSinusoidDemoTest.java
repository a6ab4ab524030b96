package dev.diffopt.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.Backends;
import dev.diffopt.distributed.LocalRuntime;
import dev.diffopt.optim.Optimizers;
import dev.diffopt.spi.Backend;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.transform.GradientTransformation;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MamlSinusoidDemoTest {
  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  private static MamlSinusoidDemo.Result shortRun(Path plot, String... extra) throws IOException {
    String[] base = {"--iterations", "40", "--meta-batch", "5", "--test-tasks", "8", "--plot",
        plot.toString()};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    MamlSinusoidDemo.Result result;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      result = MamlSinusoidDemo.run(MamlSinusoidDemo.Config.parse(args), out, out);
    }
    String output = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(output.contains("40/40 meta-loss"), output);
    assertTrue(output.contains("baseline (joint regression)"), output);
    for (double[] row : List.of(result.maml(), result.baseline())) {
      assertEquals(3, row.length);
      for (double v : row) {
        assertTrue(Double.isFinite(v) && v > 0, output);
      }
    }
    assertTrue(result.maml()[2] < result.maml()[0],
        "10 adaptation steps must improve on the meta-learned initialization\n" + output);
    BufferedImage image = ImageIO.read(plot.toFile());
    assertNotNull(image, "not a readable image: " + plot);
    assertTrue(image.getWidth() >= 800 && image.getHeight() >= 600, image.toString());
    Path training = Plots.sibling(plot, "-training");
    assertTrue(output.contains("training curve: " + training.toAbsolutePath()), output);
    BufferedImage curve = ImageIO.read(training.toFile());
    assertNotNull(curve, "not a readable image: " + training);
    assertTrue(curve.getWidth() >= 800 && curve.getHeight() >= 400, curve.toString());
    assertTrue(pixels(curve, Plots.RED) > 100, "the meta-loss average is drawn");
    assertTrue(pixels(curve, Plots.BLUE) > 100, "the baseline's average is drawn");
    return result;
  }

  /** How many pixels of {@code image} have exactly this color. */
  private static int pixels(BufferedImage image, java.awt.Color color) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        n += (image.getRGB(x, y) & 0xFFFFFF) == (color.getRGB() & 0xFFFFFF) ? 1 : 0;
      }
    }
    return n;
  }

  @Test
  void theTrainingCurveGoesNextToThePlot() {
    assertEquals(Path.of("maml-sinusoid-training.png"),
        MamlSinusoidDemo.Config.DEFAULT.trainingPlot());
    assertEquals(Path.of("plots/maml-training.png"),
        MamlSinusoidDemo.Config.parse("--plot", "plots/maml.png").trainingPlot());
    assertEquals(Path.of("out/curves-training.png"),
        MamlSinusoidDemo.Config.parse("--plot", "out/curves").trainingPlot());
  }

  @Test
  void theTrainingCurveKeepsMovingAverages() {
    TrainingCurve curve = new TrainingCurve();
    assertTrue(Double.isNaN(curve.lastMetaAverage()));
    for (int i = 0; i < 1000; i++) {
      curve.add(i % 2 == 0 ? 1 : 3, 2);
    }
    assertEquals(1000, curve.size());
    assertEquals(3, curve.meta()[999]);
    assertEquals(1, curve.metaAverage()[0]);
    assertEquals(TrainingCurve.SMOOTHING + (1 - TrainingCurve.SMOOTHING) * 3,
        curve.metaAverage()[1], 1e-15);
    assertEquals(2, curve.lastMetaAverage(), 0.05, "averages the alternating losses");
    assertEquals(2, curve.lastBaselineAverage(), 1e-12);
  }

  @Test
  void aShortRunOnDjlGoesEndToEnd(@TempDir Path dir) throws IOException {
    shortRun(dir.resolve("plots/maml.png"));
  }

  @Test
  void aShortRunOnTensorflowGoesEndToEnd(@TempDir Path dir) throws IOException {
    shortRun(dir.resolve("maml-tf.png"), "--backend", "tensorflow");
  }

  @Test
  void aShortRunWithTwoLocalWorkersGoesEndToEnd(@TempDir Path dir) throws IOException {
    shortRun(dir.resolve("maml-workers.png"), "--workers", "2");
  }

  @Test
  void aShortRunOnSparkLocalGoesEndToEnd(@TempDir Path dir) throws IOException {
    shortRun(dir.resolve("maml-spark.png"), "--spark", "local[2]");
  }

  /** The demo's step with the meta-gradient from 1, 2 or 3 local workers equals its own step. */
  @ParameterizedTest
  @ValueSource(strings = {"djl", "tensorflow"})
  void theDistributedMetaStepEqualsTheVectorizedOne(String name) {
    Backend backend = Backends.get(name);
    GradientTransformation adam = Optimizers.adam(1e-3);
    List<Sinusoid.Task> tasks = Sinusoid.sample(5, 10, 10, 13);
    try (Scope scope = backend.scope()) {
      List<Tensor> params = Mlp.tensors(backend.ops(), Mlp.initialParams(7));
      Object state = adam.init(params);
      Map<String, Object> single = backend.stage(
          Maml.vectorizedMetaStep(backend, 2, 0.01, false, adam))
          .apply(Map.of("params", params, "state", state,
              "tasks", Maml.stacked(backend.ops(), tasks)));
      for (int workers = 1; workers <= 3; workers++) {
        try (LocalRuntime runtime = LocalRuntime.create(workers, name, Map.of())) {
          Map<String, Object> spread = Maml.distributedMetaStep(backend, runtime, 2, 0.01, false,
              adam).apply(Map.of("params", params, "state", state, "tasks", tasks));
          double a = ((Tensor) single.get("loss")).item();
          assertEquals(a, ((Tensor) spread.get("loss")).item(), 1e-5 * Math.abs(a));
          @SuppressWarnings("unchecked")
          List<Tensor> ga = (List<Tensor>) single.get("grad");
          @SuppressWarnings("unchecked")
          List<Tensor> gb = (List<Tensor>) spread.get("grad");
          for (int i = 0; i < ga.size(); i++) {
            double[] x = ga.get(i).toDoubleArray();
            double[] y = gb.get(i).toDoubleArray();
            for (int k = 0; k < x.length; k++) {
              assertEquals(x[k], y[k], 1e-5 * (1e-2 + Math.abs(x[k])),
                  workers + " workers, tensor " + i + " element " + k);
            }
          }
        }
      }
    }
  }

  @Test
  void parsesOptions() {
    MamlSinusoidDemo.Config c = MamlSinusoidDemo.Config.parse("", "--backend", "tensorflow",
        "--iterations", "12", "--seed", "3", "--first-order", "--plot", "x.png");
    assertEquals("tensorflow", c.backend());
    assertEquals(12, c.iterations());
    assertEquals(3, c.seed());
    assertTrue(c.firstOrder());
    assertEquals(Path.of("x.png"), c.plot());
    assertEquals(0, c.workers());
    assertEquals(2, MamlSinusoidDemo.Config.parse("--workers", "2").workers());
    assertEquals("local[2]", MamlSinusoidDemo.Config.parse("--spark", "local[2]").spark());
    assertThrows(IllegalArgumentException.class,
        () -> MamlSinusoidDemo.Config.parse("--workers", "2", "--spark", "local[2]"));
    assertEquals(MamlSinusoidDemo.Config.DEFAULT, MamlSinusoidDemo.Config.parse());
    assertThrows(IllegalArgumentException.class,
        () -> MamlSinusoidDemo.Config.parse("--iterations", "0"));
    assertThrows(IllegalArgumentException.class, () -> MamlSinusoidDemo.Config.parse("--nope"));
  }

  /** The vectorized meta-step the demo trains with equals the per-task loop, on both backends. */
  @ParameterizedTest
  @ValueSource(strings = {"djl", "tensorflow"})
  void theVectorizedMetaStepEqualsThePerTaskLoop(String name) {
    Backend backend = Backends.get(name);
    GradientTransformation adam = Optimizers.adam(1e-3);
    List<Sinusoid.Task> tasks = Sinusoid.sample(4, 10, 10, 11);
    for (boolean firstOrder : new boolean[] {false, true}) {
      try (Scope scope = backend.scope()) {
        List<Tensor> params = Mlp.tensors(backend.ops(), Mlp.initialParams(5));
        Object state = adam.init(params);
        Map<String, Object> loop = Maml.metaStep(backend, 2, 0.01, firstOrder, adam)
            .apply(Map.of("params", params, "state", state,
                "tasks", Maml.taskTensors(backend.ops(), tasks)));
        Map<String, Object> vectorized = backend.stage(
            Maml.vectorizedMetaStep(backend, 2, 0.01, firstOrder, adam))
            .apply(Map.of("params", params, "state", state,
                "tasks", Maml.stacked(backend.ops(), tasks)));
        double a = ((Tensor) loop.get("loss")).item();
        assertEquals(a, ((Tensor) vectorized.get("loss")).item(), 1e-4 * Math.abs(a));
        @SuppressWarnings("unchecked")
        List<Tensor> ga = (List<Tensor>) loop.get("grad");
        @SuppressWarnings("unchecked")
        List<Tensor> gb = (List<Tensor>) vectorized.get("grad");
        double max = 0;
        double err = 0;
        for (int i = 0; i < ga.size(); i++) {
          double[] x = ga.get(i).toDoubleArray();
          double[] y = gb.get(i).toDoubleArray();
          for (int k = 0; k < x.length; k++) {
            max = Math.max(max, Math.abs(x[k]));
            err = Math.max(err, Math.abs(x[k] - y[k]));
          }
        }
        assertTrue(max > 0 && err <= 1e-4 * max, "meta-gradients differ by " + err + " (max "
            + max + "), first order " + firstOrder);
      }
    }
  }
}
