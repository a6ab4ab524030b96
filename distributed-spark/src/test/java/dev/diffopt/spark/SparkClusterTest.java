package dev.diffopt.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.distributed.Distributed;
import dev.diffopt.distributed.FlatTensors;
import dev.diffopt.distributed.LocalRuntime;
import dev.diffopt.distributed.MetaGradient;
import dev.diffopt.distributed.Partitioners;
import dev.diffopt.distributed.Reducers;
import dev.diffopt.tensor.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real cluster on 127.0.0.1: Spark's {@code local-cluster[2,1,1024]} starts a standalone master
 * and two workers in this JVM, and each worker launches its executor as a separate JVM (with this
 * test's class path, so the executors compute on their own DJL backends). Checks that distributed
 * and single-process meta-gradients agree, and that killing an executor in the middle of a run
 * neither loses nor double-counts a part.
 */
@DisplayName("spark cluster (local-cluster, executors in their own JVMs): agreement, a killed executor")
class SparkClusterTest {
  @TempDir
  static Path sparkHome;

  private static SparkRuntime cluster;

  @BeforeAll
  static void start() throws Exception {
    // local-cluster is Spark's own test cluster: it reads the Spark home from spark.test.home
    System.setProperty("spark.testing", "true");
    Files.createDirectories(sparkHome.resolve("jars"));
    System.setProperty("spark.test.home", sparkHome.toString());
    String options = String.join(" ",
        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> a.startsWith("--add-opens") || a.startsWith("-Dai.djl")
                || a.startsWith("-Dio.netty"))
            .toList());
    cluster = SparkRuntime.connect("local-cluster[2,1,1024]", "djl", Map.of(), Map.of(
        "spark.executor.extraClassPath", System.getProperty("java.class.path"),
        "spark.executor.extraJavaOptions", options,
        "spark.executorEnv.DJL_OFFLINE", "true",
        "spark.executorEnv.SPARK_LOCAL_IP", "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @DisplayName("SPARK-CLUSTER-01 two executor JVMs give the single-process meta-gradient")
  void agrees() {
    List<SparkRuntimeTest.LineTask> tasks = SparkRuntimeTest.LineTask.sample(8, 21);
    FlatTensors theta = SparkRuntimeTest.theta();
    MetaGradient expected;
    try (LocalRuntime one = LocalRuntime.create(1, "djl", Map.of())) {
      expected = Distributed.metaGradient(one, tasks, Partitioners.byTask(), theta,
          SparkRuntimeTest.META);
    }
    MetaGradient got = Distributed.metaGradient(cluster, tasks, Partitioners.balanced(), theta,
        SparkRuntimeTest.META);
    assertEquals(expected.loss(), got.loss(), 1e-13 * Math.abs(expected.loss()));
    for (int i = 0; i < expected.grad().values().length; i++) {
      double e = expected.grad().values()[i];
      assertEquals(e, got.grad().values()[i], 1e-12 * (1 + Math.abs(e)), "gradient " + i);
    }
    // the parts really ran in executor JVMs, not in the driver
    List<String> executors = cluster.run(List.of(0, 1, 2, 3), Partitioners.byTask(),
        (b, part) -> List.of(SparkEnv.get().executorId()),
        Reducers.of((a, c) -> java.util.stream.Stream.concat(a.stream(), c.stream()).toList()));
    assertTrue(executors.stream().noneMatch("driver"::equals), executors.toString());
  }

  @Test
  @DisplayName("SPARK-CLUSTER-02 an executor killed mid-run: every part counted exactly once")
  void executorDies() {
    List<Integer> tasks = List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    FlatTensors sum = cluster.run(tasks, Partitioners.byTask(), (backend, part) -> {
      TaskContext tc = TaskContext.get();
      if (part.get(0) == 7 && tc.attemptNumber() == 0
          && !"driver".equals(SparkEnv.get().executorId())) {
        Runtime.getRuntime().halt(137); // the executor's JVM dies, as under an OOM kill
      }
      return FlatTensors.of(List.of(backend.ops().scalar(part.get(0), DType.FLOAT64)));
    }, Reducers.sum());
    assertEquals(55, sum.values()[0], 0);
  }
}
