package dev.diffopt.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The sinusoid regression tasks of MAML (Finn, Abbeel and Levine, ICML 2017, §5.1): {@code y =
 * A·sin(x − φ)} with amplitude {@code A ∈ [0.1, 5]}, phase {@code φ ∈ [0, π]} and inputs {@code x ∈
 * [−5, 5]}, all uniform. Shared by {@link MamlSinusoidDemo} and the MAML benchmarks.
 */
public final class Sinusoid {
  /** Smallest amplitude. */
  public static final double AMPLITUDE_MIN = 0.1;
  /** Largest amplitude (exclusive). */
  public static final double AMPLITUDE_MAX = 5;
  /** Largest phase (exclusive); the smallest is 0. */
  public static final double PHASE_MAX = Math.PI;
  /** Smallest input. */
  public static final double X_MIN = -5;
  /** Largest input (exclusive). */
  public static final double X_MAX = 5;

  private Sinusoid() {}

  /**
   * One task with its support points {@code (xs, ys)} and query points {@code (xq, yq)}.
   *
   * @param amplitude {@code A}
   * @param phase {@code φ}
   * @param xs support inputs
   * @param ys support targets
   * @param xq query inputs
   * @param yq query targets
   */
  public record Task(
      double amplitude, double phase, double[] xs, double[] ys, double[] xq, double[] yq)
      implements java.io.Serializable {
    /**
     * The task's function.
     *
     * @param x an input
     * @return {@code A·sin(x − φ)}
     */
    public double at(double x) {
      return amplitude * Math.sin(x - phase);
    }
  }

  /**
   * Draws one task and its points: amplitude, phase, then the support and the query inputs.
   *
   * @param random the source of randomness
   * @param support support points
   * @param query query points
   * @return the task
   */
  public static Task sample(SplittableRandom random, int support, int query) {
    double amplitude = random.nextDouble(AMPLITUDE_MIN, AMPLITUDE_MAX);
    double phase = random.nextDouble(0, PHASE_MAX);
    double[] xs = new double[support];
    double[] ys = new double[support];
    double[] xq = new double[query];
    double[] yq = new double[query];
    for (int i = 0; i < support; i++) {
      xs[i] = random.nextDouble(X_MIN, X_MAX);
      ys[i] = amplitude * Math.sin(xs[i] - phase);
    }
    for (int i = 0; i < query; i++) {
      xq[i] = random.nextDouble(X_MIN, X_MAX);
      yq[i] = amplitude * Math.sin(xq[i] - phase);
    }
    return new Task(amplitude, phase, xs, ys, xq, yq);
  }

  /**
   * Draws {@code count} tasks from one seeded source.
   *
   * @param random the source of randomness
   * @param count the number of tasks
   * @param support support points per task
   * @param query query points per task
   * @return the tasks
   */
  public static List<Task> sample(SplittableRandom random, int count, int support, int query) {
    List<Task> tasks = new ArrayList<>(count);
    for (int t = 0; t < count; t++) {
      tasks.add(sample(random, support, query));
    }
    return tasks;
  }

  /**
   * Draws {@code count} tasks, seeded.
   *
   * @param count the number of tasks
   * @param support support points per task
   * @param query query points per task
   * @param seed the seed
   * @return the tasks
   */
  public static List<Task> sample(int count, int support, int query, long seed) {
    return sample(new SplittableRandom(seed), count, support, query);
  }
}
