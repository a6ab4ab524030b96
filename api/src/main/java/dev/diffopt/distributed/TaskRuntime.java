package dev.diffopt.distributed;

import java.util.List;

/**
 * Runs a function over the parts of a batch of tasks on several workers and reduces the results:
 * diffopt's equivalent of TorchOpt's {@code parallelize(partitioner, reducer)}. {@link
 * LocalRuntime} uses threads in this JVM, one backend per worker; the {@code distributed-spark}
 * module runs the same calls on Apache Spark.
 */
public interface TaskRuntime extends AutoCloseable {
  /** Number of workers. */
  int workers();

  /**
   * Splits {@code tasks} with {@code partitioner}, applies {@code fn} to every part on some worker,
   * combines the parts' results with {@code reducer} and returns {@code reducer.finish(total,
   * tasks.size())}.
   *
   * @throws TaskFailedException if {@code fn} throws, naming the part's tasks and the worker
   * @throws IllegalArgumentException if {@code tasks} is empty or the partitioner's parts do not
   *     cover every task once, in order
   */
  <T, R> R run(List<T> tasks, Partitioner partitioner, PartFunction<T, R> fn,
      Reducer<R> reducer);

  /**
   * Makes {@code value} available to every worker, for part functions to capture instead of the
   * value itself (which would travel with every part). The default returns the value as is.
   */
  default <V extends java.io.Serializable> Shared<V> share(V value) {
    if (value == null) {
      throw new NullPointerException("value is null");
    }
    return () -> value;
  }

  /** Stops the workers and frees their backends. */
  @Override
  void close();
}
