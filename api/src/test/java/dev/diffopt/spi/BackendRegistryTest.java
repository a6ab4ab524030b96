package dev.diffopt.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.BackendRegistry;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class BackendRegistryTest {
  private final Map<String, String> settings = new HashMap<>();

  private BackendRegistry registry() {
    return BackendRegistry.discover(ServiceLoader.load(BackendProvider.class), settings::get);
  }

  @Test
  void defaultIsTheAvailableProviderWithHighestPriority() {
    assertEquals("alpha", registry().get().name());
  }

  @Test
  void providersAreSortedByPriority() {
    List<String> names = registry().providers().stream().map(BackendProvider::name).toList();
    assertEquals(List.of("beta", "alpha"), names);
  }

  @Test
  void aProviderThatFailsToLoadIsReportedWithoutHidingTheOthers() {
    BackendRegistry r = registry();
    assertEquals(1, r.loadFailures().size());
    String failure = r.loadFailures().get(0);
    assertTrue(failure.contains("FixtureProviders$Broken"), failure);
    assertTrue(failure.contains("libbroken.so"), failure);
    assertEquals("alpha", r.get().name());
  }

  @Test
  void theSettingOverridesPriority() {
    settings.put(BackendRegistry.PROPERTY, "ALPHA");
    assertEquals("alpha", registry().get().name());
  }

  @Test
  void anUnavailableBackendNamedExplicitlyExplainsWhy() {
    settings.put(BackendRegistry.PROPERTY, "beta");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> registry().get());
    assertTrue(e.getMessage().contains("needs a device that is not here"), e.getMessage());
  }

  @Test
  void anUnknownNameListsWhatIsInstalled() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> registry().get("gamma"));
    String m = e.getMessage();
    assertTrue(m.contains("'gamma'"), m);
    assertTrue(m.contains("alpha (priority 10, available)"), m);
    assertTrue(m.contains("beta (priority 50, unavailable: needs a device"), m);
    assertTrue(m.contains("failed to load"), m);
    assertTrue(m.contains(BackendRegistry.PROPERTY) && m.contains(BackendRegistry.ENV), m);
  }

  @Test
  void noBackendInstalledNamesTheArtifactToAdd() {
    ClassLoader empty = new URLClassLoader(new URL[0], null);
    BackendRegistry r =
        BackendRegistry.discover(ServiceLoader.load(BackendProvider.class, empty), settings::get);
    IllegalStateException e = assertThrows(IllegalStateException.class, r::get);
    assertTrue(e.getMessage().contains("dev.diffopt:diffopt-backend-djl"), e.getMessage());
  }

  @Test
  void backendsAreCreatedOnceAndOptionsReachTheProvider() {
    BackendRegistry r = registry();
    assertSame(r.get("alpha"), r.get("alpha"));
    Backend fresh = r.create("alpha", Map.of("threads", "3"));
    assertEquals(Map.of("threads", "3"), ((FixtureProviders.NamedBackend) fresh).options());
  }

  @Test
  void optionsAreReadFromPrefixedSystemProperties() {
    System.setProperty("diffopt.alpha.mode", "fast");
    try {
      BackendRegistry r =
          BackendRegistry.discover(ServiceLoader.load(BackendProvider.class), System::getProperty);
      assertEquals(
          Map.of("mode", "fast"), ((FixtureProviders.NamedBackend) r.get("alpha")).options());
    } finally {
      System.clearProperty("diffopt.alpha.mode");
    }
  }
}
