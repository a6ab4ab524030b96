package dev.diffopt.distributed;

import java.io.Serializable;

/**
 * Combines the results of the parts into one (TorchOpt's {@code reducer} of {@code parallelize}).
 * {@link #combine} must be associative: the local runtime folds the parts in task order, a cluster
 * runtime first within each executor and then in a tree, so only the rounding may differ. Ready
 * ones are in {@link Reducers}.
 *
 * @param <R> the result of one part and of the whole
 */
public interface Reducer<R> extends Serializable {
  /**
   * The result of two adjacent groups of tasks.
   *
   * @param earlier the result of the earlier tasks
   * @param later the result of the tasks right after them
   * @return their combination
   */
  R combine(R earlier, R later);

  /**
   * The final result from the combination of every part; {@code tasks} is how many tasks went in
   * (a mean divides by it). The default returns {@code total}.
   */
  default R finish(R total, int tasks) {
    return total;
  }
}
