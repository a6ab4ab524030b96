package dev.diffopt.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs each benchmark for a handful of tiny iterations and checks that it passes its own
 * correctness checks and prints well-formed metric lines. Nothing here is timed or compared.
 */
class BenchmarkSmokeTest {

  private static List<String> metricNames(String output) {
    List<String> names = new ArrayList<>();
    for (String line : output.split("\\R")) {
      if (line.startsWith("metric:")) {
        assertTrue(Report.METRIC_LINE.matcher(line).matches(), "malformed metric line: " + line);
        names.add(line.split(" ")[1]);
      } else {
        assertTrue(line.isEmpty() || line.startsWith("# "), "unexpected line: " + line);
      }
    }
    return names;
  }

  /** Runs a benchmark into a string; asserts that its correctness checks passed. */
  private static String runChecked(java.util.function.Predicate<PrintStream> benchmark) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean ok;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      ok = benchmark.test(out);
    }
    String output = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(ok, output);
    return output;
  }

  @Test
  void adamPrintsEveryMetricAndPassesItsChecks() {
    String output =
        runChecked(out -> AdamBenchmark.run(new AdamBenchmark.Config(3, 3001, 1, 3), out));
    assertEquals(List.of("adam_fused_active", "adam_fused_ms", "adam_opbyop_ms", "adam_djl_ms",
        "copy_ms", "adam_fused_speedup_vs_djl", "adam_opbyop_speedup_vs_djl",
        "adam_fused_bandwidth_gbs", "copy_bandwidth_gbs", "adam_fused_bandwidth_fraction"),
        metricNames(output), output);
  }

  @Test
  void treePrintsEveryMetricAndPassesItsChecks() {
    String output =
        runChecked(out -> TreeBenchmark.run(new TreeBenchmark.Config(100, 3, 100), out));
    assertEquals(List.of("tree_roundtrip_us_map100", "tree_roundtrip_us_nested1000",
        "tree_speedup_vs_optree_map100", "tree_speedup_vs_optree_nested1000"),
        metricNames(output), output);
  }

  @Test
  void metaStepPrintsEveryMetricAndPassesItsChecks() {
    String output =
        runChecked(out -> MetaStepBenchmark.run(new MetaStepBenchmark.Config(2, 1, 0, 1), out));
    assertTrue(output.contains("# check new meta-parameters: ") && !output.contains("FAILED"),
        output);
    assertEquals(List.of("meta_step_graph_build_ms_tensorflow",
        "meta_step_first_run_ms_tensorflow", "meta_step_ms_tensorflow", "meta_step_ms_djl",
        "meta_step_speedup_tensorflow_vs_djl"), metricNames(output), output);
  }

  @Test
  void mamlPrintsEveryMetricAndPassesItsChecks() {
    String output =
        runChecked(out -> MamlBenchmark.run(new MetaStepBenchmark.Config(2, 1, 0, 1), out));
    assertTrue(output.contains("quoted from the issue, not measured here") && !output.contains(
        "FAILED"), output);
    assertEquals(List.of("maml_graph_build_ms_tensorflow", "maml_meta_step_ms",
        "maml_meta_step_ms_first_order", "maml_meta_step_ms_per_task_loop",
        "maml_meta_step_ms_tensorflow", "maml_speedup_vs_torchopt_quoted",
        "maml_speedup_vs_torchopt_quoted_per_task_loop"), metricNames(output), output);
  }

  @Test
  void parsesOptionsAndRejectsUnknownOnes() {
    assertEquals(new AdamBenchmark.Config(4, 400, 0, 2),
        AdamBenchmark.Config.parse("--tensors=4 --elements=400", "", "--warmup=0", "--rounds=2"));
    assertEquals(AdamBenchmark.Config.DEFAULT, AdamBenchmark.Config.parse(""));
    assertEquals(new MetaStepBenchmark.Config(3, 2, 0, 4),
        MetaStepBenchmark.Config.parse("--tasks=3 --inner-steps=2 --warmup=0 --rounds=4"));
    assertEquals(MetaStepBenchmark.Config.DEFAULT, MetaStepBenchmark.Config.parse());
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> TreeBenchmark.Config.parse("--iterations=3"));
    assertTrue(e.getMessage().contains("--iterations"), e.getMessage());
  }

  @Test
  void statsTakeTheMedianAndNearestRankP90() {
    Harness.Stats s = Harness.Stats.of(new long[] {5, 1, 4, 2, 3, 10, 6, 7, 8, 9});
    assertEquals(5.5, s.median());
    assertEquals(1, s.min());
    assertEquals(9, s.p90());
    assertEquals(10, s.max());
    assertEquals(3, Harness.Stats.of(new long[] {3}).median());
  }

  @Test
  void distributedPrintsEveryMetricAndPassesItsChecks() {
    String output =
        runChecked(out -> DistributedBenchmark.run(new MetaStepBenchmark.Config(4, 1, 0, 1), out));
    assertTrue(!output.contains("FAILED"), output);
    assertEquals(List.of("distributed_meta_step_ms_in_process", "distributed_meta_step_ms_local_1",
        "distributed_meta_step_ms_local_2", "distributed_meta_step_ms_spark_1",
        "distributed_meta_step_ms_spark_2", "local_speedup_2_workers", "spark_speedup_2_workers",
        "spark_overhead_ms_per_step"), metricNames(output), output);
  }
}
