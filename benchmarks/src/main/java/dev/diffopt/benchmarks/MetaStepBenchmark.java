package dev.diffopt.benchmarks;

import dev.diffopt.Backends;
import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.autodiff.ValueAndGrad;
import dev.diffopt.examples.Maml;
import dev.diffopt.examples.Mlp;
import dev.diffopt.examples.Sinusoid;
import dev.diffopt.spi.Backend;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensorflow.StagedFunction;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  static final int[] LAYERS = Mlp.LAYERS;
  /** Support points per task. */
  static final int SUPPORT = 10;
  /** Query points per task. */
  static final int QUERY = 10;
  static final double INNER_LR = 0.01;
  static final double META_LR = 0.001;
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
            List<Tensor> g = ad.grad(q -> Mlp.loss(ops, q, xs, ys), p, true);
            List<Tensor> next = new ArrayList<>(p.size());
            for (int i = 0; i < p.size(); i++) {
              next.add(ops.sub(p.get(i), ops.mul(g.get(i), INNER_LR)));
            }
            p = next;
          }
          Tensor query = Mlp.loss(ops, p, task.get("xq"), task.get("yq"));
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

    List<Sinusoid.Task> taskData = Sinusoid.sample(config.tasks(), SUPPORT, QUERY, TASK_SEED);
    List<double[]> init = Mlp.initialParams(INIT_SEED);
    Function<Map<String, Object>, Map<String, Object>> tfStep =
        tf.stage(metaStep(tf, config.innerSteps()));
    Function<Map<String, Object>, Map<String, Object>> djlStep =
        djl.stage(metaStep(djl, config.innerSteps()));
    if (!(tfStep instanceof StagedFunction<?, ?> staged)) {
      throw new IllegalStateException(
          "tensorflow's stage(fn) did not return a StagedFunction: " + tfStep);
    }

    try (Scope outer = Scope.open()) {
      List<Map<String, Tensor>> tfTasks = Maml.taskTensors(tf.ops(), taskData);
      List<Map<String, Tensor>> djlTasks = Maml.taskTensors(djl.ops(), taskData);

      // the check: one step from the same meta-parameters on both backends (this call also
      // traces the TensorFlow graph, so the build and first-run times come from it)
      boolean ok;
      try (Scope check = Scope.open()) {
        Map<String, Object> a =
            tfStep.apply(Map.of("params", Mlp.tensors(tf.ops(), init), "tasks", tfTasks));
        long buildNanos = staged.lastBuildNanos();
        long firstRunNanos = staged.lastFirstRunNanos();
        Map<String, Object> b =
            djlStep.apply(Map.of("params", Mlp.tensors(djl.ops(), init), "tasks", djlTasks));
        report.note("tensorflow graph: traced in %.1f ms, first run %.1f ms",
            Report.ms(buildNanos), Report.ms(firstRunNanos));
        ok = checkLoss(report, "tensorflow", "djl", ((Tensor) a.get("loss")).item(),
            ((Tensor) b.get("loss")).item());
        ok &= checkGrad(
            report, "tensorflow", "djl", values(a.get("grad")), values(b.get("grad")));
        ok &= checkParams(report, values(a.get("params")), values(b.get("params")), init);
        report.metric("meta_step_graph_build_ms_tensorflow", Report.ms(buildNanos), 1, "ms");
        report.metric("meta_step_first_run_ms_tensorflow", Report.ms(firstRunNanos), 1, "ms");
      }

      // the timing: each backend advances its own meta-parameters, one scope per step
      List<List<Tensor>> tfParams = new ArrayList<>(List.of(Mlp.tensors(tf.ops(), init)));
      List<List<Tensor>> djlParams = new ArrayList<>(List.of(Mlp.tensors(djl.ops(), init)));
      List<Harness.Variant> variants = List.of(
          new Harness.Variant("tensorflow", () -> advance(tf, outer, tfStep, tfParams, tfTasks)),
          new Harness.Variant("djl", () -> advance(djl, outer, djlStep, djlParams, djlTasks)));
      Map<String, Harness.Stats> stats =
          Harness.roundRobin(variants, config.warmup(), config.rounds());

      ok &= tableAndGraphCheck(report, stats, staged, 1 + config.warmup() + config.rounds());

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

  /**
   * Writes the table of median, min, p90 and max per variant, and checks that TensorFlow traced
   * one graph for all the steps.
   *
   * @return whether exactly one graph was traced
   */
  static boolean tableAndGraphCheck(
      Report report, Map<String, Harness.Stats> stats, StagedFunction<?, ?> staged, int steps) {
    report.note("%-16s %10s %10s %10s %10s", "variant", "median ms", "min ms", "p90 ms",
        "max ms");
    for (Map.Entry<String, Harness.Stats> e : stats.entrySet()) {
      Harness.Stats s = e.getValue();
      report.note("%-16s %10.3f %10.3f %10.3f %10.3f", e.getKey(), Report.ms(s.median()),
          Report.ms(s.min()), Report.ms(s.p90()), Report.ms(s.max()));
    }
    int graphs = staged.graphCount();
    boolean ok = graphs == 1;
    report.note("check tensorflow graphs traced for %d steps: %d (expected 1, no re-tracing): %s",
        steps, graphs, ok ? "ok" : "FAILED");
    return ok;
  }

  /** The tensors of a list as host doubles. */
  private static List<double[]> values(Object tree) {
    List<double[]> out = new ArrayList<>();
    for (Tensor t : leaves(tree)) {
      out.add(t.toDoubleArray());
    }
    return out;
  }

  /**
   * The meta-losses of variants {@code nameA} and {@code nameB} agree: {@code |a − b| ≤ ATOL +
   * RTOL·|b|}, and are finite.
   */
  static boolean checkLoss(Report report, String nameA, String nameB, double a, double b) {
    double err = Math.abs(a - b);
    boolean ok = Double.isFinite(a) && err <= ATOL + RTOL * Math.abs(b);
    report.note("check meta-loss: %s %.6f, %s %.6f, |diff| %.2e (tolerance %.0e +"
        + " %.0e*|%s|): %s", nameA, a, nameB, b, err, ATOL, RTOL, nameB, ok ? "ok" : "FAILED");
    return ok;
  }

  /**
   * The meta-gradients of variants {@code nameA} and {@code nameB} agree: {@code max |a − b| ≤
   * GRAD_RTOL · max |b|}, and are not zero.
   */
  static boolean checkGrad(
      Report report, String nameA, String nameB, List<double[]> a, List<double[]> b) {
    double maxErr = 0;
    double maxAbs = 0;
    boolean ok = a.size() == b.size();
    for (int i = 0; ok && i < b.size(); i++) {
      double[] x = a.get(i);
      double[] y = b.get(i);
      ok = x.length == y.length;
      for (int k = 0; ok && k < y.length; k++) {
        maxErr = Math.max(maxErr, Math.abs(x[k] - y[k]));
        maxAbs = Math.max(maxAbs, Math.abs(y[k]));
      }
    }
    ok &= maxAbs > 0 && Double.isFinite(maxErr) && maxErr <= GRAD_RTOL * maxAbs;
    report.note("check meta-gradient: max |%s - %s| = %.2e, max |%s| = %.2e (tolerance"
        + " %.0e*max|%s|): %s", nameA, nameB, maxErr, nameB, maxAbs, GRAD_RTOL, nameB,
        ok ? "ok" : "FAILED");
    return ok;
  }

  /**
   * The new meta-parameters agree: {@code |a − b| ≤ ATOL + RTOL·|b|} everywhere, with the sizes of
   * the MLP's parameters, and the step moved them.
   */
  static boolean checkParams(
      Report report, List<double[]> a, List<double[]> b, List<double[]> init) {
    double maxErr = 0;
    double maxMove = 0;
    boolean ok = a.size() == b.size() && a.size() == init.size();
    for (int i = 0; ok && i < b.size(); i++) {
      double[] x = a.get(i);
      double[] y = b.get(i);
      long size = Mlp.paramShape(i).size();
      ok = x.length == size && y.length == size;
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
