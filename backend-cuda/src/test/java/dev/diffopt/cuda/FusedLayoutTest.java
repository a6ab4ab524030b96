package dev.diffopt.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.tensor.DType;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Java side of the fused kernels agrees with {@code fused.cu} and the shipped {@code
 * fused.ptx}: the scalar indices and flags, the capacities, every kernel the Java side launches,
 * and the size of every by-value parameter (the struct layouts themselves are checked by {@code
 * static_assert}s in {@code fused.cu}).
 */
@DisplayName("fused kernels: Java constants and launch parameters match fused.cu and fused.ptx")
class FusedLayoutTest {
  private static final Pattern DEFINE = Pattern.compile("(?m)^#define (\\w+) (\\d+)\\s*$");
  private static final Pattern PARAM =
      Pattern.compile("\\.param \\.(?:align (\\d+) \\.b8 \\w+\\[(\\d+)]|(u64|u32|b64|b32) \\w+)");

  private static Map<String, Integer> defines() throws IOException {
    Path source = Path.of("src", "main", "cuda", "fused.cu");
    Assumptions.assumeTrue(Files.exists(source),
        () -> "skipped: " + source.toAbsolutePath() + " is not here (run from backend-cuda)");
    Map<String, Integer> d = new LinkedHashMap<>();
    Matcher m = DEFINE.matcher(Files.readString(source, StandardCharsets.UTF_8));
    while (m.find()) {
      d.put(m.group(1), Integer.parseInt(m.group(2)));
    }
    return d;
  }

  @Test
  @DisplayName("FUSED-LAYOUT-01 every S_* index and F_* flag of fused.cu is StepScalars'")
  void scalarIndicesAndFlags() throws Exception {
    Map<String, Integer> d = defines();
    int checked = 0;
    for (Map.Entry<String, Integer> e : d.entrySet()) {
      String name = e.getKey();
      String field = name.startsWith("S_") ? name.substring(2)
          : name.startsWith("F_") ? name : null;
      if (field == null) {
        continue;
      }
      Field f = StepScalars.class.getDeclaredField(field);
      assertEquals(e.getValue().intValue(), f.getInt(null), name + " vs StepScalars." + field);
      checked++;
    }
    assertEquals(22 + 11, checked, "S_* and F_* macros found");
    // and no two Java indices share a place
    boolean[] used = new boolean[StepScalars.COUNT];
    for (Field f : StepScalars.class.getDeclaredFields()) {
      if (f.getType() == int.class && java.lang.reflect.Modifier.isStatic(f.getModifiers())
          && d.containsKey("S_" + f.getName()) && !f.getName().equals("COUNT")) {
        int i = f.getInt(null);
        assertFalse(used[i], "index " + i + " used twice (" + f.getName() + ")");
        used[i] = true;
      }
    }
  }

  @Test
  @DisplayName("FUSED-LAYOUT-02 capacities: slots, gradients per launch, threads per block")
  void capacities() throws IOException {
    Map<String, Integer> d = defines();
    assertEquals(MultiTensorTable.MAX_SLOTS, d.get("MAX_SLOTS"));
    assertEquals(MultiTensorTable.GRAD_CAPACITY, d.get("GRAD_CAPACITY"));
    assertTrue(CudaFusedStep.THREADS <= d.get("MAX_THREADS"),
        "THREADS " + CudaFusedStep.THREADS + " within __launch_bounds__ " + d.get("MAX_THREADS"));
    assertEquals(0, CudaFusedStep.THREADS % 32, "whole warps (block_sum)");
    assertEquals(0, CudaFusedStep.CHUNK % MultiTensorTable.CHUNK_MULTIPLE);
  }

  /** The parameter sizes of kernel {@code name} in the shipped PTX (a pointer counts 8). */
  private static List<Integer> params(String ptx, String name) {
    int at = ptx.indexOf(".entry " + name + "(");
    assertTrue(at >= 0, name + " is not an entry of fused.ptx");
    String decl = ptx.substring(at, ptx.indexOf(')', at));
    List<Integer> sizes = new ArrayList<>();
    Matcher m = PARAM.matcher(decl);
    while (m.find()) {
      sizes.add(m.group(2) != null ? Integer.parseInt(m.group(2))
          : m.group(3).endsWith("64") ? 8 : 4);
    }
    return sizes;
  }

  @Test
  @DisplayName("FUSED-LAYOUT-03 every kernel is in fused.ptx with the parameters Java packs")
  void kernelParameters() {
    String ptx = CudaPtxTest.ptx(CudaFusedStep.MODULE);
    int grads = 8 * MultiTensorTable.GRAD_CAPACITY;
    for (String kernel : FusedRule.kernelNames()) {
      DType dtype = kernel.endsWith("_f32") ? DType.FLOAT32 : DType.FLOAT64;
      int step = StepScalars.bytes(dtype);
      List<Integer> expected;
      if (kernel.startsWith("fused_lamb_moments")) {
        expected = List.of(8, 8, 8, step, grads);
      } else if (kernel.startsWith("fused_lamb_norms")) {
        expected = List.of(8, 8, 8);
      } else if (kernel.startsWith("fused_lamb_apply")) {
        expected = List.of(8, 8, 8, step);
      } else {
        expected = List.of(8, 8, step, grads);
      }
      List<Integer> actual = params(ptx, kernel);
      assertEquals(expected, actual, kernel + " parameters");
      int total = actual.stream().mapToInt(Integer::intValue).sum();
      assertTrue(total <= 4096, kernel + " takes " + total + " bytes of parameters, over 4 KiB");
    }
    assertEquals(28, FusedRule.kernelNames().size());
  }

  @Test
  @DisplayName("FUSED-LAYOUT-05 fused.ptx needs nothing newer than its .version 7.8 header")
  void ptxIsa() throws Exception {
    String ptx = CudaPtxTest.ptx(CudaFusedStep.MODULE);
    // nvcc 13 marks partly used vector loads with this PTX 8.3 pragma; the driver then refuses
    // the lowered file (CUDA_ERROR_INVALID_PTX) although JCuda's PTX compiler accepts it
    assertFalse(ptx.contains("used_bytes_mask"), "fused.ptx has a PTX 8.3 used_bytes_mask pragma");
    // where the CUDA toolkit is installed, its assembler checks the whole file as the driver would
    Path ptxas = null;
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "ptxas"))) {
        ptxas = Path.of(dir, "ptxas");
        break;
      }
    }
    Assumptions.assumeTrue(ptxas != null, "skipped the ptxas check: no ptxas on the PATH");
    Path in = Files.createTempFile("fused", ".ptx");
    Path out = Files.createTempFile("fused", ".cubin");
    try {
      Files.writeString(in, ptx, StandardCharsets.UTF_8);
      for (String arch : List.of("sm_80", "sm_90")) {
        Process p = new ProcessBuilder(ptxas.toString(), "-arch=" + arch, in.toString(), "-o",
            out.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "ptxas -arch=" + arch + " fused.ptx: " + log);
      }
    } finally {
      Files.deleteIfExists(in);
      Files.deleteIfExists(out);
    }
  }

  @Test
  @DisplayName("FUSED-LAYOUT-04 StepScalars packs struct Step: header, flags, values by dtype")
  void stepPacking() {
    StepScalars s = new StepScalars();
    s.set(StepScalars.SIGN, -1);
    s.set(StepScalars.C2, 1 - 0.999);
    s.set(StepScalars.MOMENTUM_DECAY, 0.5);
    s.flag(StepScalars.F_AMSGRAD, true);
    s.flag(StepScalars.F_L2, true);
    s.flag(StepScalars.F_L2, false);
    s.slots(3);
    MultiTensorTable.Segment seg = new MultiTensorTable.Segment(5, 2, 40, 9);
    long[] counts = {11, 12, 13};
    long[] addresses = {0x1000, 0, 0x3000};
    long[] products = {0x4000, 0x5000, 0x5004};
    ByteBuffer f = ByteBuffer.wrap(s.pack(DType.FLOAT32, seg, 32768, counts, addresses, products))
        .order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(288, f.capacity());
    assertEquals(11, f.getLong(0));
    assertEquals(13, f.getLong(16));
    assertEquals(0x1000, f.getLong(24));
    assertEquals(0, f.getLong(32));
    assertEquals(0x3000, f.getLong(40));
    assertEquals(0x4000, f.getLong(48));
    assertEquals(0x5000, f.getLong(56));
    assertEquals(0x5004, f.getLong(64));
    assertEquals(StepScalars.F_AMSGRAD, f.getInt(72));
    assertEquals(3, f.getInt(76));
    assertEquals(5, f.getInt(80));
    assertEquals(40, f.getInt(84));
    assertEquals(32768, f.getInt(88));
    assertEquals(0, f.getInt(92));
    assertEquals(-1.0, f.getDouble(96));
    assertEquals((double) (float) (1 - 0.999), f.getDouble(96 + 8 * StepScalars.C2),
        "a float32 kernel gets (float) h, widened exactly");
    assertEquals(0.5, f.getDouble(96 + 8 * StepScalars.MOMENTUM_DECAY));
    ByteBuffer d = ByteBuffer.wrap(s.pack(DType.FLOAT64, seg, 32768, counts, addresses,
        new long[3])).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(288, d.capacity());
    assertEquals(1 - 0.999, d.getDouble(96 + 8 * StepScalars.C2));
    assertEquals(0, d.getLong(48));
  }
}
