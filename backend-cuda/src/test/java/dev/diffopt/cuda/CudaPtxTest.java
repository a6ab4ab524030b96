package dev.diffopt.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcuda.nvptxcompiler.JNvPTXCompiler;
import jcuda.nvptxcompiler.nvPTXCompileResult;
import jcuda.nvptxcompiler.nvPTXCompilerHandle;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PTX the jar ships, checked without a GPU: it was generated from the kernel source as it is
 * now (the SHA-256 in its first line), it holds every kernel the Java side launches, and NVIDIA's
 * PTX compiler (bundled with JCuda) turns it into machine code for the A100 (sm_80) and the H100
 * (sm_90).
 */
@DisplayName("shipped PTX: matches its source, has every kernel, compiles for sm_80 and sm_90")
class CudaPtxTest {
  private static final Pattern HEADER = Pattern.compile("^// diffopt: generated from (\\w+)\\.cu "
      + "\\(sha256 ([0-9a-f]{64})\\)");

  static String ptx(String module) {
    byte[] bytes = KernelModules.ptx(module);
    return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "PTX-SOURCE {0}.ptx was generated from {0}.cu as it is now")
  @ValueSource(strings = {"ops", "fused"})
  void matchesSource(String module) throws IOException, NoSuchAlgorithmException {
    String text = ptx(module);
    Matcher m = HEADER.matcher(text);
    assertTrue(m.find(), "first line of " + module + ".ptx: " + text.lines().findFirst());
    assertEquals(module, m.group(1));
    Path source = Path.of("src", "main", "cuda", module + ".cu");
    Assumptions.assumeTrue(Files.exists(source),
        () -> "skipped: kernel source " + source.toAbsolutePath() + " is not here (run from the "
            + "backend-cuda module directory)");
    String hash = HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(source)));
    assertEquals(hash, m.group(2), module + ".ptx is stale: run src/main/cuda/build-ptx.sh "
        + "(needs nvcc) after editing " + module + ".cu");
    assertTrue(text.contains("\n.version 7.8\n"), "PTX ISA header lowered to 7.8");
    assertTrue(text.contains("\n.target sm_80\n"), "PTX target compute_80");
  }

  @ParameterizedTest(name = "PTX-ENTRIES every kernel launched from Java is an entry of ops.ptx")
  @ValueSource(strings = {"ops"})
  void hasEveryKernel(String module) {
    String text = ptx(module);
    for (String kernel : CudaTensorOps.kernelNames()) {
      assertTrue(text.contains(".entry " + kernel + "("), kernel + " missing from " + module);
    }
  }

  @ParameterizedTest(name = "PTX-COMPILE {0}.ptx compiles for sm_80 and sm_90")
  @ValueSource(strings = {"ops", "fused"})
  void compiles(String module) {
    for (String arch : List.of("sm_80", "sm_90")) {
      byte[] code = compile(KernelModules.ptx(module), arch);
      assertTrue(code.length > 1000, module + " for " + arch + ": " + code.length + " bytes");
    }
  }

  private static byte[] compile(byte[] ptx, String arch) {
    nvPTXCompilerHandle handle = new nvPTXCompilerHandle();
    try {
      check(JNvPTXCompiler.nvPTXCompilerCreate(handle, ptx.length - 1, ptx), handle, "create");
    } catch (LinkageError e) {
      Assumptions.abort("skipped: JCuda's PTX compiler library is not on this class path (" + e
          + "); the GPU bundle leaves it out, the build machine checks the PTX");
    }
    try {
      check(JNvPTXCompiler.nvPTXCompilerCompile(handle, 2,
          new String[] {"--gpu-name=" + arch, "--verbose"}), handle, "compile for " + arch);
      long[] size = new long[1];
      check(JNvPTXCompiler.nvPTXCompilerGetCompiledProgramSize(handle, size), handle, "size");
      byte[] code = new byte[(int) size[0]];
      check(JNvPTXCompiler.nvPTXCompilerGetCompiledProgram(handle, code), handle, "program");
      return code;
    } finally {
      JNvPTXCompiler.nvPTXCompilerDestroy(handle);
    }
  }

  private static void check(int result, nvPTXCompilerHandle handle, String what) {
    if (result != nvPTXCompileResult.NVPTXCOMPILE_SUCCESS) {
      String log = "";
      long[] size = new long[1];
      if (JNvPTXCompiler.nvPTXCompilerGetErrorLogSize(handle, size) == 0 && size[0] > 0) {
        byte[] bytes = new byte[(int) size[0]];
        JNvPTXCompiler.nvPTXCompilerGetErrorLog(handle, bytes);
        log = new String(bytes, StandardCharsets.UTF_8).trim();
      }
      throw new AssertionError("nvPTXCompiler " + what + " failed (" + result + "): " + log);
    }
  }
}
