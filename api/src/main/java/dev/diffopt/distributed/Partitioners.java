package dev.diffopt.distributed;

import java.util.ArrayList;
import java.util.List;

/**
 * The usual {@link Partitioner}s, after TorchOpt's {@code dim_partitioner} family: exclusive (one
 * task per call), balanced (one contiguous group per worker) and fixed-size groups.
 */
public final class Partitioners {
  private Partitioners() {}

  /** Every task its own part (TorchOpt's {@code exclusive_batch_partitioner}). */
  public static Partitioner byTask() {
    return (tasks, workers) -> {
      check(tasks, workers);
      List<int[]> parts = new ArrayList<>(tasks);
      for (int i = 0; i < tasks; i++) {
        parts.add(new int[] {i});
      }
      return parts;
    };
  }

  /**
   * {@code min(tasks, workers)} contiguous parts whose sizes differ by at most one, the larger
   * first (TorchOpt's {@code batch_partitioner}: the batch dimension split across workers).
   */
  public static Partitioner balanced() {
    return (tasks, workers) -> {
      check(tasks, workers);
      int parts = Math.min(tasks, workers);
      List<int[]> out = new ArrayList<>(parts);
      int at = 0;
      for (int p = 0; p < parts; p++) {
        int size = tasks / parts + (p < tasks % parts ? 1 : 0);
        out.add(range(at, size));
        at += size;
      }
      return out;
    };
  }

  /**
   * Contiguous parts of {@code size} tasks (the last may be smaller), whatever the number of
   * workers: the grouping, and so the rounding of the reduction, does not depend on it.
   *
   * @throws IllegalArgumentException unless {@code size >= 1}
   */
  public static Partitioner groupsOf(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("groupsOf needs a group size >= 1, got " + size);
    }
    return (tasks, workers) -> {
      check(tasks, workers);
      List<int[]> out = new ArrayList<>();
      for (int at = 0; at < tasks; at += size) {
        out.add(range(at, Math.min(size, tasks - at)));
      }
      return out;
    };
  }

  /**
   * Checks what a partitioner returned: every task exactly once, in task order.
   *
   * @throws IllegalArgumentException naming the first problem
   */
  public static List<int[]> validate(List<int[]> parts, int tasks) {
    if (parts == null || parts.isEmpty()) {
      throw new IllegalArgumentException("the partitioner returned no parts for " + tasks
          + " tasks");
    }
    int next = 0;
    for (int p = 0; p < parts.size(); p++) {
      int[] part = parts.get(p);
      if (part == null || part.length == 0) {
        throw new IllegalArgumentException("part " + p + " of the partitioner is empty");
      }
      for (int index : part) {
        if (index != next) {
          throw new IllegalArgumentException("part " + p + " holds task " + index + " where task "
              + next + " was due: parts must cover 0.." + (tasks - 1) + " once, in order");
        }
        next++;
      }
    }
    if (next != tasks) {
      throw new IllegalArgumentException(
          "the parts cover " + next + " tasks, not all " + tasks);
    }
    return parts;
  }

  private static void check(int tasks, int workers) {
    if (tasks < 1 || workers < 1) {
      throw new IllegalArgumentException(
          "need tasks >= 1 and workers >= 1, got " + tasks + " and " + workers);
    }
  }

  private static int[] range(int from, int size) {
    int[] r = new int[size];
    for (int i = 0; i < size; i++) {
      r[i] = from + i;
    }
    return r;
  }
}
