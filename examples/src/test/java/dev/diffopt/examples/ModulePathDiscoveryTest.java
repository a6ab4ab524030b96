package dev.diffopt.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Backend discovery in a fresh JVM, once with everything on the class path ({@code
 * META-INF/services}) and once with diffopt's modules and the libraries they require on the module
 * path ({@code provides}/{@code uses} of the {@code module-info}s): both find the DJL, TensorFlow and
 * CUDA backends. Jars without a usable module name (the PyTorch and TensorFlow natives, Spark) and
 * the automatic modules' own dependencies stay on the class path, which automatic modules read.
 */
@DisplayName("JPMS: backends are discovered on the module path as on the class path")
class ModulePathDiscoveryTest {
  /** Jars that go on the module path besides diffopt's own modules. */
  private static final List<String> MODULE_JARS = List.of("api-0.36", "pytorch-engine-",
      "jcuda-12", "tensorflow-core-api-", "tensorflow-core-native-", "ndarray-",
      "protobuf-java-", "javacpp-1", "jna-5");

  private static List<String> classPath() {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty(
        "java.class.path"));
    return List.of(cp.split(File.pathSeparator));
  }

  private static boolean onModulePath(String entry) {
    String name = Path.of(entry).getFileName().toString();
    String normalized = entry.replace(File.separatorChar, '/');
    boolean diffoptModule = name.matches("diffopt-(api|backend-djl|backend-tensorflow|"
        + "backend-cuda)-.*\\.jar") || normalized.matches(".*/(api|backend-djl|"
        + "backend-tensorflow|backend-cuda)/target/classes");
    boolean library = MODULE_JARS.stream().anyMatch(name::startsWith)
        && !name.contains("linux") && !name.contains("macosx") && !name.contains("windows");
    return diffoptModule || library;
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("DJL_OFFLINE", "true");
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out:\n" + out);
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static void assertAllThree(String out) {
    assertTrue(out.contains("djl (priority 100, available)"), out);
    assertTrue(out.contains("tensorflow (priority 50, available)"), out);
    assertTrue(out.contains("cuda (priority 10, "), out);
  }

  @Test
  @DisplayName("JPMS-01 on the class path: META-INF/services finds djl, tensorflow and cuda")
  void classPathDiscovery() throws Exception {
    String out = run(List.of(java(), "-Dai.djl.offline=true", "-cp",
        String.join(File.pathSeparator, classPath()), "dev.diffopt.Backends"));
    assertTrue(out.contains("diffopt backends (class path)"), out);
    assertAllThree(out);
  }

  @Test
  @DisplayName("JPMS-02 on the module path: the module-infos' provides find the same three")
  void modulePathDiscovery() throws Exception {
    List<String> modules = new ArrayList<>();
    List<String> rest = new ArrayList<>();
    for (String entry : classPath()) {
      (onModulePath(entry) ? modules : rest).add(entry);
    }
    String out = run(List.of(java(), "-Dai.djl.offline=true", "--module-path",
        String.join(File.pathSeparator, modules), "--class-path",
        String.join(File.pathSeparator, rest), "--add-modules",
        "dev.diffopt.backend.djl,dev.diffopt.backend.tensorflow,dev.diffopt.backend.cuda",
        "-m", "dev.diffopt.api/dev.diffopt.Backends"));
    assertTrue(out.contains("diffopt backends (module dev.diffopt.api)"), out);
    assertAllThree(out);
  }
}
