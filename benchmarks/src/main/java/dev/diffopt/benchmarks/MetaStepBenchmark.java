package dev.diffopt.benchmarks;

import dev.diffopt.Backends;
import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.autodiff.ValueAndGrad;
import dev.diffopt.spi.Backend;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensorflow.StagedFunction;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * One MAML meta-step on sinusoid regression, the same function on two backends side by side in one
 * run: staged into a TensorFlow graph ({@code backend.stage(step)} on backend-tensorflow, traced
 * once and re-run with feeds) and eager on backend-djl (where {@code stage} returns the function
 * itself).
 *
 * <p>The model is an MLP 1-40-40-1 with ReLU in float32, parameters {@code [W1, b1, W2, b2, W3,
 * b3]} with {@code W} of shape {@code in × out}. A task is {@code y = A·sin(x − φ)} with {@code A ∈
 * [0.1, 5]}, {@code φ ∈ [0, π]} and {@code x ∈ [−5, 5]}, with {@value #SUPPORT} support and
 * {@value #QUERY} query points; the tasks are drawn once, seeded, and fed as tensors. One step is
 * the function {@code {params, tasks} → {params, loss, grad}}:
 *
 * <ol>
 *   <li>per task, {@code innerSteps} unrolled differentiable SGD steps on the support MSE
 *       ({@code p ← p − 0.01·∇p}, with {@code createGraph = true});
 *   <li>the query MSE of the adapted parameters;
 *   <li>the meta-loss, the mean query MSE over the tasks, and its gradient with respect to the
 *       meta-parameters (through the inner steps: second order);
 *   <li>the outer SGD update {@code θ ← θ − 0.001·∇θ}.
 * </ol>
 *
 * <p>Before timing, one step from the same initial meta-parameters (made on each backend from the
 * same doubles) must give the same meta-loss, meta-gradient and new meta-parameters on both
 * backends within float32 tolerance. Each timed step runs in its own {@link Scope} and keeps only
 * the new meta-parameters, which the next step of that backend starts from.
 */
public final class MetaStepBenchmark {
  /** The layer sizes of the MLP. */
  static final int[] LAYERS = {1, 40, 40, 1};
  /** Support points per task. */
  static final int SUPPORT = 10;
  /** Query points per task. */
  static final int QUERY = 10;
  static final double INNER_LR = 0.01;
  static final double META_LR = 0.001;
  static final double AMPLITUDE_MIN = 0.1;
  static final double AMPLITUDE_MAX = 5;
  static final double X_MIN = -5;
  static final double X_MAX = 5;
  static final long TASK_SEED = 2024;
  static final long INIT_SEED = 7;
  /** New meta-parameters and meta-loss: {@code |a − b| ≤ ATOL + RTOL·|b|} (float32). */
  static final double RTOL = 1e-4;
  static final double ATOL = 1e-5;
  /** Meta-gradient: {@code max |a − b| ≤ GRAD_RTOL · max |b|} (second order through float32). */
  static final double GRAD_RTOL = 1e-4;

  private MetaStepBenchmark() {}

  /**
   * What to run.
   *
   * @param tasks the meta-batch: tasks per meta-step
   * @param innerSteps unrolled inner SGD steps per task
   * @param warmup untimed rounds first
   * @param rounds timed rounds (each runs one meta-step on each backend)
   */
  public record Config(int tasks, int innerSteps, int warmup, int rounds) {
    /** 25 tasks, 5 inner steps; 5 warm-up and 40 timed rounds. */
    public static final Config DEFAULT = new Config(25, 5, 5, 40);

    /**
     * Validates the values.
     *
     * @param tasks at least 1
     * @param innerSteps at least 1
     * @param warmup at least 0
     * @param rounds at least 1
     */
    public Config {
      if (tasks < 1 || innerSteps < 1 || warmup < 0 || rounds < 1) {
        throw new IllegalArgumentException("need tasks >= 1, inner-steps >= 1, warmup >= 0,"
            + " rounds >= 1; got " + tasks + ", " + innerSteps + ", " + warmup + ", " + rounds);
      }
    }

    /**
     * Parses {@code --tasks=N --inner-steps=N --warmup=N --rounds=N} over {@link #DEFAULT}.
     *
     * @param args the arguments
     * @return the configuration
     */
    public static Config parse(String... args) {
      Args a = new Args(args, Set.of("tasks", "inner-steps", "warmup", "rounds"));
      return new Config(a.intValue("tasks", DEFAULT.tasks, 1),
          a.intValue("inner-steps", DEFAULT.innerSteps, 1), a.intValue("warmup", DEFAULT.warmup, 0),
          a.intValue("rounds", DEFAULT.rounds, 1));
    }
  }

  /**
   * Runs the benchmark with the settings of {@link Config#parse}; exits with status 1 if a
   * correctness check fails.
   *
   * @param args {@code --tasks=N --inner-steps=N --warmup=N --rounds=N}, all optional
   */
  public static void main(String[] args) {
    boolean ok = run(Config.parse(args), System.out);
    System.out.flush();
    System.exit(ok ? 0 : 1);
  }

  /** The tasks as doubles: per task its support and query inputs and targets, {@code n × 1}. */
  record TaskData(double[] xs, double[] ys, double[] xq, double[] yq) {}

  /**
   * Draws {@code count} sinusoid tasks, seeded.
   *
   * @param count the number of tasks
   * @param seed the seed
   * @return the tasks
   */
  static List<TaskData> sinusoidTasks(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<TaskData> tasks = new ArrayList<>(count);
    for (int t = 0; t < count; t++) {
      double amplitude = random.nextDouble(AMPLITUDE_MIN, AMPLITUDE_MAX);
      double phase = random.nextDouble(0, Math.PI);
      double[] xs = new double[SUPPORT];
      double[] ys = new double[SUPPORT];
      double[] xq = new double[QUERY];
      double[] yq = new double[QUERY];
      for (int i = 0; i < SUPPORT; i++) {
        xs[i] = random.nextDouble(X_MIN, X_MAX);
        ys[i] = amplitude * Math.sin(xs[i] - phase);
      }
      for (int i = 0; i < QUERY; i++) {
        xq[i] = random.nextDouble(X_MIN, X_MAX);
        yq[i] = amplitude * Math.sin(xq[i] - phase);
      }
      tasks.add(new TaskData(xs, ys, xq, yq));
    }
    return tasks;
  }

  /**
   * The initial meta-parameters as doubles, {@code [W1, b1, W2, b2, W3, b3]}: weights from a
   * seeded normal scaled by {@code 1/sqrt(in)}, biases from a normal scaled by 0.1.
   *
   * @param seed the seed
   * @return per parameter its values (row-major)
   */
  static List<double[]> initialParams(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<double[]> params = new ArrayList<>();
    for (int l = 0; l + 1 < LAYERS.length; l++) {
      double[] w = new double[LAYERS[l] * LAYERS[l + 1]];
      double scale = 1 / Math.sqrt(LAYERS[l]);
      for (int i = 0; i < w.length; i++) {
        w[i] = random.nextGaussian() * scale;
      }
      double[] b = new double[LAYERS[l + 1]];
      for (int i = 0; i < b.length; i++) {
        b[i] = random.nextGaussian() * 0.1;
      }
      params.add(w);
      params.add(b);
    }
    return params;
  }

  /** The shape of parameter {@code i} of {@link #initialParams}. */
  private static Shape paramShape(int i) {
    int l = i / 2;
    return i % 2 == 0 ? Shape.of(LAYERS[l], LAYERS[l + 1]) : Shape.of(LAYERS[l + 1]);
  }

  /** Float32 tensors of the given doubles on {@code ops}. */
  static List<Tensor> paramTensors(TensorOps ops, List<double[]> values) {
    List<Tensor> out = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      out.add(ops.fromDoubles(values.get(i), paramShape(i), DType.FLOAT32));
    }
    return out;
  }

  /** The tasks as float32 tensors on {@code ops}: per task {@code {xs, ys, xq, yq}}. */
  static List<Map<String, Tensor>> taskTensors(TensorOps ops, List<TaskData> tasks) {
    List<Map<String, Tensor>> out = new ArrayList<>(tasks.size());
    for (TaskData t : tasks) {
      out.add(Map.of(
          "xs", ops.fromDoubles(t.xs(), Shape.of(SUPPORT, 1), DType.FLOAT32),
          "ys", ops.fromDoubles(t.ys(), Shape.of(SUPPORT, 1), DType.FLOAT32),
          "xq", ops.fromDoubles(t.xq(), Shape.of(QUERY, 1), DType.FLOAT32),
          "yq", ops.fromDoubles(t.yq(), Shape.of(QUERY, 1), DType.FLOAT32)));
    }
    return out;
  }

  /** The MLP: {@code h @ W + b} per layer, ReLU on every layer but the last. */
  static Tensor forward(TensorOps ops, List<Tensor> params, Tensor x) {
    Tensor h = x;
    for (int l = 0; l < params.size(); l += 2) {
      h = ops.add(ops.matmul(h, params.get(l)), params.get(l + 1));
      if (l + 2 < params.size()) {
        h = ops.relu(h);
      }
    }
    return h;
  }

  /** The mean squared error over all elements. */
  static Tensor mse(TensorOps ops, Tensor prediction, Tensor target) {
    return ops.mean(ops.square(ops.sub(prediction, target)));
  }

  /**
   * One MAML meta-step as one tree-to-tree function. Its input is {@code {"params": [W1, b1, ...],
   * "tasks": [{xs, ys, xq, yq}, ...]}}: everything it reads is an input, nothing is captured. Its
   * output is {@code {"params": new meta-parameters, "loss": the meta-loss before the update,
   * "grad": the meta-gradient}}.
   *
   * @param backend the backend whose ops and autodiff the step uses
   * @param innerSteps unrolled inner SGD steps per task
   * @return the step
   */
  @SuppressWarnings("unchecked")
  static Function<Map<String, Object>, Map<String, Object>> metaStep(
      Backend backend, int innerSteps) {
    TensorOps ops = backend.ops();
    Autodiff ad = backend.autodiff();
    return in -> {
      List<Tensor> theta = (List<Tensor>) in.get("params");
      List<Map<String, Tensor>> tasks = (List<Map<String, Tensor>>) in.get("tasks");
      ValueAndGrad<List<Tensor>> vg = ad.valueAndGrad(meta -> {
        Tensor total = null;
        for (Map<String, Tensor> task : tasks) {
          Tensor xs = task.get("xs");
          Tensor ys = task.get("ys");
          List<Tensor> p = meta;
          for (int k = 0; k < innerSteps; k++) {
            List<Tensor> g = ad.grad(q -> mse(ops, forward(ops, q, xs), ys), p, true);
            List<Tensor> next = new ArrayList<>(p.size());
            for (int i = 0; i < p.size(); i++) {
              next.add(ops.sub(p.get(i), ops.mul(g.get(i), INNER_LR)));
            }
            p = next;
          }
          Tensor query = mse(ops, forward(ops, p, task.get("xq")), task.get("yq"));
          total = total == null ? query : ops.add(total, query);
        }
        return ops.mul(total, 1.0 / tasks.size());
      }, theta, false);
      List<Tensor> updated = new ArrayList<>(theta.size());
      for (int i = 0; i < theta.size(); i++) {
        updated.add(ops.sub(theta.get(i), ops.mul(vg.grad().get(i), META_LR)));
      }
      return Map.of("params", updated, "loss", vg.value(), "grad", vg.grad());
    };
  }

  /**
   * Runs the benchmark and writes its report.
   *
   * @param config what to run
   * @param out where the report goes
   * @return whether every correctness check passed
   */
  public static boolean run(Config config, PrintStream out) {
    Report report = new Report(out);
    report.environment();
    Backend tf = Backends.get("tensorflow");
    Backend djl = Backends.get("djl");
    report.note("backends: %s and %s", tf, djl);
    report.note("meta-step: MLP %d-%d-%d-%d ReLU float32, %d tasks x (%d support + %d query)"
            + " sinusoid points, %d unrolled inner SGD steps (lr %s, createGraph), outer SGD"
            + " (lr %s); %d warm-up + %d timed rounds, backends interleaved round-robin",
        LAYERS[0], LAYERS[1], LAYERS[2], LAYERS[3], config.tasks(), SUPPORT, QUERY,
        config.innerSteps(), INNER_LR, META_LR, config.warmup(), config.rounds());

    List<TaskData> taskData = sinusoidTasks(config.tasks(), TASK_SEED);
    List<double[]> init = initialParams(INIT_SEED);
    Function<Map<String, Object>, Map<String, Object>> tfStep =
        tf.stage(metaStep(tf, config.innerSteps()));
    Function<Map<String, Object>, Map<String, Object>> djlStep =
        djl.stage(metaStep(djl, config.innerSteps()));
    if (!(tfStep instanceof StagedFunction<?, ?> staged)) {
      throw new IllegalStateException(
          "tensorflow's stage(fn) did not return a StagedFunction: " + tfStep);
    }

    try (Scope outer = Scope.open()) {
      List<Map<String, Tensor>> tfTasks = taskTensors(tf.ops(), taskData);
      List<Map<String, Tensor>> djlTasks = taskTensors(djl.ops(), taskData);

      // the check: one step from the same meta-parameters on both backends (this call also
      // traces the TensorFlow graph, so the build and first-run times come from it)
      boolean ok;
      try (Scope check = Scope.open()) {
        Map<String, Object> a =
            tfStep.apply(Map.of("params", paramTensors(tf.ops(), init), "tasks", tfTasks));
        long buildNanos = staged.lastBuildNanos();
        long firstRunNanos = staged.lastFirstRunNanos();
        Map<String, Object> b =
            djlStep.apply(Map.of("params", paramTensors(djl.ops(), init), "tasks", djlTasks));
        report.note("tensorflow graph: traced in %.1f ms, first run %.1f ms",
            Report.ms(buildNanos), Report.ms(firstRunNanos));
        double lossA = ((Tensor) a.get("loss")).item();
        double lossB = ((Tensor) b.get("loss")).item();
        double lossErr = Math.abs(lossA - lossB);
        boolean lossOk = Double.isFinite(lossA) && lossErr <= ATOL + RTOL * Math.abs(lossB);
        report.note("check meta-loss: tensorflow %.6f, djl %.6f, |diff| %.2e (tolerance %.0e +"
            + " %.0e*|djl|): %s", lossA, lossB, lossErr, ATOL, RTOL, lossOk ? "ok" : "FAILED");
        ok = lossOk;
        ok &= checkGrad(report, leaves(a.get("grad")), leaves(b.get("grad")));
        ok &= checkParams(report, leaves(a.get("params")), leaves(b.get("params")), init);
        report.metric("meta_step_graph_build_ms_tensorflow", Report.ms(buildNanos), 1, "ms");
        report.metric("meta_step_first_run_ms_tensorflow", Report.ms(firstRunNanos), 1, "ms");
      }

      // the timing: each backend advances its own meta-parameters, one scope per step
      List<List<Tensor>> tfParams = new ArrayList<>(List.of(paramTensors(tf.ops(), init)));
      List<List<Tensor>> djlParams = new ArrayList<>(List.of(paramTensors(djl.ops(), init)));
      List<Harness.Variant> variants = List.of(
          new Harness.Variant("tensorflow", () -> advance(tf, outer, tfStep, tfParams, tfTasks)),
          new Harness.Variant("djl", () -> advance(djl, outer, djlStep, djlParams, djlTasks)));
      Map<String, Harness.Stats> stats =
          Harness.roundRobin(variants, config.warmup(), config.rounds());

      report.note("%-10s %10s %10s %10s %10s", "backend", "median ms", "min ms", "p90 ms",
          "max ms");
      for (Map.Entry<String, Harness.Stats> e : stats.entrySet()) {
        Harness.Stats s = e.getValue();
        report.note("%-10s %10.3f %10.3f %10.3f %10.3f", e.getKey(), Report.ms(s.median()),
            Report.ms(s.min()), Report.ms(s.p90()), Report.ms(s.max()));
      }
      int graphs = staged.graphCount();
      boolean graphsOk = graphs == 1;
      report.note("check tensorflow graphs traced for %d steps: %d (expected 1, no re-tracing): %s",
          1 + config.warmup() + config.rounds(), graphs, graphsOk ? "ok" : "FAILED");
      ok &= graphsOk;

      double tTf = stats.get("tensorflow").median();
      double tDjl = stats.get("djl").median();
      report.metric("meta_step_ms_tensorflow", Report.ms(tTf), 3, "ms");
      report.metric("meta_step_ms_djl", Report.ms(tDjl), 3, "ms");
      report.metric("meta_step_speedup_tensorflow_vs_djl", tDjl / tTf, 3, "x");
      return ok;
    }
  }

  /**
   * One timed step: runs {@code step} from the latest meta-parameters in its own scope ({@link
   * Backend#scope}), keeps the new ones (in {@code outer}) and closes the previous ones.
   */
  private static void advance(Backend backend, Scope outer,
      Function<Map<String, Object>, Map<String, Object>> step, List<List<Tensor>> state,
      List<Map<String, Tensor>> tasks) {
    List<Tensor> previous = state.get(0);
    List<Tensor> next;
    try (Scope scope = backend.scope()) {
      Map<String, Object> result = step.apply(Map.of("params", previous, "tasks", tasks));
      next = scope.keep(leaves(result.get("params")));
    }
    outer.detach(previous);
    for (Tensor t : previous) {
      t.close();
    }
    state.set(0, next);
  }

  @SuppressWarnings("unchecked")
  private static List<Tensor> leaves(Object tree) {
    return (List<Tensor>) tree;
  }

  /** The meta-gradients agree: {@code max |a − b| ≤ GRAD_RTOL · max |b|}, and are not zero. */
  private static boolean checkGrad(Report report, List<Tensor> a, List<Tensor> b) {
    double maxErr = 0;
    double maxAbs = 0;
    for (int i = 0; i < b.size(); i++) {
      double[] x = a.get(i).toDoubleArray();
      double[] y = b.get(i).toDoubleArray();
      for (int k = 0; k < y.length; k++) {
        maxErr = Math.max(maxErr, Math.abs(x[k] - y[k]));
        maxAbs = Math.max(maxAbs, Math.abs(y[k]));
      }
    }
    boolean ok = maxAbs > 0 && Double.isFinite(maxErr) && maxErr <= GRAD_RTOL * maxAbs;
    report.note("check meta-gradient: max |tensorflow - djl| = %.2e, max |djl| = %.2e (tolerance"
        + " %.0e*max|djl|): %s", maxErr, maxAbs, GRAD_RTOL, ok ? "ok" : "FAILED");
    return ok;
  }

  /**
   * The new meta-parameters agree: {@code |a − b| ≤ ATOL + RTOL·|b|} everywhere, with the same
   * shapes, and the step moved them.
   */
  private static boolean checkParams(
      Report report, List<Tensor> a, List<Tensor> b, List<double[]> init) {
    double maxErr = 0;
    double maxMove = 0;
    boolean ok = a.size() == b.size() && a.size() == init.size();
    for (int i = 0; ok && i < b.size(); i++) {
      ok = a.get(i).shape().equals(paramShape(i)) && b.get(i).shape().equals(paramShape(i));
      double[] x = a.get(i).toDoubleArray();
      double[] y = b.get(i).toDoubleArray();
      for (int k = 0; ok && k < y.length; k++) {
        double err = Math.abs(x[k] - y[k]);
        maxErr = Math.max(maxErr, err);
        maxMove = Math.max(maxMove, Math.abs(y[k] - (float) init.get(i)[k]));
        ok = err <= ATOL + RTOL * Math.abs(y[k]);
      }
    }
    ok &= maxMove > 0;
    report.note("check new meta-parameters: max |tensorflow - djl| = %.2e (tolerance %.0e +"
        + " %.0e*|djl|), max |new - initial| = %.2e: %s", maxErr, ATOL, RTOL, maxMove,
        ok ? "ok" : "FAILED");
    return ok;
  }
}
