package dev.diffopt.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.tracker.Tracker;
import dev.diffopt.Backends;
import dev.diffopt.djl.DjlBackend;
import dev.diffopt.djl.DjlTensor;
import dev.diffopt.optim.Adam;
import dev.diffopt.optim.Optimizer;
import dev.diffopt.spi.Backend;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.GradientTransformation;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One Adam step over many float32 tensors on the DJL backend, four ways side by side in one run:
 *
 * <ol>
 *   <li>{@code fused}: diffopt's {@link Optimizer#of} (the backend's fused multi-tensor kernel when
 *       it has one for Adam, else the op-by-op path; the report says which);
 *   <li>{@code opbyop}: diffopt's {@link Optimizer#opByOp} (one libtorch op per term and tensor);
 *   <li>{@code djl}: DJL's own {@code Optimizer.adam()}, {@code update(id, weight, grad)} once per
 *       tensor, as DJL's {@code Trainer} applies it;
 *   <li>{@code copy}: the bandwidth reference, {@link ByteBuffer#put(int, ByteBuffer, int, int)}
 *       from each gradient's zero-copy view into another tensor's zero-copy view (the same bytes).
 * </ol>
 *
 * <p>Every variant has its own parameters and state and sees the same gradients, with the same
 * hyper-parameters (η = 1e-3, β = (0.9, 0.999), ε = 1e-8). The gradients are constant, so after
 * {@code S} steps each parameter must equal {@code p0 − S·η·g/(|g| + ε)}; the run checks that for
 * every Adam variant (so each really did its steps on its own memory) and fails if one is off.
 *
 * <p>Adam moves 28 bytes per element (reads p, g, m, v; writes p, m, v), the copy 8 (read 4, write
 * 4): the bandwidth fraction is {@code (28·n / t_adam) / (8·n / t_copy)}.
 */
public final class AdamBenchmark {
  static final double LR = 1e-3;
  static final double B1 = 0.9;
  static final double B2 = 0.999;
  static final double EPS = 1e-8;
  /** Bytes an Adam step moves per element: reads p, g, m, v and writes p, m, v (float32). */
  static final int ADAM_BYTES = 28;
  /** Bytes a copy moves per element: one float32 read and one written. */
  static final int COPY_BYTES = 8;

  private AdamBenchmark() {}

  /**
   * What to run.
   *
   * @param tensors the number of parameter tensors
   * @param elements the total number of float32 elements, spread evenly over the tensors
   * @param warmup untimed rounds first
   * @param rounds timed rounds (each runs every variant once)
   */
  public record Config(int tensors, int elements, int warmup, int rounds) {
    /** The setting: 100 tensors, 10M elements; 15 warm-up and 60 timed rounds. */
    public static final Config DEFAULT = new Config(100, 10_000_000, 15, 60);

    /**
     * Validates the values.
     *
     * @param tensors at least 1
     * @param elements at least {@code tensors}
     * @param warmup at least 0
     * @param rounds at least 1
     */
    public Config {
      if (tensors < 1 || elements < tensors || warmup < 0 || rounds < 1) {
        throw new IllegalArgumentException("need tensors >= 1, elements >= tensors, warmup >= 0,"
            + " rounds >= 1; got " + tensors + ", " + elements + ", " + warmup + ", " + rounds);
      }
    }

    /**
     * Parses {@code --tensors=N --elements=N --warmup=N --rounds=N} over {@link #DEFAULT}.
     *
     * @param args the arguments
     * @return the configuration
     */
    public static Config parse(String... args) {
      Args a = new Args(args, Set.of("tensors", "elements", "warmup", "rounds"));
      return new Config(a.intValue("tensors", DEFAULT.tensors, 1),
          a.intValue("elements", DEFAULT.elements, 1), a.intValue("warmup", DEFAULT.warmup, 0),
          a.intValue("rounds", DEFAULT.rounds, 1));
    }
  }

  /**
   * Runs the benchmark with the settings of {@link Config#parse}; exits with status 1 if a
   * correctness check fails.
   *
   * @param args {@code --tensors=N --elements=N --warmup=N --rounds=N}, all optional
   */
  public static void main(String[] args) {
    boolean ok = run(Config.parse(args), System.out);
    System.out.flush();
    System.exit(ok ? 0 : 1);
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
    Backend backend = Backends.get("djl");
    if (!(backend instanceof DjlBackend)) {
      throw new IllegalStateException("the djl backend is not a DjlBackend: " + backend);
    }
    report.note("backend %s; libtorch threads: %d intra-op, %d inter-op", backend,
        JniUtils.getNumThreads(), JniUtils.getNumInteropThreads());
    TensorOps ops = backend.ops();
    int n = config.elements();
    int[] sizes = new int[config.tensors()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = n / sizes.length + (i < n % sizes.length ? 1 : 0);
    }
    report.note("adam: %d float32 tensors, %d elements in all (%.1f MB per tensor set); "
            + "%d warm-up + %d timed rounds, variants interleaved round-robin",
        sizes.length, n, 4.0 * n / 1e6, config.warmup(), config.rounds());

    try (Scope scope = Scope.open()) {
      // host copies of the initial parameters and the (constant) gradients, for the check
      float[][] p0 = new float[sizes.length][];
      float[][] g = new float[sizes.length][];
      SplittableRandom random = new SplittableRandom(42);
      for (int i = 0; i < sizes.length; i++) {
        p0[i] = new float[sizes[i]];
        g[i] = new float[sizes[i]];
        for (int j = 0; j < sizes[i]; j++) {
          p0[i][j] = (float) random.nextGaussian();
          double u = random.nextDouble(-1, 1);
          g[i][j] = (float) (u + Math.copySign(0.1, u)); // |g| >= 0.1: ε placement is immaterial
        }
      }
      List<Tensor> grads = tensors(ops, g);
      List<Tensor> fusedParams = tensors(ops, p0);
      List<Tensor> opByOpParams = tensors(ops, p0);
      List<Tensor> djlParams = tensors(ops, p0);
      List<Tensor> copyTargets = new ArrayList<>();
      for (int size : sizes) {
        copyTargets.add(ops.zeros(Shape.of(size), DType.FLOAT32));
      }

      GradientTransformation adam =
          Adam.of(Adam.Options.builder().lr(LR).b1(B1).b2(B2).eps(EPS).build());
      try (Optimizer fused = Optimizer.of(backend, adam, fusedParams);
          Optimizer opByOp = Optimizer.opByOp(backend, adam, opByOpParams)) {
        boolean fusedActive = fused.isFused();
        report.metric("adam_fused_active", fusedActive ? 1 : 0, 0, "flag");
        if (!fusedActive) {
          report.note("NOTE: fused path NOT active: Optimizer.of(...).isFused() is false on this"
              + " backend, so every adam_fused_* metric below measures what Optimizer.of does"
              + " now, i.e. the op-by-op path, not a fused kernel");
        }

        ai.djl.training.optimizer.Optimizer djlAdam = ai.djl.training.optimizer.Optimizer.adam()
            .optLearningRateTracker(Tracker.fixed((float) LR))
            .optBeta1((float) B1)
            .optBeta2((float) B2)
            .optEpsilon((float) EPS)
            .build();
        String[] ids = new String[sizes.length];
        NDArray[] djlWeights = new NDArray[sizes.length];
        NDArray[] djlGrads = new NDArray[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
          ids[i] = String.format("p%03d", i);
          djlWeights[i] = ((DjlTensor) djlParams.get(i)).ndArray();
          djlGrads[i] = ((DjlTensor) grads.get(i)).ndArray();
        }

        ByteBuffer[] copyFrom = new ByteBuffer[sizes.length];
        ByteBuffer[] copyTo = new ByteBuffer[sizes.length];
        boolean direct = true;
        for (int i = 0; i < sizes.length; i++) {
          copyFrom[i] = ((DjlTensor) grads.get(i)).ndArray().toByteBuffer(true);
          copyTo[i] = ((DjlTensor) copyTargets.get(i)).ndArray().toByteBuffer(true);
          direct &= copyFrom[i].isDirect() && copyTo[i].isDirect();
          if (copyFrom[i].capacity() != 4 * sizes[i] || copyTo[i].capacity() != 4 * sizes[i]) {
            throw new IllegalStateException("tensor " + i + ": byte view has capacity "
                + copyFrom[i].capacity() + "/" + copyTo[i].capacity() + ", expected "
                + 4 * sizes[i]);
          }
        }
        report.note("copy reference: ByteBuffer.put(int, ByteBuffer, int, int) between zero-copy"
            + " views (toByteBuffer(true)) of DJL tensors, %s buffers", direct ? "direct" : "HEAP");

        List<Harness.Variant> variants = List.of(
            new Harness.Variant("fused", () -> fused.step(grads)),
            new Harness.Variant("opbyop", () -> opByOp.step(grads)),
            new Harness.Variant("djl", () -> {
              for (int i = 0; i < ids.length; i++) {
                djlAdam.update(ids[i], djlWeights[i], djlGrads[i]);
              }
            }),
            new Harness.Variant("copy", () -> {
              for (int i = 0; i < copyFrom.length; i++) {
                copyTo[i].put(0, copyFrom[i], 0, copyFrom[i].capacity());
              }
            }));
        Map<String, Harness.Stats> stats =
            Harness.roundRobin(variants, config.warmup(), config.rounds());

        report.note("%-8s %10s %10s %10s %10s %12s", "variant", "median ms", "min ms", "p90 ms",
            "max ms", "GB/s (med)");
        for (Map.Entry<String, Harness.Stats> e : stats.entrySet()) {
          Harness.Stats s = e.getValue();
          int bytes = e.getKey().equals("copy") ? COPY_BYTES : ADAM_BYTES;
          report.note("%-8s %10.3f %10.3f %10.3f %10.3f %12.2f", e.getKey(),
              Report.ms(s.median()), Report.ms(s.min()), Report.ms(s.p90()), Report.ms(s.max()),
              (double) bytes * n / s.median());
        }

        double tFused = stats.get("fused").median();
        double tOpByOp = stats.get("opbyop").median();
        double tDjl = stats.get("djl").median();
        double tCopy = stats.get("copy").median();
        double fusedGbs = (double) ADAM_BYTES * n / tFused;
        double copyGbs = (double) COPY_BYTES * n / tCopy;
        report.metric("adam_fused_ms", Report.ms(tFused), 3, "ms");
        report.metric("adam_opbyop_ms", Report.ms(tOpByOp), 3, "ms");
        report.metric("adam_djl_ms", Report.ms(tDjl), 3, "ms");
        report.metric("copy_ms", Report.ms(tCopy), 3, "ms");
        report.metric("adam_fused_speedup_vs_djl", tDjl / tFused, 3, "x");
        report.metric("adam_opbyop_speedup_vs_djl", tDjl / tOpByOp, 3, "x");
        report.metric("adam_fused_bandwidth_gbs", fusedGbs, 2, "GB/s");
        report.metric("copy_bandwidth_gbs", copyGbs, 2, "GB/s");
        report.metric("adam_fused_bandwidth_fraction", fusedGbs / copyGbs, 3, "fraction");
        report.note("goal adam_fused_speedup_vs_djl >= 2: %.3f (%s)%s", tDjl / tFused,
            tDjl / tFused >= 2 ? "met" : "NOT met", fusedActive ? "" : " [fused path inactive]");
        report.note("goal adam_fused_bandwidth_fraction >= 0.5: %.3f (%s)%s", fusedGbs / copyGbs,
            fusedGbs / copyGbs >= 0.5 ? "met" : "NOT met",
            fusedActive ? "" : " [fused path inactive]");

        int steps = config.warmup() + config.rounds();
        boolean ok = check(report, ops, "fused", fusedParams, p0, g, steps);
        ok &= check(report, ops, "opbyop", opByOpParams, p0, g, steps);
        ok &= check(report, ops, "djl", djlParams, p0, g, steps);
        ok &= checkCopy(report, ops, copyTargets, g);
        return ok;
      }
    }
  }

  private static List<Tensor> tensors(TensorOps ops, float[][] values) {
    List<Tensor> out = new ArrayList<>(values.length);
    for (float[] v : values) {
      out.add(ops.fromFloats(v, Shape.of(v.length)));
    }
    return out;
  }

  /**
   * With a constant gradient g, Adam's bias-corrected moments are exactly g and g², so each step
   * moves p by −η·g/(|g| + ε); after {@code steps} steps p = p0 − steps·η·g/(|g| + ε).
   */
  private static boolean check(Report report, TensorOps ops, String name, List<Tensor> params,
      float[][] p0, float[][] g, int steps) {
    double maxErr = 0;
    for (int i = 0; i < params.size(); i++) {
      float[] p = ops.toFloatArray(params.get(i));
      for (int j = 0; j < p.length; j++) {
        double expected = p0[i][j] - steps * LR * g[i][j] / (Math.abs(g[i][j]) + EPS);
        maxErr = Math.max(maxErr, Math.abs(p[j] - expected));
      }
    }
    double tolerance = 1e-5 + steps * 1e-6;
    boolean ok = maxErr <= tolerance;
    report.note("check %-6s after %d steps: max |p - (p0 - steps*lr*g/(|g|+eps))| = %.2e"
        + " (tolerance %.1e): %s", name, steps, maxErr, tolerance, ok ? "ok" : "FAILED");
    return ok;
  }

  private static boolean checkCopy(
      Report report, TensorOps ops, List<Tensor> targets, float[][] g) {
    boolean ok = true;
    for (int i = 0; i < targets.size() && ok; i++) {
      ok = java.util.Arrays.equals(ops.toFloatArray(targets.get(i)), g[i]);
    }
    report.note("check copy: targets equal the gradients: %s", ok ? "ok" : "FAILED");
    return ok;
  }
}
