package dev.diffopt.distributed;

import java.io.Serializable;
import java.util.List;

/**
 * Splits a batch of tasks into parts, each run by one worker call (TorchOpt's {@code
 * partitioner} of {@code parallelize}). A part is an array of task indices; the parts must hold
 * every index in {@code [0, tasks)} exactly once, each part in increasing order, the parts in task
 * order (so reductions add in task order). Ready ones are in {@link Partitioners}.
 */
@FunctionalInterface
public interface Partitioner extends Serializable {
  /**
   * The parts for {@code tasks} tasks on {@code workers} workers.
   *
   * @param tasks at least 1
   * @param workers at least 1
   * @return the parts, in task order
   */
  List<int[]> split(int tasks, int workers);
}
