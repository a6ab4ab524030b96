package dev.diffopt.benchmarks;

import dev.diffopt.Backends;
import dev.diffopt.cuda.CudaBackend;
import dev.diffopt.cuda.CudaBackendProvider;
import dev.diffopt.cuda.CudaTensorOps;
import dev.diffopt.optim.Adam;
import dev.diffopt.optim.Optimizer;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.transform.GradientTransformation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One Adam step on the GPU over a tree of float32 tensors (default 100 tensors, 100M elements),
 * side by side in one run on the same GPU:
 *
 * <ol>
 *   <li>{@code diffopt}: {@link Optimizer#of} on the cuda backend, i.e. one multi-tensor kernel
 *       launch per step covering every tensor (the run fails if the fused path is not active);
 *   <li>{@code copy}: a device-to-device copy of the gradients' bytes ({@code cuMemcpyDtoD} of
 *       one buffer of all elements), the bandwidth reference;
 *   <li>PyTorch, where the machine has Python with a CUDA build of torch ({@code --python=FILE}
 *       runs {@code src/main/python/torch_adam.py}): {@code torch.optim.Adam(fused=True)} and
 *       {@code (foreach=True)} on the same sizes, timed the same way.
 * </ol>
 *
 * <p>Each timed step ends with a device synchronization. Adam moves 28 bytes per element (reads p,
 * g, m, v; writes p, m, v), the copy 8, so {@code cuda_adam_bandwidth_fraction = (28 n / t_adam) /
 * (8 n / t_copy)}. With a constant gradient, after {@code S} steps each parameter must equal {@code
 * p0 - S lr g / (|g| + eps)}; the run checks this on the first tensor before reporting.
 */
public final class CudaAdamBenchmark {
  static final double LR = 1e-3;
  static final String SCRIPT = "benchmarks/src/main/python/torch_adam.py";

  private CudaAdamBenchmark() {}

  /**
   * Runs the benchmark; exits with status 1 if a check fails, 2 if there is no GPU.
   *
   * @param args {@code --tensors=N --elements=N --warmup=N --rounds=N --python=FILE}
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    Args a = new Args(args, Set.of("tensors", "elements", "warmup", "rounds", "python"));
    int tensors = a.intValue("tensors", 100, 1);
    int elements = a.intValue("elements", 100_000_000, tensors);
    int warmup = a.intValue("warmup", 10, 0);
    int rounds = a.intValue("rounds", 50, 1);
    // the script, from the project root or from the benchmarks module (Maven's working directory)
    String python = a.value("python", Files.exists(Path.of(SCRIPT)) ? SCRIPT
        : Path.of("..").resolve(SCRIPT).toString());
    var availability = new CudaBackendProvider().availability();
    if (!availability.available()) {
      System.out.println("# cuda-adam needs an NVIDIA GPU: " + availability.reason());
      System.exit(2);
    }
    boolean ok = run(tensors, elements, warmup, rounds, python, System.out);
    System.out.flush();
    System.exit(ok ? 0 : 1);
  }

  static boolean run(int tensors, int elements, int warmup, int rounds, String python,
      PrintStream out) throws IOException, InterruptedException {
    Report report = new Report(out);
    report.environment();
    CudaBackend cuda = (CudaBackend) Backends.get(CudaBackendProvider.NAME);
    CudaTensorOps ops = (CudaTensorOps) cuda.ops();
    int size = elements / tensors;
    long n = (long) size * tensors;
    report.note("cuda-adam on %s: %d float32 tensors of %d elements (%d in all), Adam lr %s, "
        + "%d warm-up + %d timed rounds, variants interleaved", cuda.deviceName(), tensors, size,
        n, LR, warmup, rounds);
    Map<String, Harness.Stats> stats;
    boolean ok;
    try (Scope scope = Scope.open()) {
      List<Tensor> params = new ArrayList<>();
      List<Tensor> grads = new ArrayList<>();
      for (int i = 0; i < tensors; i++) {
        params.add(ops.philoxUniform(Shape.of(size), DType.FLOAT32, -1, 1, 2L * i));
        grads.add(ops.philoxNormal(Shape.of(size), DType.FLOAT32, 2L * i + 1));
      }
      float[] p0 = ops.toFloatArray(params.get(0));
      float[] g0 = ops.toFloatArray(grads.get(0));
      Tensor copyFrom = ops.philoxNormal(Shape.of(n), DType.FLOAT32, -1);
      Tensor copyTo = ops.zerosLike(copyFrom);
      GradientTransformation adam = Adam.of(LR);
      try (Optimizer optimizer = Optimizer.of(cuda, adam, params)) {
        if (!optimizer.isFused()) {
          report.note("FAILED: Optimizer.of(cuda, adam, ...) did not take the fused path");
          return false;
        }
        stats = Harness.roundRobin(List.of(
            new Harness.Variant("diffopt", () -> {
              optimizer.step(grads);
              cuda.synchronize();
            }),
            new Harness.Variant("copy", () -> {
              ops.assign(copyTo, copyFrom);
              cuda.synchronize();
            })), warmup, rounds);
        ok = check(report, ops.toFloatArray(params.get(0)), p0, g0, (int) optimizer.steps());
      }
    }
    double tAdam = Report.ms(stats.get("diffopt").median());
    double tCopy = Report.ms(stats.get("copy").median());
    report.note("%-10s median %.4f ms (min %.4f)", "diffopt", tAdam,
        Report.ms(stats.get("diffopt").min()));
    report.note("%-10s median %.4f ms (min %.4f)", "copy", tCopy,
        Report.ms(stats.get("copy").min()));
    double adamBandwidth = 28.0 * n / (tAdam * 1e-3) / 1e9;
    double copyBandwidth = 8.0 * n / (tCopy * 1e-3) / 1e9;
    report.metric("cuda_adam_step_ms", tAdam, 4, "ms");
    report.metric("cuda_copy_ms", tCopy, 4, "ms");
    report.metric("cuda_adam_bandwidth_gb_per_s", adamBandwidth, 1, "GB/s");
    report.metric("cuda_copy_bandwidth_gb_per_s", copyBandwidth, 1, "GB/s");
    report.metric("cuda_adam_bandwidth_fraction", adamBandwidth / copyBandwidth, 3, "");
    Map<String, Double> torch = torch(python, tensors, elements, warmup, rounds, report);
    if (torch.containsKey("torch_fused_ms")) {
      report.metric("torch_adam_fused_ms", torch.get("torch_fused_ms"), 4, "ms");
      report.metric("torch_adam_foreach_ms", torch.get("torch_foreach_ms"), 4, "ms");
      report.metric("cuda_adam_speedup_vs_torch_fused", torch.get("torch_fused_ms") / tAdam, 3,
          "x");
      report.metric("cuda_adam_speedup_vs_torch_foreach", torch.get("torch_foreach_ms") / tAdam,
          3, "x");
    }
    return ok;
  }

  /**
   * With a constant gradient Adam's bias-corrected moments are exactly g and g squared, so each
   * step moves p by -lr g / (|g| + eps).
   */
  private static boolean check(Report report, float[] p, float[] p0, float[] g, int steps) {
    double maxErr = 0;
    for (int j = 0; j < p.length; j++) {
      double expected = p0[j] - steps * LR * g[j] / (Math.abs(g[j]) + 1e-8);
      maxErr = Math.max(maxErr, Math.abs(p[j] - expected));
    }
    double tolerance = 1e-5 + steps * 1e-6;
    boolean ok = maxErr <= tolerance;
    report.note("check diffopt after %d steps: max |p - (p0 - steps*lr*g/(|g|+eps))| = %.2e "
        + "(tolerance %.1e): %s", steps, maxErr, tolerance, ok ? "ok" : "FAILED");
    return ok;
  }

  /** Runs the PyTorch script when python3 and the script are there; its figures by name. */
  private static Map<String, Double> torch(String script, int tensors, int elements, int warmup,
      int rounds, Report report) throws IOException, InterruptedException {
    Map<String, Double> figures = new HashMap<>();
    if (!Files.exists(Path.of(script))) {
      report.note("no PyTorch comparison: %s not found", script);
      return figures;
    }
    Process process;
    try {
      process = new ProcessBuilder("python3", script, "--tensors", "" + tensors, "--elements",
          "" + elements, "--warmup", "" + warmup, "--rounds", "" + rounds)
          .redirectErrorStream(true).start();
    } catch (IOException e) {
      report.note("no PyTorch comparison: python3 did not start (%s)", e.getMessage());
      return figures;
    }
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        report.note("python: %s", line);
        String[] parts = line.trim().split("\\s+");
        if (parts.length == 2 && parts[0].endsWith("_ms")) {
          figures.put(parts[0], Double.parseDouble(parts[1]));
        }
      }
    }
    int exit = process.waitFor();
    if (exit != 0) {
      report.note("PyTorch script exited with %d; its figures are left out", exit);
      figures.clear();
    }
    return figures;
  }
}
