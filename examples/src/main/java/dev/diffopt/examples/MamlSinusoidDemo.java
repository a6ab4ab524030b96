package dev.diffopt.examples;

import dev.diffopt.Backends;
import dev.diffopt.distributed.LocalRuntime;
import dev.diffopt.distributed.TaskRuntime;
import dev.diffopt.spark.SparkRuntime;
import dev.diffopt.meta.MetaOptimizer;
import dev.diffopt.optim.Optimizers;
import dev.diffopt.spi.Backend;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.GradientTransformation;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The main demo: MAML on sinusoid regression (Finn, Abbeel and Levine, "Model-Agnostic
 * Meta-Learning for Fast Adaptation of Deep Networks", ICML 2017, §5.1), against a model pretrained
 * on the same tasks by ordinary regression.
 *
 * <p>Setup as in the paper: tasks {@code y = A·sin(x − φ)} ({@link Sinusoid}), the {@link Mlp}
 * 1-40-40-1 with ReLU in float32, 10 support and 10 query points per task, meta-batch 25, one
 * differentiable inner SGD step at lr 0.01 through a {@link MetaOptimizer} (second order; {@code
 * --first-order} for FOMAML), outer Adam at lr 1e-3. The baseline is the same network trained with
 * Adam 1e-3 on all 20 points of the same 25 tasks per iteration. On a staging backend ({@code
 * --backend tensorflow}) the meta-step, the baseline step and the test-time adaptation are each
 * traced once into a graph ({@link Backend#stage}).
 *
 * <p>Meta-test: 100 held-out tasks (fixed seed), each model fine-tuned with plain SGD at lr 0.01
 * on the task's 10 support points; the MSE on 100 evenly spaced points of [−5, 5] before
 * adaptation and after 1 and 10 steps, averaged over the tasks. The run fails (exit status 1)
 * unless MAML's MSE after 10 steps is at most half the baseline's. A plot of four held-out tasks
 * goes to {@code maml-sinusoid.png} ({@link AdaptationPlot}), the training curve (both losses per
 * iteration and their moving averages) next to it, to {@code maml-sinusoid-training.png} ({@link
 * TrainingCurvePlot}).
 *
 * <p>Usage: {@code MamlSinusoidDemo [--backend NAME] [--iterations N] [--meta-batch N]
 * [--inner-steps N] [--test-tasks N] [--seed N] [--first-order] [--plot PATH] [--workers N |
 * --spark MASTER]}. With {@code --workers N} the meta-gradient of each iteration is computed by N
 * local worker threads, each with its own backend instance and an even share of the tasks ({@link
 * dev.diffopt.distributed.LocalRuntime}); with {@code --spark MASTER} by the executors of a Spark
 * application ({@code local[2]}, or a standalone master on this machine: the executors get the
 * demo's class path). The outer update stays on the demo's backend.
 */
public final class MamlSinusoidDemo {
  static final int SUPPORT = 10;
  static final int QUERY = 10;
  static final double INNER_LR = 0.01;
  static final double META_LR = 1e-3;
  static final int ADAPT_STEPS = 10;
  static final int GRID = 100;
  static final long TEST_SEED = 20170309;
  static final int PLOTTED_TASKS = 4;
  /** MAML's MSE after {@value #ADAPT_STEPS} steps must be at most this fraction of the baseline's. */
  static final double REQUIRED_RATIO = 0.5;

  private MamlSinusoidDemo() {}

  /**
   * What to run.
   *
   * @param backend the backend's name
   * @param iterations meta-training iterations (and baseline iterations)
   * @param metaBatch tasks per iteration
   * @param innerSteps differentiable inner steps per task during meta-training
   * @param testTasks held-out tasks of the meta-test
   * @param seed seeds the initial parameters and the training tasks
   * @param firstOrder FOMAML instead of full second-order MAML
   * @param plot where the PNG of held-out tasks goes (the training curve goes next to it, see
   *     {@link #trainingPlot()})
   * @param workers local worker threads computing the meta-gradient (each with its own backend
   *     instance), or 0 to compute it on the demo's own backend
   * @param spark a Spark master URL ({@code local[2]}, {@code spark://host:7077}) whose executors
   *     compute the meta-gradient, or null
   */
  public record Config(String backend, int iterations, int metaBatch, int innerSteps,
      int testTasks, long seed, boolean firstOrder, Path plot, int workers, String spark) {
    /** The defaults: DJL, 5,000 iterations of 25 tasks, one inner step, 100 test tasks. */
    public static final Config DEFAULT =
        new Config("djl", 5000, 25, 1, 100, 1, false, Path.of("maml-sinusoid.png"), 0,
            null);

    /**
     * Parses the command line over {@link #DEFAULT}; blank arguments are ignored (an empty
     * {@code -Ddemo.args}).
     *
     * @param args the arguments
     * @return the configuration
     * @throws IllegalArgumentException for an unknown option or a bad value
     */
    public static Config parse(String... args) {
      Config c = DEFAULT;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.isBlank()) {
          continue;
        }
        if (a.equals("--first-order")) {
          c = new Config(c.backend, c.iterations, c.metaBatch, c.innerSteps, c.testTasks, c.seed,
              true, c.plot, c.workers, c.spark);
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value after " + a);
        }
        String v = args[++i];
        c = switch (a) {
          case "--backend" -> new Config(v, c.iterations, c.metaBatch, c.innerSteps, c.testTasks,
              c.seed, c.firstOrder, c.plot, c.workers, c.spark);
          case "--iterations" -> new Config(c.backend, positive(a, v), c.metaBatch, c.innerSteps,
              c.testTasks, c.seed, c.firstOrder, c.plot, c.workers, c.spark);
          case "--meta-batch" -> new Config(c.backend, c.iterations, positive(a, v), c.innerSteps,
              c.testTasks, c.seed, c.firstOrder, c.plot, c.workers, c.spark);
          case "--inner-steps" -> new Config(c.backend, c.iterations, c.metaBatch, positive(a, v),
              c.testTasks, c.seed, c.firstOrder, c.plot, c.workers, c.spark);
          case "--test-tasks" -> new Config(c.backend, c.iterations, c.metaBatch, c.innerSteps,
              Math.max(PLOTTED_TASKS, positive(a, v)), c.seed, c.firstOrder, c.plot, c.workers, c.spark);
          case "--seed" -> new Config(c.backend, c.iterations, c.metaBatch, c.innerSteps,
              c.testTasks, (long) positive(a, v), c.firstOrder, c.plot, c.workers, c.spark);
          case "--plot" -> new Config(c.backend, c.iterations, c.metaBatch, c.innerSteps,
              c.testTasks, c.seed, c.firstOrder, Path.of(v), c.workers, c.spark);
          case "--workers" -> new Config(c.backend, c.iterations, c.metaBatch, c.innerSteps,
              c.testTasks, c.seed, c.firstOrder, c.plot, positive(a, v), c.spark);
          case "--spark" -> new Config(c.backend, c.iterations, c.metaBatch, c.innerSteps,
              c.testTasks, c.seed, c.firstOrder, c.plot, c.workers, v);
          default -> throw new IllegalArgumentException("unknown option " + a);
        };
      }
      if (c.workers > 0 && c.spark != null) {
        throw new IllegalArgumentException("--workers and --spark exclude each other");
      }
      return c;
    }

    /**
     * Where the training curve goes: next to {@link #plot()}, its name ending in {@code
     * -training} ({@code maml-sinusoid-training.png} by default).
     *
     * @return the path
     */
    public Path trainingPlot() {
      return Plots.sibling(plot, "-training");
    }

    private static int positive(String name, String value) {
      try {
        int n = Integer.parseInt(value.replace("_", ""));
        if (n >= 1) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(name + " needs a positive integer, got '" + value + "'");
    }
  }

  /**
   * The meta-test: mean MSE over the held-out tasks before adaptation, after 1 and after {@value
   * #ADAPT_STEPS} steps.
   *
   * @param maml the meta-learned initialization's MSEs
   * @param baseline the pretrained baseline's MSEs
   * @param trainSeconds wall time of training (both models)
   * @param passed whether MAML after 10 steps is at most half the baseline
   */
  public record Result(double[] maml, double[] baseline, double trainSeconds, boolean passed) {}

  /**
   * Runs the demo.
   *
   * @param c what to run
   * @param out the report
   * @param progress where the progress bar goes
   * @return the meta-test figures
   * @throws IOException if the plot cannot be written
   */
  public static Result run(Config c, PrintStream out, PrintStream progress) throws IOException {
    Backend backend = Backends.get(c.backend());
    if (!backend.has(Capability.HIGHER_ORDER) && !c.firstOrder()) {
      throw new IllegalArgumentException("backend '" + backend.name() + "' lacks HIGHER_ORDER"
          + " for second-order MAML; use --first-order");
    }
    TensorOps ops = backend.ops();
    String mode = c.firstOrder() ? "first-order MAML (FOMAML)" : "MAML (second order)";
    out.printf(Locale.ROOT, "diffopt MAML sinusoid demo on backend %s%n", backend);
    out.printf(Locale.ROOT, "%s: MLP 1-40-40-1 ReLU float32, %d tasks x (%d support + %d query)"
            + " per iteration, %d inner SGD step(s) at lr %s via MetaOptimizer, outer Adam lr %s,"
            + " %d iterations%s%n", mode, c.metaBatch(), SUPPORT, QUERY, c.innerSteps(),
        INNER_LR, META_LR, c.iterations(), backend.has(Capability.STAGING) ? ", staged" : "");
    out.printf(Locale.ROOT, "baseline: the same MLP, Adam lr %s on all %d points of the same"
        + " tasks, %d iterations%n", META_LR, SUPPORT + QUERY, c.iterations());
    out.flush();

    GradientTransformation adam = Optimizers.adam(META_LR);
    TaskRuntime runtime = c.workers() > 0
        ? LocalRuntime.create(c.workers(), backend.name(), Map.of())
        : c.spark() != null ? SparkRuntime.connect(c.spark(), backend.name(), Map.of(),
            // executors on this machine find the demo's classes where it found them
            Map.of("spark.executor.extraClassPath", System.getProperty("java.class.path")))
        : null;
    if (runtime != null) {
      out.printf(Locale.ROOT, "meta-gradients: %s, the tasks split evenly between the workers%n",
          runtime);
    }
    Function<Map<String, Object>, Map<String, Object>> metaStep = runtime != null
        ? Maml.distributedMetaStep(backend, runtime, c.innerSteps(), INNER_LR, c.firstOrder(),
            adam)
        : backend.stage(Maml.vectorizedMetaStep(backend, c.innerSteps(), INNER_LR,
            c.firstOrder(), adam));
    Function<Map<String, Object>, Map<String, Object>> regressionStep =
        backend.stage(Maml.regressionStep(backend, adam));
    Function<Map<String, Object>, Map<String, Object>> adapt = backend.stage(adaptation(backend));
    List<double[]> init = Mlp.initialParams(c.seed());
    SplittableRandom random = new SplittableRandom(c.seed());
    List<Sinusoid.Task> test = Sinusoid.sample(c.testTasks(), SUPPORT, 0, TEST_SEED);

    try (TaskRuntime workers = runtime;
        Scope all = backend.scope();
        Maml.Learner maml = new Maml.Learner(backend, metaStep, Mlp.tensors(ops, init), adam);
        Maml.Learner base =
            new Maml.Learner(backend, regressionStep, Mlp.tensors(ops, init), adam)) {
      long t0 = System.nanoTime();
      Progress bar = new Progress(progress, c.iterations());
      TrainingCurve curve = new TrainingCurve();
      for (int it = 1; it <= c.iterations(); it++) {
        try (Scope step = backend.scope()) {
          List<Sinusoid.Task> tasks = Sinusoid.sample(random, c.metaBatch(), SUPPORT, QUERY);
          double metaLoss = maml.step(runtime != null ? tasks : Maml.stacked(ops, tasks));
          double baseLoss = base.step(Maml.pooled(ops, tasks));
          if (!Double.isFinite(metaLoss) || !Double.isFinite(baseLoss)) {
            throw new IllegalStateException("training diverged at iteration " + it
                + ": meta-loss " + metaLoss + ", baseline loss " + baseLoss);
          }
          curve.add(metaLoss, baseLoss);
          bar.update(it, curve, System.nanoTime() - t0);
        }
      }
      double trainSeconds = (System.nanoTime() - t0) / 1e9;
      out.printf(Locale.ROOT, "meta-training: %.1f s (%.1f ms per iteration, both models)%n",
          trainSeconds, trainSeconds * 1e3 / c.iterations());

      long t1 = System.nanoTime();
      MetaTest mamlTest = metaTest(backend, adapt, maml.params(), test);
      MetaTest baseTest = metaTest(backend, adapt, base.params(), test);
      out.printf(Locale.ROOT, "meta-test: %.1f s%n%n", (System.nanoTime() - t1) / 1e9);

      double[] m = mamlTest.table();
      double[] b = baseTest.table();
      out.printf(Locale.ROOT, "meta-test on %d held-out tasks (seed %d): %d support points, SGD lr"
          + " %s, MSE on %d points of [-5, 5]%n", c.testTasks(), TEST_SEED, SUPPORT, INNER_LR, GRID);
      out.printf(Locale.ROOT, "%-30s %10s %10s %10s%n", "model", "before", "1 step",
          ADAPT_STEPS + " steps");
      out.printf(Locale.ROOT, "%-30s %10.3f %10.3f %10.3f%n", c.firstOrder() ? "FOMAML" : "MAML",
          m[0], m[1], m[2]);
      out.printf(Locale.ROOT, "%-30s %10.3f %10.3f %10.3f%n", "baseline (joint regression)",
          b[0], b[1], b[2]);

      String name = c.firstOrder() ? "FOMAML" : "MAML";
      AdaptationPlot.write(c.plot(), test, mamlTest.predictions, baseTest.predictions, name);
      TrainingCurvePlot.write(c.trainingPlot(), curve, name);
      out.printf(Locale.ROOT, "%nplot of %d held-out tasks: %s%n", PLOTTED_TASKS,
          c.plot().toAbsolutePath());
      out.printf(Locale.ROOT, "training curve: %s%n", c.trainingPlot().toAbsolutePath());

      boolean finite = true;
      for (double v : m) {
        finite &= Double.isFinite(v);
      }
      for (double v : b) {
        finite &= Double.isFinite(v);
      }
      boolean passed = finite && m[2] <= REQUIRED_RATIO * b[2];
      out.printf(Locale.ROOT, "check: MAML after %d steps %.3f vs baseline %.3f, ratio %.2f"
              + " (required <= %.2f): %s%n", ADAPT_STEPS, m[2], b[2], m[2] / b[2], REQUIRED_RATIO,
          passed ? "ok" : "FAILED, " + (finite ? "MAML does not beat the baseline by 2x"
              + " (more --iterations?)" : "non-finite MSE"));
      return new Result(m, b, trainSeconds, passed);
    }
  }

  /** Per held-out task the MSE after 0..10 steps; the grid predictions of the plotted tasks. */
  private record MetaTest(double[][] mse, List<double[]> predictions) {
    /** Mean MSE over the tasks before adaptation, after 1 step and after 10. */
    double[] table() {
      double[] t = new double[3];
      for (double[] row : mse) {
        t[0] += row[0] / mse.length;
        t[1] += row[1] / mse.length;
        t[2] += row[ADAPT_STEPS] / mse.length;
      }
      return t;
    }
  }

  /** The grid inputs: {@value #GRID} evenly spaced points of [−5, 5]. */
  static double[] grid() {
    double[] x = new double[GRID];
    for (int i = 0; i < GRID; i++) {
      x[i] = Sinusoid.X_MIN + (Sinusoid.X_MAX - Sinusoid.X_MIN) * i / (GRID - 1);
    }
    return x;
  }

  /**
   * Test-time adaptation as a pure function (staged on TensorFlow): input {@code {"params",
   * "task": {xs, ys, xg, yg}}}, output {@code {"mse": [MSE on the grid after 0..10 steps],
   * "prediction": the grid prediction after 10 steps}}. Plain SGD: a first-order {@link
   * MetaOptimizer} keeps no graph of its gradients, and nothing differentiates through it here.
   */
  private static Function<Map<String, Object>, Map<String, Object>> adaptation(Backend backend) {
    TensorOps ops = backend.ops();
    GradientTransformation sgd = Optimizers.sgd(INNER_LR);
    return in -> {
      @SuppressWarnings("unchecked")
      List<Tensor> params = (List<Tensor>) in.get("params");
      @SuppressWarnings("unchecked")
      Map<String, Tensor> task = (Map<String, Tensor>) in.get("task");
      MetaOptimizer<List<Tensor>> sgdSteps = MetaOptimizer.firstOrder(backend, sgd, params);
      List<Tensor> mse = new ArrayList<>();
      mse.add(Mlp.loss(ops, params, task.get("xg"), task.get("yg")));
      for (int k = 0; k < ADAPT_STEPS; k++) {
        List<Tensor> p = sgdSteps.step(q -> Mlp.loss(ops, q, task.get("xs"), task.get("ys")));
        mse.add(Mlp.loss(ops, p, task.get("xg"), task.get("yg")));
      }
      return Map.of("mse", mse,
          "prediction", Mlp.forward(ops, sgdSteps.params(), task.get("xg")));
    };
  }

  private static MetaTest metaTest(Backend backend,
      Function<Map<String, Object>, Map<String, Object>> adapt, List<Tensor> params,
      List<Sinusoid.Task> tasks) {
    TensorOps ops = backend.ops();
    double[] xg = grid();
    double[][] mse = new double[tasks.size()][];
    List<double[]> predictions = new ArrayList<>();
    for (int t = 0; t < tasks.size(); t++) {
      Sinusoid.Task task = tasks.get(t);
      double[] yg = new double[GRID];
      for (int i = 0; i < GRID; i++) {
        yg[i] = task.at(xg[i]);
      }
      try (Scope scope = backend.scope()) {
        Map<String, Object> out = adapt.apply(Map.of("params", params, "task", Map.of(
            "xs", Mlp.column(ops, task.xs()), "ys", Mlp.column(ops, task.ys()),
            "xg", Mlp.column(ops, xg), "yg", Mlp.column(ops, yg))));
        @SuppressWarnings("unchecked")
        List<Tensor> curve = (List<Tensor>) out.get("mse");
        mse[t] = new double[curve.size()];
        for (int k = 0; k < curve.size(); k++) {
          mse[t][k] = curve.get(k).item();
        }
        if (t < PLOTTED_TASKS) {
          predictions.add(((Tensor) out.get("prediction")).toDoubleArray());
        }
      }
    }
    return new MetaTest(mse, predictions);
  }

  /** A one-line progress bar: redrawn in place on a terminal, every 10% as a new line otherwise. */
  private static final class Progress {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final int total;
    private final boolean terminal = System.console() != null;
    private long lastDraw;

    Progress(PrintStream out, int total) {
      this.out = out;
      this.total = total;
    }

    /** Shows the moving averages of {@code curve} after iteration {@code done}. */
    void update(int done, TrainingCurve curve, long elapsedNanos) {
      boolean last = done == total;
      boolean draw = terminal
          ? last || elapsedNanos - lastDraw > 200_000_000L
          : last || done % Math.max(1, total / 10) == 0;
      if (!draw) {
        return;
      }
      lastDraw = elapsedNanos;
      int filled = (int) ((long) WIDTH * done / total);
      double seconds = elapsedNanos / 1e9;
      String line = String.format(Locale.ROOT, "[%s%s] %d/%d meta-loss %.3f baseline loss %.3f"
              + " %.0fs (eta %.0fs)", "#".repeat(filled), ".".repeat(WIDTH - filled), done, total,
          curve.lastMetaAverage(), curve.lastBaselineAverage(), seconds,
          seconds / done * (total - done));
      out.print(terminal ? "\r" + line + (last ? "\n" : "") : line + "\n");
      out.flush();
    }
  }

  /**
   * Entry point; see the class documentation for options. Exits with status 1 if MAML does not
   * beat the baseline by the required factor, 2 on a usage error.
   *
   * @param args the options
   * @throws IOException if the plot cannot be written
   */
  public static void main(String[] args) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Config config;
    try {
      config = Config.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("usage: MamlSinusoidDemo [--backend NAME] [--iterations N]"
          + " [--meta-batch N] [--inner-steps N] [--test-tasks N] [--seed N] [--first-order]"
          + " [--plot PATH] [--workers N | --spark MASTER]: " + e.getMessage());
      System.exit(2);
      return;
    }
    long t0 = System.nanoTime();
    Result result = run(config, System.out, System.err);
    System.out.printf(Locale.ROOT, "total %.1f s%n", (System.nanoTime() - t0) / 1e9);
    System.out.flush();
    System.exit(result.passed() ? 0 : 1);
  }
}
