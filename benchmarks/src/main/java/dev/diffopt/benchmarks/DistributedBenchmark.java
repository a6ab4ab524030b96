package dev.diffopt.benchmarks;

import dev.diffopt.Backends;
import dev.diffopt.distributed.LocalRuntime;
import dev.diffopt.distributed.TaskRuntime;
import dev.diffopt.examples.Maml;
import dev.diffopt.examples.Mlp;
import dev.diffopt.examples.Sinusoid;
import dev.diffopt.optim.Optimizers;
import dev.diffopt.spark.SparkRuntime;
import dev.diffopt.spi.Backend;
import dev.diffopt.tensor.Scope;
import dev.diffopt.transform.GradientTransformation;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The MAML demo's meta-step with its meta-gradient computed by task-parallel workers ({@link
 * Maml#distributedMetaStep}), in the configuration of the {@code maml} benchmark (25 sinusoid
 * tasks of 10+10 points, MLP 1-40-40-1 ReLU float32, 5 differentiable inner SGD steps, outer Adam),
 * on DJL, side by side in one run:
 *
 * <ul>
 *   <li>{@code local-1}, {@code local-2}: {@link LocalRuntime} with 1 and 2 worker threads, each
 *       with its own DJL backend (one libtorch thread each);
 *   <li>{@code spark-1}, {@code spark-2}: {@link SparkRuntime} embedded as {@code local[1]} and
 *       {@code local[2]} (Kryo, broadcast meta-parameters, mapPartitions + treeAggregate);
 *   <li>{@code in-process}: the demo's own step without a runtime (the tasks stacked on one
 *       backend), the reference for the runtimes' overhead.
 * </ul>
 *
 * <p>The balanced partitioner gives each worker one contiguous share of the tasks, which it
 * stacks into one vectorized meta-gradient. Before timing, every variant's first step must give the
 * in-process meta-loss and meta-gradient within float32 tolerance. {@code local_speedup_2_workers}
 * is {@code local-1 / local-2}; {@code spark_overhead_ms_per_step} is {@code spark-1 - local-1}
 * (the same work on one worker, through Spark instead of a thread).
 */
public final class DistributedBenchmark {
  private DistributedBenchmark() {}

  /**
   * Runs the benchmark; exits with status 1 if a check fails.
   *
   * @param args {@code --tasks=N --inner-steps=N --warmup=N --rounds=N}
   */
  public static void main(String[] args) {
    boolean ok = run(MetaStepBenchmark.Config.parse(args), System.out);
    System.out.flush();
    System.exit(ok ? 0 : 1);
  }

  /**
   * Runs the benchmark and writes its report.
   *
   * @param config the sizes and rounds
   * @param out where the report goes
   * @return whether every check passed
   */
  public static boolean run(MetaStepBenchmark.Config config, PrintStream out) {
    Report report = new Report(out);
    report.environment();
    Backend djl = Backends.get("djl");
    GradientTransformation adam = Optimizers.adam(1e-3);
    List<Sinusoid.Task> tasks = Sinusoid.sample(config.tasks(), MetaStepBenchmark.SUPPORT,
        MetaStepBenchmark.QUERY, MetaStepBenchmark.TASK_SEED);
    List<double[]> init = Mlp.initialParams(MetaStepBenchmark.INIT_SEED);
    report.note("distributed maml meta-step: %d tasks x (%d + %d) points, %d inner steps, DJL "
        + "(one libtorch thread per backend), balanced partition; %d warm-up + %d timed rounds",
        config.tasks(), MetaStepBenchmark.SUPPORT, MetaStepBenchmark.QUERY, config.innerSteps(),
        config.warmup(), config.rounds());
    long t0 = System.nanoTime();
    List<TaskRuntime> runtimes = List.of(
        LocalRuntime.create(1, "djl", Map.of()), LocalRuntime.create(2, "djl", Map.of()));
    boolean ok = true;
    Map<String, Harness.Stats> stats = new HashMap<>();
    try (Scope scope = Scope.open()) {
      Maml.Learner reference = new Maml.Learner(djl, djl.stage(Maml.vectorizedMetaStep(djl,
          config.innerSteps(), MamlBenchmark.INNER_LR, false, adam)), Mlp.tensors(djl.ops(), init), adam);
      Map<String, List<double[]>> expected = new HashMap<>();
      reference.step(Maml.stacked(djl.ops(), tasks), expected);
      List<Harness.Variant> variants = new ArrayList<>();
      List<Maml.Learner> learners = new ArrayList<>(List.of(reference));
      variants.add(new Harness.Variant("in-process",
          () -> reference.step(Maml.stacked(djl.ops(), tasks))));
      String[] names = {"local-1", "local-2"};
      for (int i = 0; i < 2; i++) {
        Maml.Learner l = learner(djl, runtimes.get(i), config, adam, init);
        learners.add(l);
        ok &= check(report, names[i], l, tasks, expected);
        variants.add(new Harness.Variant(names[i], () -> l.step(tasks)));
      }
      stats.putAll(Harness.roundRobin(variants, config.warmup(), config.rounds()));
      // Spark: one context per JVM, so each configuration is timed in its own block
      for (int threads = 1; threads <= 2; threads++) {
        long start = System.nanoTime();
        try (SparkRuntime spark = SparkRuntime.local(threads, "djl", Map.of())) {
          String name = "spark-" + threads;
          report.note("%s: Spark context started in %.0f ms", name,
              Report.ms(System.nanoTime() - start));
          Maml.Learner l = learner(djl, spark, config, adam, init);
          ok &= check(report, name, l, tasks, expected);
          Map<String, Harness.Stats> s = Harness.roundRobin(List.of(
              new Harness.Variant(name, () -> l.step(tasks)),
              new Harness.Variant(name + "-local-1", () -> learners.get(1).step(tasks))),
              config.warmup(), config.rounds());
          stats.put(name, s.get(name));
          stats.put(name + "-local-1", s.get(name + "-local-1"));
          l.close();
        }
      }
      for (Maml.Learner l : learners) {
        l.close();
      }
    } finally {
      for (TaskRuntime r : runtimes) {
        r.close();
      }
    }
    report.note("%-20s %10s %10s %10s", "variant", "median ms", "min ms", "p90 ms");
    for (String name : List.of("in-process", "local-1", "local-2", "spark-1", "spark-1-local-1",
        "spark-2", "spark-2-local-1")) {
      Harness.Stats s = stats.get(name);
      report.note("%-20s %10.3f %10.3f %10.3f", name, Report.ms(s.median()), Report.ms(s.min()),
          Report.ms(s.p90()));
    }
    double local1 = Report.ms(stats.get("local-1").median());
    double local2 = Report.ms(stats.get("local-2").median());
    double spark1 = Report.ms(stats.get("spark-1").median());
    double spark2 = Report.ms(stats.get("spark-2").median());
    report.metric("distributed_meta_step_ms_in_process",
        Report.ms(stats.get("in-process").median()), 3, "ms");
    report.metric("distributed_meta_step_ms_local_1", local1, 3, "ms");
    report.metric("distributed_meta_step_ms_local_2", local2, 3, "ms");
    report.metric("distributed_meta_step_ms_spark_1", spark1, 3, "ms");
    report.metric("distributed_meta_step_ms_spark_2", spark2, 3, "ms");
    report.metric("local_speedup_2_workers", local1 / local2, 3, "x");
    report.metric("spark_speedup_2_workers", spark1 / spark2, 3, "x");
    report.metric("spark_overhead_ms_per_step",
        spark1 - Report.ms(stats.get("spark-1-local-1").median()), 3, "ms");
    report.note("setup: %.1f s in all", (System.nanoTime() - t0) / 1e9);
    return ok;
  }

  private static Maml.Learner learner(Backend djl, TaskRuntime runtime,
      MetaStepBenchmark.Config config, GradientTransformation adam, List<double[]> init) {
    return new Maml.Learner(djl, Maml.distributedMetaStep(djl, runtime, config.innerSteps(),
        MamlBenchmark.INNER_LR, false, adam), Mlp.tensors(djl.ops(), init), adam);
  }

  /** The first step of a fresh learner against the in-process step from the same parameters. */
  private static boolean check(Report report, String name, Maml.Learner learner,
      List<Sinusoid.Task> tasks, Map<String, List<double[]>> expected) {
    Map<String, List<double[]>> got = new HashMap<>();
    learner.step(tasks, got);
    boolean ok = MetaStepBenchmark.checkLoss(report, name, "in-process",
        got.get("loss").get(0)[0], expected.get("loss").get(0)[0]);
    ok &= MetaStepBenchmark.checkGrad(report, name, "in-process", got.get("grad"),
        expected.get("grad"));
    return ok;
  }
}
