package dev.diffopt.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.BackendRegistry;
import dev.diffopt.spi.Backend;
import dev.diffopt.spi.BackendProvider;
import dev.diffopt.spi.Capability;
import dev.diffopt.spi.UnsupportedCapabilityException;
import java.util.EnumSet;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The provider: its name, priority and availability, discovery, and the options it refuses. */
@DisplayName("host provider: name, availability, discovery, options")
class HostBackendProviderTest {
  private final BackendProvider provider = new HostBackendProvider();

  @Test
  @DisplayName("HOST-01 name host, priority 1, always available, artifact diffopt-backend-example")
  void identity() {
    assertEquals("host", provider.name());
    assertEquals(1, provider.priority());
    assertTrue(provider.availability().available(), provider.availability().reason());
    assertEquals("dev.diffopt:diffopt-backend-example", provider.artifact());
  }

  @Test
  @DisplayName("HOST-02 ServiceLoader finds the provider; alone, it is what Backends.get() picks")
  void discovered() {
    assertTrue(ServiceLoader.load(BackendProvider.class).stream()
        .anyMatch(p -> p.type() == HostBackendProvider.class), "not registered");
    // a registry without settings, so that -Ddiffopt.backend cannot interfere
    BackendRegistry registry = BackendRegistry.discover(
        ServiceLoader.load(BackendProvider.class, getClass().getClassLoader()), key -> null);
    assertTrue(registry.describeInstalled().contains("host (priority 1, available)"),
        registry.describeInstalled());
    assertEquals("host", registry.get().name());
  }

  @Test
  @DisplayName("HOST-03 create makes a new FLOAT64-only backend without autodiff")
  void create() {
    Backend a = provider.create(Map.of());
    Backend b = provider.create(Map.of());
    assertNotSame(a, b);
    assertInstanceOf(HostBackend.class, a);
    assertEquals("host", a.name());
    assertEquals(EnumSet.of(Capability.FLOAT64), a.capabilities());
    assertTrue(a.fusedUpdates().isEmpty());
    UnsupportedCapabilityException e =
        assertThrows(UnsupportedCapabilityException.class, a::autodiff);
    assertEquals(Capability.AUTODIFF, e.capability());
    a.close();
    b.close();
  }

  @Test
  @DisplayName("HOST-04 any option is refused, naming it (the backend reads none)")
  void unknownOptions() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> provider.create(Map.of("threads", "4")));
    assertTrue(e.getMessage().contains("threads") && e.getMessage().contains("host"),
        e.getMessage());
  }
}
