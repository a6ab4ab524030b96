package dev.diffopt.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.BackendRegistry;
import dev.diffopt.spi.Backend;
import dev.diffopt.spi.BackendProvider;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Discovery never crashes: on a machine without the NVIDIA driver or without a GPU (the build
 * machines) the provider reports itself unavailable with the reason, naming it is refused with
 * that reason, and the registry goes on to the next installed backend (DJL, a test dependency).
 * On a GPU machine the same tests check the available side.
 */
@DisplayName("cuda discovery: unavailable with a reason, fallback to the next backend")
class CudaDiscoveryTest {
  private final BackendProvider provider = new CudaBackendProvider();

  @Test
  @DisplayName("DISC-01 the probe answers with a reason and never throws")
  void probe() {
    BackendProvider.Availability a = provider.availability();
    if (a.available()) {
      assertTrue(a.reason().contains("GPU"), a.reason());
    } else {
      assertTrue(a.reason().contains("libcuda.so.1") || a.reason().contains("CUDA_ERROR"),
          a.reason());
    }
    // asked again: the same cached answer, still no exception
    assertEquals(a, provider.availability());
    assertEquals("cuda", provider.name());
    assertEquals("dev.diffopt:diffopt-backend-cuda", provider.artifact());
  }

  @Test
  @DisplayName("DISC-02 the registry lists cuda with its state and falls back past it")
  void fallback() {
    BackendRegistry registry = BackendRegistry.discover(getClass().getClassLoader());
    String installed = registry.describeInstalled();
    assertTrue(installed.contains("cuda (priority 10, "), installed);
    BackendProvider.Availability a = provider.availability();
    if (!a.available()) {
      assertTrue(installed.contains("unavailable: " + a.reason()), installed);
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> registry.get("cuda"));
      assertTrue(e.getMessage().contains("cannot run here: " + a.reason()), e.getMessage());
      Backend chosen = registry.get();
      assertNotEquals("cuda", chosen.name());
      assertEquals("djl", chosen.name());
    } else {
      Backend cuda = registry.get("cuda");
      assertTrue(cuda.has(dev.diffopt.spi.Capability.GPU));
      assertFalse(cuda.has(dev.diffopt.spi.Capability.AUTODIFF));
    }
  }

  @Test
  @DisplayName("DISC-03 unknown options and bad device ordinals are refused with the value")
  void options() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> provider.create(Map.of("devise", "1")));
    assertTrue(e.getMessage().contains("devise"), e.getMessage());
    if (provider.availability().available()) {
      e = assertThrows(IllegalArgumentException.class,
          () -> provider.create(Map.of("device", "first")));
      assertTrue(e.getMessage().contains("'first'"), e.getMessage());
    } else {
      IllegalStateException s = assertThrows(IllegalStateException.class,
          () -> provider.create(Map.of("device", "0")));
      assertTrue(s.getMessage().contains(provider.availability().reason()), s.getMessage());
    }
  }
}
