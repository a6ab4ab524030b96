package dev.diffopt.distributed;

import dev.diffopt.spi.Backend;
import java.io.Serializable;
import java.util.List;

/**
 * What a worker computes for one part of the tasks, on the worker's own backend. It runs inside a
 * {@link dev.diffopt.tensor.Scope} that closes when it returns, so its result must be host data
 * (for example {@link FlatTensors}), never tensors. A cluster runtime serializes it, with what it
 * captures, to its executors.
 *
 * @param <T> the task type (serializable for a cluster runtime)
 * @param <R> the part's result
 */
@FunctionalInterface
public interface PartFunction<T, R> extends Serializable {
  /**
   * The result of {@code part} (its tasks in task order).
   *
   * @param backend the worker's backend
   * @param part the tasks of this part
   * @return the part's result, host data only
   */
  R apply(Backend backend, List<T> part);
}
