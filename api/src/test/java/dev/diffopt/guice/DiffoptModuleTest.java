package dev.diffopt.guice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.diffopt.BackendRegistry;
import dev.diffopt.spi.Backend;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DiffoptModuleTest {
  @Test
  void bindsTheBackendNamedInTheConfiguration() {
    Properties config = new Properties();
    config.setProperty(BackendRegistry.PROPERTY, "alpha");
    Injector injector = Guice.createInjector(DiffoptModule.fromProperties(config));
    Backend backend = injector.getInstance(Backend.class);
    assertEquals("alpha", backend.name());
    assertSame(backend, injector.getInstance(Backend.class), "bound as a singleton");
  }

  @Test
  void withoutAConfiguredNameBindsTheDefaultBackend() {
    Injector injector = Guice.createInjector(DiffoptModule.fromProperties(new Properties()));
    assertEquals("alpha", injector.getInstance(Backend.class).name());
  }

  @Test
  void rejectsABlankName() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DiffoptModule.named(" "));
    assertEquals("backend name must not be blank, got ' '", e.getMessage());
  }
}
