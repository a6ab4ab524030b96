package dev.diffopt.benchmarks;

import dev.diffopt.tree.Flat;
import dev.diffopt.tree.TreeSpec;
import dev.diffopt.tree.Trees;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cost of one {@code flatten} + {@code unflatten} round trip on the global tree registry, for
 * two trees whose leaves are {@link Integer}s (the leaves' type does not matter to either call):
 *
 * <ul>
 *   <li>{@code map100}: a map of 100 leaves {@code p000..p099};
 *   <li>{@code nested1000}: {@code {block0..block9: [{w, b, stats: [3 leaves], buf: [5 leaves]} ×
 *       10]}}: 1,000 leaves in 311 containers.
 * </ul>
 *
 * <p>The maps are {@link HashMap}s, i.e. map nodes with sorted keys (as optree's {@code dict}).
 * After a warm-up, batches of calls for the two trees alternate; each batch's time divided by its
 * calls is one sample, and the median sample is reported. The optree figures the speed-ups are
 * computed against (12 µs and 100 µs) are quoted from the issue, not measured here.
 */
public final class TreeBenchmark {
  /** optree's round trip for the 100-leaf map on the machine, in µs (quoted). */
  static final double OPTREE_MAP100_US = 12;
  /** optree's round trip for the 1,000-leaf nested tree on the machine, in µs (quoted). */
  static final double OPTREE_NESTED1000_US = 100;

  private static long sink;

  private TreeBenchmark() {}

  /**
   * What to run.
   *
   * @param warmupCalls untimed round trips of each tree first
   * @param batches timed batches of each tree
   * @param batchMicros the target duration of one batch, in µs (sets the calls per batch)
   */
  public record Config(int warmupCalls, int batches, int batchMicros) {
    /** 200,000 warm-up calls per tree, then 300 batches of about 2 ms per tree. */
    public static final Config DEFAULT = new Config(200_000, 300, 2_000);

    /**
     * Validates the values.
     *
     * @param warmupCalls at least 0
     * @param batches at least 1
     * @param batchMicros at least 1
     */
    public Config {
      if (warmupCalls < 0 || batches < 1 || batchMicros < 1) {
        throw new IllegalArgumentException("need warmup >= 0, batches >= 1, batch-us >= 1; got "
            + warmupCalls + ", " + batches + ", " + batchMicros);
      }
    }

    /**
     * Parses {@code --warmup=N --batches=N --batch-us=N} over {@link #DEFAULT}.
     *
     * @param args the arguments
     * @return the configuration
     */
    public static Config parse(String... args) {
      Args a = new Args(args, Set.of("warmup", "batches", "batch-us"));
      return new Config(a.intValue("warmup", DEFAULT.warmupCalls, 0),
          a.intValue("batches", DEFAULT.batches, 1), a.intValue("batch-us", DEFAULT.batchMicros, 1));
    }
  }

  /**
   * Runs the benchmark with the settings of {@link Config#parse}; exits with status 1 if a
   * correctness check fails.
   *
   * @param args {@code --warmup=N --batches=N --batch-us=N}, all optional
   */
  public static void main(String[] args) {
    boolean ok = run(Config.parse(args), System.out);
    System.out.flush();
    System.exit(ok ? 0 : 1);
  }

  /**
   * The 100-leaf map {@code {p000: 0, ..., p099: 99}}.
   *
   * @return a new tree
   */
  public static Map<String, Object> map100() {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      m.put(String.format("p%03d", i), i);
    }
    return m;
  }

  /**
   * The nested tree {@code {block0..block9: [{w, b, stats: [3], buf: [5]} × 10]}}: 1,000 leaves,
   * 311 containers.
   *
   * @return a new tree
   */
  public static Map<String, Object> nested1000() {
    int leaf = 0;
    Map<String, Object> root = new HashMap<>();
    for (int block = 0; block < 10; block++) {
      List<Object> layers = new ArrayList<>();
      for (int layer = 0; layer < 10; layer++) {
        Map<String, Object> m = new HashMap<>();
        m.put("w", leaf++);
        m.put("b", leaf++);
        List<Object> stats = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
          stats.add(leaf++);
        }
        List<Object> buf = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
          buf.add(leaf++);
        }
        m.put("stats", stats);
        m.put("buf", buf);
        layers.add(m);
      }
      root.put("block" + block, layers);
    }
    return root;
  }

  /**
   * One round trip: flatten, then rebuild from the spec and the leaves.
   *
   * @param tree the tree
   * @return the rebuilt tree
   */
  static Object roundTrip(Object tree) {
    Flat flat = Trees.flatten(tree);
    return Trees.unflatten(flat.spec(), flat.leaves());
  }

  private static void calls(Object tree, int count) {
    long s = 0;
    for (int i = 0; i < count; i++) {
      s += ((Map<?, ?>) roundTrip(tree)).size();
    }
    sink += s;
  }

  /**
   * Runs the benchmark and writes its report.
   *
   * @param config what to run
   * @param out where the report goes
   * @return whether every correctness check passed
   */
  public static boolean run(Config config, PrintStream out) {
    Report report = new Report(out);
    report.environment();
    Map<String, Object> map = map100();
    Map<String, Object> nested = nested1000();
    boolean ok = check(report, "map100", map, 100, 1);
    ok &= check(report, "nested1000", nested, 1000, 311);

    calls(map, config.warmupCalls());
    calls(nested, config.warmupCalls());
    int mapBatch = batchCalls(map, config.batchMicros());
    int nestedBatch = batchCalls(nested, config.batchMicros());
    report.note("tree: %d warm-up calls per tree, then %d batches per tree (%d and %d calls),"
            + " interleaved round-robin", config.warmupCalls(), config.batches(), mapBatch,
        nestedBatch);

    Map<String, Harness.Stats> stats = Harness.roundRobin(List.of(
        new Harness.Variant("map100", () -> calls(map, mapBatch)),
        new Harness.Variant("nested1000", () -> calls(nested, nestedBatch))), 0, config.batches());
    Harness.Stats m = stats.get("map100").per(mapBatch * 1e3);
    Harness.Stats n = stats.get("nested1000").per(nestedBatch * 1e3);
    report.note("%-11s %10s %10s %10s   (µs per flatten + unflatten)", "tree", "median", "min",
        "p90");
    report.note("%-11s %10.3f %10.3f %10.3f", "map100", m.median(), m.min(), m.p90());
    report.note("%-11s %10.3f %10.3f %10.3f", "nested1000", n.median(), n.min(), n.p90());
    report.metric("tree_roundtrip_us_map100", m.median(), 3, "us");
    report.metric("tree_roundtrip_us_nested1000", n.median(), 3, "us");
    report.metric("tree_speedup_vs_optree_map100", OPTREE_MAP100_US / m.median(), 1, "x");
    report.metric("tree_speedup_vs_optree_nested1000", OPTREE_NESTED1000_US / n.median(), 1, "x");
    report.note("the optree figures (%.0f µs for map100, %.0f µs for nested1000) are quoted from"
        + " the issue (optree, TorchOpt's C++ pytree library, on the issue's machine), not measured"
        + " here; goal: at least 10x", OPTREE_MAP100_US, OPTREE_NESTED1000_US);
    report.note("(sink %d)", sink);
    return ok;
  }

  private static boolean check(
      Report report, String name, Object tree, int leaves, int containers) {
    Flat flat = Trees.flatten(tree);
    TreeSpec spec = flat.spec();
    int gotContainers = spec.numNodes() - spec.numLeaves();
    boolean ok = spec.numLeaves() == leaves && gotContainers == containers
        && roundTrip(tree).equals(tree);
    report.note("check %s: %d leaves, %d containers, round trip equal: %s", name,
        spec.numLeaves(), gotContainers, ok ? "ok" : "FAILED");
    return ok;
  }

  /** The calls per batch that take about {@code micros} µs, from a timed probe of 1,000 calls. */
  private static int batchCalls(Object tree, int micros) {
    long t0 = System.nanoTime();
    calls(tree, 1000);
    double perCall = (System.nanoTime() - t0) / 1000.0;
    return (int) Math.max(1, Math.min(1_000_000, Math.round(micros * 1e3 / perCall)));
  }
}
