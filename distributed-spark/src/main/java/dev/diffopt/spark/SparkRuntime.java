package dev.diffopt.spark;

import dev.diffopt.distributed.PartFunction;
import dev.diffopt.distributed.Partitioner;
import dev.diffopt.distributed.Partitioners;
import dev.diffopt.distributed.Reducer;
import dev.diffopt.distributed.Shared;
import dev.diffopt.distributed.TaskFailedException;
import dev.diffopt.distributed.TaskRuntime;
import dev.diffopt.tensor.Scope;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The {@link TaskRuntime} on Apache Spark: the parts of a run become the elements of an RDD, each
 * Spark partition folds its parts in task order on its executor ({@code mapPartitions}), and the
 * per-partition results meet in a {@code treeAggregate}. Every executor JVM computes on its own
 * backend instance ({@link ExecutorBackends}); values shared by all parts travel once per executor
 * as broadcast variables ({@link #share}), e.g. the meta-parameters as one flat buffer.
 *
 * <p>Spark retries a failed task ({@code spark.task.maxFailures}, 4 here also in local mode) and
 * recomputes the partitions of an executor that died; a partition's result enters the reduction
 * once, when its task succeeds, so no part is lost or counted twice. When the retries are
 * exhausted the run fails with the {@link TaskFailedException} the executor raised (naming the
 * part's tasks and the executor), or one wrapping Spark's error. The order in which partitions'
 * results are combined can vary, so a reducer used here must be commutative as well as
 * associative; sums are, and only their rounding varies.
 *
 * <p>Spark is a {@code provided} dependency: bring the cluster's version (Spark 4, Scala 2.13).
 * On Java 17 the JVM needs Spark's {@code --add-opens} list (see the module's README).
 */
public final class SparkRuntime implements TaskRuntime {
  private final JavaSparkContext context;
  private final boolean owned;
  private final String backend;
  private final Map<String, String> options;

  private SparkRuntime(JavaSparkContext context, boolean owned, String backend,
      Map<String, String> options) {
    this.context = context;
    this.owned = owned;
    this.backend = backend;
    this.options = Map.copyOf(options);
  }

  /**
   * Starts Spark embedded in this JVM with {@code threads} executor threads ({@code
   * local[threads,4]}: a failing task is tried up to 4 times), bound to 127.0.0.1.
   *
   * @param threads at least 1
   * @param backend the backend the executors compute on, e.g. {@code djl}
   * @param options its options
   */
  public static SparkRuntime local(int threads, String backend, Map<String, String> options) {
    if (threads < 1) {
      throw new IllegalArgumentException("local Spark needs threads >= 1, got " + threads);
    }
    return connect("local[" + threads + ",4]", backend, options);
  }

  /**
   * Connects to the cluster at {@code master} ({@code spark://host:7077}, {@code yarn}, {@code
   * local[N]}, ...) with diffopt's defaults: Kryo serialization (records through {@link
   * RecordKryoRegistrator}), no web UI, 4 task attempts. The
   * application's jars must reach the executors as usual ({@code spark-submit}, or {@code
   * spark.jars}/{@code spark.executor.extraClassPath} in {@code conf}).
   *
   * @param master the master URL
   * @param backend the backend the executors compute on
   * @param options its options
   */
  public static SparkRuntime connect(String master, String backend, Map<String, String> options) {
    return connect(master, backend, options, Map.of());
  }

  /**
   * As {@link #connect(String, String, Map)}, with extra Spark settings that override the
   * defaults.
   */
  public static SparkRuntime connect(String master, String backend, Map<String, String> options,
      Map<String, String> conf) {
    if (master == null || master.isBlank()) {
      throw new IllegalArgumentException("a Spark master URL is needed, got '" + master + "'");
    }
    SparkConf c = new SparkConf().setMaster(master).setAppName("diffopt")
        .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .set("spark.kryo.registrator", RecordKryoRegistrator.class.getName())
        .set("spark.ui.enabled", "false")
        .set("spark.task.maxFailures", "4")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1");
    conf.forEach(c::set);
    return new SparkRuntime(new JavaSparkContext(c), true, checkBackend(backend), options);
  }

  /**
   * Runs on an existing Spark context (not stopped by {@link #close}).
   *
   * @param context the application's context
   * @param backend the backend the executors compute on
   * @param options its options
   */
  public static SparkRuntime on(JavaSparkContext context, String backend,
      Map<String, String> options) {
    if (context == null) {
      throw new NullPointerException("context is null");
    }
    return new SparkRuntime(context, false, checkBackend(backend), options);
  }

  private static String checkBackend(String backend) {
    if (backend == null || backend.isBlank()) {
      throw new IllegalArgumentException("a backend name is needed, got '" + backend + "'");
    }
    return backend;
  }

  /** The Spark context. */
  public JavaSparkContext context() {
    return context;
  }

  /** Spark's default parallelism (executor cores in all). */
  @Override
  public int workers() {
    return context.defaultParallelism();
  }

  /** A broadcast variable: sent once per executor, freed by {@link Shared#release}. */
  @Override
  public <V extends Serializable> Shared<V> share(V value) {
    if (value == null) {
      throw new NullPointerException("value is null");
    }
    return new BroadcastShared<>(context.broadcast(value));
  }

  private static final class BroadcastShared<V> implements Shared<V> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<V> broadcast;

    BroadcastShared(Broadcast<V> broadcast) {
      this.broadcast = broadcast;
    }

    @Override
    public V get() {
      return broadcast.value();
    }

    @Override
    public void release() {
      broadcast.destroy();
    }
  }

  /** One part of a run as an RDD element: its position, its task indices and its tasks. */
  record Part<T>(int index, int[] tasks, List<T> items) implements Serializable {}

  /** A partition's fold: the index of its first part and the combined result, or none. */
  record Partial<R>(int first, R result) implements Serializable {}

  @Override
  public <T, R> R run(List<T> tasks, Partitioner partitioner, PartFunction<T, R> fn,
      Reducer<R> reducer) {
    if (tasks == null || partitioner == null || fn == null || reducer == null) {
      throw new NullPointerException("tasks, partitioner, fn and reducer must not be null");
    }
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("no tasks to run");
    }
    int total = tasks.size();
    List<int[]> split = Partitioners.validate(partitioner.split(total, workers()), total);
    List<Part<T>> parts = new ArrayList<>(split.size());
    for (int p = 0; p < split.size(); p++) {
      List<T> items = new ArrayList<>(split.get(p).length);
      for (int i : split.get(p)) {
        items.add(tasks.get(i));
      }
      parts.add(new Part<>(p, split.get(p), items));
    }
    String name = backend;
    Map<String, String> opts = options;
    JavaRDD<Part<T>> rdd = context.parallelize(parts, Math.min(parts.size(), workers()));
    JavaRDD<Partial<R>> partials = rdd.mapPartitions(
        (Iterator<Part<T>> it) -> foldPartition(it, fn, reducer, name, opts, total));
    Partial<R> combined;
    try {
      org.apache.spark.api.java.function.Function2<Partial<R>, Partial<R>, Partial<R>> merge =
          merge(reducer);
      combined = partials.treeAggregate(new Partial<R>(-1, null), merge, merge);
    } catch (Exception e) {
      // Scala throws SparkException (checked in Java) without declaring it
      throw unwrap(e, total);
    }
    return reducer.finish(combined.result(), total);
  }

  private static <T, R> Iterator<Partial<R>> foldPartition(Iterator<Part<T>> it,
      PartFunction<T, R> fn, Reducer<R> reducer, String backend, Map<String, String> options,
      int total) {
    Partial<R> acc = null;
    while (it.hasNext()) {
      Part<T> part = it.next();
      R r;
      try (Scope scope = Scope.open()) {
        r = fn.apply(ExecutorBackends.get(backend, options), Collections.unmodifiableList(
            part.items()));
      } catch (RuntimeException | Error e) {
        TaskContext tc = TaskContext.get();
        String where = "spark executor " + org.apache.spark.SparkEnv.get().executorId()
            + (tc == null ? "" : ", attempt " + tc.attemptNumber());
        throw new TaskFailedException(part.tasks(), total, where, e);
      }
      acc = acc == null ? new Partial<>(part.index(), r)
          : new Partial<>(acc.first(), reducer.combine(acc.result(), r));
    }
    return acc == null ? Collections.emptyIterator() : List.of(acc).iterator();
  }

  /** Combines two partials; the empty one (no result) is the identity. */
  private static <R> org.apache.spark.api.java.function.Function2<Partial<R>, Partial<R>,
      Partial<R>> merge(Reducer<R> reducer) {
    return (a, b) -> {
      if (a.result() == null) {
        return b;
      }
      if (b.result() == null) {
        return a;
      }
      // keep task order where Spark's order allows it: the earlier parts go left
      return a.first() <= b.first()
          ? new Partial<>(a.first(), reducer.combine(a.result(), b.result()))
          : new Partial<>(b.first(), reducer.combine(b.result(), a.result()));
    };
  }

  private static RuntimeException unwrap(Exception e, int total) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TaskFailedException f) {
        return f;
      }
    }
    if (!(e instanceof SparkException) && e instanceof RuntimeException r) {
      return r;
    }
    return new TaskFailedException(new int[0], total, "spark", e);
  }

  @Override
  public void close() {
    if (owned) {
      context.stop();
    }
  }

  @Override
  public String toString() {
    return "SparkRuntime(" + context.master() + ", " + workers() + " workers, " + backend + ")";
  }
}
