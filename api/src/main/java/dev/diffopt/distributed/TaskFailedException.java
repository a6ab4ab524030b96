package dev.diffopt.distributed;

import java.util.Arrays;

/**
 * A part of a distributed run failed: the message names the tasks of the part, the worker and the
 * exception, which is the cause. The run's other results are discarded, so nothing is half
 * reduced.
 */
public final class TaskFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int[] tasks;
  private final String worker;

  /**
   * A failure of the part holding {@code tasks}.
   *
   * @param tasks the task indices of the part (empty where the runtime cannot tell)
   * @param total the number of tasks in the run
   * @param worker where it ran, e.g. {@code "local worker 1 (djl)"}
   * @param cause what the part's function threw
   */
  public TaskFailedException(int[] tasks, int total, String worker, Throwable cause) {
    super((tasks.length == 0 ? "a part" : tasks.length == 1 ? "task " + tasks[0]
        : "tasks " + describe(tasks)) + " (of " + total + ") failed on " + worker + ": " + cause,
        cause);
    this.tasks = tasks.clone();
    this.worker = worker;
  }

  private static String describe(int[] tasks) {
    boolean contiguous = true;
    for (int i = 1; i < tasks.length; i++) {
      contiguous &= tasks[i] == tasks[i - 1] + 1;
    }
    return contiguous ? tasks[0] + ".." + tasks[tasks.length - 1] : Arrays.toString(tasks);
  }

  /** The task indices of the failed part. */
  public int[] tasks() {
    return tasks.clone();
  }

  /** Where the part ran. */
  public String worker() {
    return worker;
  }
}
