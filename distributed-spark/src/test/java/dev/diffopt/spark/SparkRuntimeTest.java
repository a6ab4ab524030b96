package dev.diffopt.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.Backends;
import dev.diffopt.autodiff.ValueAndGrad;
import dev.diffopt.distributed.Distributed;
import dev.diffopt.distributed.FlatTensors;
import dev.diffopt.distributed.LocalRuntime;
import dev.diffopt.distributed.MetaGradient;
import dev.diffopt.distributed.MetaTask;
import dev.diffopt.distributed.Partitioners;
import dev.diffopt.distributed.Reducers;
import dev.diffopt.distributed.Shared;
import dev.diffopt.distributed.TaskFailedException;
import dev.diffopt.meta.MetaOptimizer;
import dev.diffopt.meta.MetaSGD;
import dev.diffopt.spi.Backend;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.TaskContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Spark runtime embedded as {@code local[2,4]} (two executor threads, four attempts per task)
 * on the DJL backend: the same meta-gradient as one thread and as the local runtime, retries that
 * count a part once, failures reported with the part's tasks.
 */
@DisplayName("spark runtime (local[2]): agreement with one process, retries, failures")
class SparkRuntimeTest {
  private static SparkRuntime spark;

  @BeforeAll
  static void start() {
    spark = SparkRuntime.local(2, "djl", Map.of());
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.close();
    }
  }

  /** A line-fitting task: y = a x + b at 5 support and 5 query points. */
  record LineTask(double[] xs, double[] ys, double[] xq, double[] yq) implements Serializable {
    static List<LineTask> sample(int n, long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      List<LineTask> out = new ArrayList<>();
      for (int t = 0; t < n; t++) {
        double a = r.nextDouble(-2, 2);
        double b = r.nextDouble(-1, 1);
        double[][] v = new double[4][5];
        for (int i = 0; i < 5; i++) {
          v[0][i] = r.nextDouble(-2, 2);
          v[1][i] = a * v[0][i] + b;
          v[2][i] = r.nextDouble(-2, 2);
          v[3][i] = a * v[2][i] + b;
        }
        out.add(new LineTask(v[0], v[1], v[2], v[3]));
      }
      return out;
    }
  }

  /** Mean query MSE after one MetaSGD step on the support MSE, of a tanh unit y = w2 tanh(w1 x). */
  static final MetaTask<LineTask> META = (backend, part, theta) -> {
    TensorOps ops = backend.ops();
    return backend.autodiff().valueAndGrad(p -> {
      Tensor total = ops.scalar(0, DType.FLOAT64);
      for (LineTask t : part) {
        MetaOptimizer<List<Tensor>> inner = MetaSGD.of(backend, p, 0.05);
        inner.step(q -> mse(ops, q, t.xs(), t.ys()));
        total = ops.add(total, mse(ops, inner.params(), t.xq(), t.yq()));
      }
      return ops.mul(total, 1.0 / part.size());
    }, theta, false);
  };

  static Tensor mse(TensorOps ops, List<Tensor> p, double[] x, double[] y) {
    Tensor xs = ops.fromDoubles(x, Shape.of(x.length), DType.FLOAT64);
    Tensor pred = ops.mul(ops.tanh(ops.mul(xs, p.get(0))), p.get(1));
    Tensor err = ops.sub(pred, ops.fromDoubles(y, Shape.of(y.length), DType.FLOAT64));
    return ops.mean(ops.mul(err, err));
  }

  static FlatTensors theta() {
    Backend djl = Backends.get("djl");
    try (Scope s = Scope.open()) {
      return FlatTensors.of(List.of(
          djl.ops().fromDoubles(new double[] {0.7}, Shape.of(1), DType.FLOAT64),
          djl.ops().fromDoubles(new double[] {1.3}, Shape.of(1), DType.FLOAT64)));
    }
  }

  @Test
  @DisplayName("SPARK-01 metaGradient on Spark equals one thread's mean and the local runtime's")
  void agreesWithOneProcess() {
    List<LineTask> tasks = LineTask.sample(9, 5);
    FlatTensors theta = theta();
    MetaGradient expected;
    try (LocalRuntime one = LocalRuntime.create(1, "djl", Map.of())) {
      expected = Distributed.metaGradient(one, tasks, Partitioners.byTask(), theta, META);
    }
    for (var partitioner : List.of(Partitioners.byTask(), Partitioners.balanced(),
        Partitioners.groupsOf(4))) {
      MetaGradient got = Distributed.metaGradient(spark, tasks, partitioner, theta, META);
      assertEquals(9, got.tasks());
      assertEquals(expected.loss(), got.loss(), 1e-13 * Math.abs(expected.loss()));
      for (int i = 0; i < expected.grad().values().length; i++) {
        double e = expected.grad().values()[i];
        assertEquals(e, got.grad().values()[i], 1e-12 * (1 + Math.abs(e)), "gradient " + i);
      }
    }
  }

  @Test
  @DisplayName("SPARK-02 a part that fails on its first attempt is retried and counted once")
  void retriedOnce() {
    List<Integer> tasks = List.of(1, 2, 3, 4, 5, 6, 7, 8);
    FlatTensors sum = spark.run(tasks, Partitioners.byTask(), (backend, part) -> {
      TaskContext tc = TaskContext.get();
      if (part.get(0) == 3 && tc.attemptNumber() == 0) {
        throw new IllegalStateException("first attempt of task 3 fails");
      }
      return FlatTensors.of(List.of(backend.ops().scalar(part.get(0), DType.FLOAT64)));
    }, Reducers.sum());
    assertEquals(36, sum.values()[0], 0, "each task counted exactly once");
  }

  @Test
  @DisplayName("SPARK-03 a part that always fails fails the run, naming its task and the executor")
  void reportsFailure() {
    List<Integer> tasks = List.of(0, 1, 2, 3, 4);
    TaskFailedException e = assertThrows(TaskFailedException.class, () -> spark.run(tasks,
        Partitioners.byTask(), (backend, part) -> {
          if (part.get(0) == 2) {
            throw new IllegalArgumentException("task two cannot be learned");
          }
          return part.get(0);
        }, Reducers.of(Integer::sum)));
    assertArrayEquals(new int[] {2}, e.tasks());
    assertTrue(e.getMessage().contains("task 2 (of 5) failed on spark executor"), e.getMessage());
    assertTrue(e.getMessage().contains("attempt 3"), "tried 4 times: " + e.getMessage());
    assertTrue(e.getMessage().contains("task two cannot be learned"), e.getMessage());
  }

  @Test
  @DisplayName("SPARK-04 shared values are broadcast once and readable in every part")
  void broadcast() {
    Shared<FlatTensors> shared = spark.share(theta());
    double total = spark.run(List.of(1, 2, 3), Partitioners.byTask(),
        (backend, part) -> shared.get().values()[0] * part.get(0), Reducers.of(Double::sum));
    assertEquals(0.7 * 6, total, 1e-15);
    shared.release();
    assertEquals(2, spark.workers());
  }
}
