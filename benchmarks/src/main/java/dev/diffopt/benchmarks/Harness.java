package dev.diffopt.benchmarks;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small timing harness: every variant runs once per round, the rounds rotate which variant goes
 * first (so drift in the machine, caches and the JIT is shared evenly), the first rounds are
 * warm-up and are discarded, and each variant's timed rounds are summarized by their median.
 */
public final class Harness {
  private Harness() {}

  /**
   * One thing to time.
   *
   * @param name a short name, used in the report
   * @param body one repetition of the work
   */
  public record Variant(String name, Runnable body) {}

  /**
   * A summary of timed repetitions, in nanoseconds.
   *
   * @param median the median
   * @param min the fastest
   * @param p90 the 90th percentile (nearest rank)
   * @param max the slowest
   * @param count the number of timed repetitions
   */
  public record Stats(double median, double min, double p90, double max, int count) {

    /**
     * Summarizes samples.
     *
     * @param samples durations in nanoseconds (not modified), at least one
     * @return the summary
     */
    public static Stats of(long[] samples) {
      if (samples.length == 0) {
        throw new IllegalArgumentException("Stats.of needs at least one sample, got none");
      }
      long[] s = samples.clone();
      Arrays.sort(s);
      int n = s.length;
      double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + (double) s[n / 2]) / 2;
      int p90Index = Math.max(0, (int) Math.ceil(0.9 * n) - 1);
      return new Stats(median, s[0], s[p90Index], s[n - 1], n);
    }

    /**
     * This summary divided by {@code divisor} (e.g. the number of calls in a batch).
     *
     * @param divisor a positive number
     * @return the scaled summary
     */
    public Stats per(double divisor) {
      return new Stats(median / divisor, min / divisor, p90 / divisor, max / divisor, count);
    }
  }

  /**
   * Runs {@code warmup + rounds} rounds; in round {@code r} the variants run in the order {@code
   * r, r+1, ...} (mod their count). Only the last {@code rounds} rounds are recorded.
   *
   * @param variants the variants, each run once per round
   * @param warmup rounds to run first and discard, {@code >= 0}
   * @param rounds timed rounds, {@code >= 1}
   * @return each variant's summary, in the order given
   */
  public static Map<String, Stats> roundRobin(List<Variant> variants, int warmup, int rounds) {
    if (variants.isEmpty()) {
      throw new IllegalArgumentException("roundRobin needs at least one variant");
    }
    if (warmup < 0 || rounds < 1) {
      throw new IllegalArgumentException(
          "roundRobin needs warmup >= 0 and rounds >= 1, got " + warmup + " and " + rounds);
    }
    int v = variants.size();
    long[][] samples = new long[v][rounds];
    for (int r = 0; r < warmup + rounds; r++) {
      for (int k = 0; k < v; k++) {
        int i = (r + k) % v;
        long t0 = System.nanoTime();
        variants.get(i).body().run();
        long t1 = System.nanoTime();
        if (r >= warmup) {
          samples[i][r - warmup] = t1 - t0;
        }
      }
    }
    Map<String, Stats> out = new LinkedHashMap<>();
    for (int i = 0; i < v; i++) {
      out.put(variants.get(i).name(), Stats.of(samples[i]));
    }
    return out;
  }
}
