package dev.diffopt.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.autodiff.ValueAndGrad;
import dev.diffopt.distributed.Distributed;
import dev.diffopt.distributed.FlatTensors;
import dev.diffopt.distributed.LocalRuntime;
import dev.diffopt.distributed.MetaGradient;
import dev.diffopt.distributed.MetaTask;
import dev.diffopt.distributed.Partitioner;
import dev.diffopt.distributed.Partitioners;
import dev.diffopt.distributed.Reducers;
import dev.diffopt.distributed.TaskFailedException;
import dev.diffopt.meta.MetaOptimizer;
import dev.diffopt.meta.MetaSGD;
import dev.diffopt.spi.Backend;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The local task-parallel runtime on this backend: workers with their own instances of it compute
 * the same MAML meta-gradient as one thread does, whatever the number of workers and the
 * partition, and a failing task is reported by index and worker.
 */
public abstract class DistributedSuite extends BackendSuite {
  /** A regression task: 6 support and 6 query points of y = a sin(x + b). */
  record SineTask(double[] xs, double[] ys, double[] xq, double[] yq) implements Serializable {
    static List<SineTask> sample(int n, long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      List<SineTask> tasks = new ArrayList<>();
      for (int t = 0; t < n; t++) {
        double a = r.nextDouble(0.5, 2);
        double b = r.nextDouble(0, Math.PI);
        double[][] v = new double[4][6];
        for (int i = 0; i < 6; i++) {
          v[0][i] = r.nextDouble(-3, 3);
          v[1][i] = a * Math.sin(v[0][i] + b);
          v[2][i] = r.nextDouble(-3, 3);
          v[3][i] = a * Math.sin(v[2][i] + b);
        }
        tasks.add(new SineTask(v[0], v[1], v[2], v[3]));
      }
      return tasks;
    }

    Tensor column(TensorOps ops, double[] values) {
      return ops.fromDoubles(values, Shape.of(values.length, 1), DType.FLOAT64);
    }
  }

  /** The mean over the part of the query MSE after one MetaSGD step on the support set. */
  static final MetaTask<SineTask> MAML = (backend, part, theta) -> {
    TensorOps ops = backend.ops();
    return backend.autodiff().valueAndGrad(p -> {
      Tensor total = ops.scalar(0, DType.FLOAT64);
      for (SineTask task : part) {
        MetaOptimizer<List<Tensor>> inner = MetaSGD.of(backend, p, 0.1);
        inner.step(q -> Mlp.mse(ops, Mlp.forward(ops, q, task.column(ops, task.xs()), ops::tanh),
            task.column(ops, task.ys())));
        total = ops.add(total, Mlp.mse(ops, Mlp.forward(ops, inner.params(),
            task.column(ops, task.xq()), ops::tanh), task.column(ops, task.yq())));
      }
      return ops.mul(total, 1.0 / part.size());
    }, theta, false);
  };

  private FlatTensors theta() {
    return FlatTensors.of(Mlp.init(backend().ops(), DType.FLOAT64, 5, 1, 8, 1));
  }

  /** One task after the other on the kit's backend, averaged in double. */
  private MetaGradient sequential(List<SineTask> tasks, FlatTensors theta) {
    double loss = 0;
    FlatTensors sum = theta.zeros();
    for (SineTask t : tasks) {
      ValueAndGrad<List<Tensor>> r = MAML.apply(backend(), List.of(t),
          theta.toTensors(backend().ops()));
      loss += r.value().item();
      sum = sum.plus(FlatTensors.of(r.grad()));
    }
    return new MetaGradient(loss / tasks.size(), sum.times(1.0 / tasks.size()), tasks.size());
  }

  private LocalRuntime runtime(int workers) {
    return LocalRuntime.create(workers, backend().name(), Map.of());
  }

  @Test
  @DisplayName("DIST-01 metaGradient on 1, 2, 3 workers, any partition, equals one thread's mean")
  void matchesSequential() {
    require(Capability.AUTODIFF);
    List<SineTask> tasks = SineTask.sample(7, 11);
    FlatTensors theta = theta();
    MetaGradient expected = sequential(tasks, theta);
    for (int workers = 1; workers <= 3; workers++) {
      try (LocalRuntime rt = runtime(workers)) {
        for (Partitioner p : List.of(Partitioners.byTask(), Partitioners.balanced(),
            Partitioners.groupsOf(3))) {
          MetaGradient got = Distributed.metaGradient(rt, tasks, p, theta, MAML);
          String where = workers + " workers";
          assertEquals(7, got.tasks(), where);
          assertEquals(expected.loss(), got.loss(), 1e-12 * Math.abs(expected.loss()), where);
          double[] e = expected.grad().values();
          double[] g = got.grad().values();
          for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], g[i], 1e-11 * (1 + Math.abs(e[i])), where + ", value " + i);
          }
        }
      }
    }
  }

  @Test
  @DisplayName("DIST-02 with one task per part the result is the same bit for bit on 1, 2, 3 workers")
  void deterministic() {
    require(Capability.AUTODIFF);
    List<SineTask> tasks = SineTask.sample(5, 3);
    FlatTensors theta = theta();
    MetaGradient first = null;
    for (int workers = 1; workers <= 3; workers++) {
      try (LocalRuntime rt = runtime(workers)) {
        MetaGradient got = Distributed.metaGradient(rt, tasks, Partitioners.byTask(), theta,
            MAML);
        if (first == null) {
          first = got;
        } else {
          assertEquals(first.loss(), got.loss(), 0, workers + " workers");
          assertArrayEquals(first.grad().values(), got.grad().values(), workers + " workers");
        }
      }
    }
  }

  @Test
  @DisplayName("DIST-03 a failing task is reported with its index, the worker and the cause")
  void failure() {
    List<Integer> tasks = List.of(0, 1, 2, 3, 4, 5, 6);
    try (LocalRuntime rt = runtime(2)) {
      TaskFailedException e = assertThrows(TaskFailedException.class,
          () -> rt.run(tasks, Partitioners.byTask(), (backend, part) -> {
            if (part.get(0) == 4) {
              throw new IllegalStateException("task four is broken");
            }
            return part.get(0);
          }, Reducers.of(Integer::sum)));
      assertTrue(e.getMessage().contains("task 4 (of 7)"), e.getMessage());
      assertTrue(e.getMessage().contains("local worker 0 (" + backend().name() + ")"),
          e.getMessage());
      assertTrue(e.getMessage().contains("task four is broken"), e.getMessage());
      assertArrayEquals(new int[] {4}, e.tasks());
      assertTrue(e.getCause() instanceof IllegalStateException);
      // the runtime still works after a failure
      assertEquals(21, rt.run(tasks, Partitioners.balanced(), (b, part) ->
          part.stream().mapToInt(Integer::intValue).sum(), Reducers.of(Integer::sum)));
    }
  }

  @Test
  @DisplayName("DIST-04 each worker has its own backend instance; sums reduce in task order")
  void ownBackendsAndSum() {
    Set<Backend> seen = Collections.synchronizedSet(Collections.newSetFromMap(
        new IdentityHashMap<>()));
    List<Integer> tasks = List.of(1, 2, 3, 4, 5, 6);
    try (LocalRuntime rt = runtime(3)) {
      FlatTensors sum = rt.run(tasks, Partitioners.balanced(), (backend, part) -> {
        seen.add(backend);
        TensorOps ops = backend.ops();
        Tensor x = ops.fromDoubles(part.stream().mapToDouble(i -> i).toArray(),
            Shape.of(part.size()), DType.FLOAT32);
        return FlatTensors.of(List.of(ops.sum(ops.square(x))));
      }, Reducers.sum());
      assertEquals(91, sum.values()[0], 0);
      assertEquals(3, seen.size(), "three workers, three backends");
      for (Backend b : seen) {
        assertNotSame(backend(), b);
        assertEquals(backend().name(), b.name());
      }
    }
  }

  @Test
  @DisplayName("DIST-05 bad runs are refused: no tasks, a partition that skips a task, a closed runtime")
  void badInput() {
    LocalRuntime rt = runtime(2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> rt.run(List.of(), Partitioners.byTask(), (b, p) -> 1, Reducers.of(Integer::sum)));
    assertTrue(e.getMessage().contains("no tasks"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> rt.run(List.of(1, 2, 3),
        (n, w) -> List.of(new int[] {0}, new int[] {2}), (b, p) -> 1,
        Reducers.of(Integer::sum)));
    assertTrue(e.getMessage().contains("task 2 where task 1 was due"), e.getMessage());
    rt.close();
    IllegalStateException s = assertThrows(IllegalStateException.class, () -> rt.run(
        List.of(1), Partitioners.byTask(), (b, p) -> 1, Reducers.of(Integer::sum)));
    assertTrue(s.getMessage().contains("closed"), s.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LocalRuntime.create(0, "djl", Map.of()));
  }

  @Test
  @DisplayName("DIST-06 a batch split along a tensor axis: parts stack their slices back on each worker")
  void alongAxis() {
    TensorOps ops = backend().ops();
    // a batch of 6 along axis 1 of a (2, 6) tensor and axis 0 of a (6,) tensor
    double[] a = new double[12];
    for (int i = 0; i < a.length; i++) {
      a[i] = i;
    }
    Tensor x = ops.fromDoubles(a, Shape.of(2, 6), DType.FLOAT32);
    Tensor w = ops.fromDoubles(new double[] {1, 2, 3, 4, 5, 6}, Shape.of(6), DType.FLOAT32);
    List<FlatTensors> tasks = dev.diffopt.distributed.Slices.alongAxis(List.of(x, w), -1);
    assertEquals(6, tasks.size());
    assertArrayEquals(new double[] {2, 8, 3}, tasks.get(2).values());
    List<Long> seen = Collections.synchronizedList(new ArrayList<>());
    try (LocalRuntime rt = LocalRuntime.create(2, backend().name(), worker -> {
      seen.add((long) worker);
      return Map.of();
    })) {
      // each part: sum over its columns of w_j * (x_0j + x_1j), from its stacked sub-batch
      double total = rt.run(tasks, Partitioners.balanced(), (backend, part) -> {
        List<Tensor> batch = dev.diffopt.distributed.Slices.stack(part, backend.ops(), -1);
        assertEquals(Shape.of(2, part.size()), batch.get(0).shape());
        TensorOps o = backend.ops();
        return o.sum(o.mul(o.sum(batch.get(0), new int[] {0}, false), batch.get(1))).item();
      }, Reducers.of(Double::sum));
      double expected = 0;
      for (int j = 0; j < 6; j++) {
        expected += (j + 1) * (a[j] + a[6 + j]);
      }
      assertEquals(expected, total, 0);
    }
    assertEquals(List.of(0L, 1L), seen.stream().sorted().toList(), "options asked once per worker");
  }
}
