package dev.diffopt.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.diffopt.BackendRegistry;
import dev.diffopt.Backends;
import dev.diffopt.spi.Backend;
import java.util.Properties;

/**
 * Optional Guice integration: binds {@link Backend} to the backend chosen by configuration. Guice
 * is an optional dependency of diffopt; add {@code com.google.inject:guice} to use this class.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(DiffoptModule.fromProperties(config));
 * Backend backend = injector.getInstance(Backend.class);
 * }</pre>
 */
@SuppressWarnings("exports") // Guice is optional (requires static): users of this class add it
public final class DiffoptModule extends AbstractModule {
  private final String backendName;

  private DiffoptModule(String backendName) {
    this.backendName = backendName;
  }

  /** Binds the default backend ({@code -Ddiffopt.backend}, {@code DIFFOPT_BACKEND}, or priority). */
  public static DiffoptModule defaultBackend() {
    return new DiffoptModule(null);
  }

  /** Binds the backend called {@code name}. */
  public static DiffoptModule named(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("backend name must not be blank, got '" + name + "'");
    }
    return new DiffoptModule(name.trim());
  }

  /**
   * Binds the backend named by the key {@value BackendRegistry#PROPERTY} of {@code config}, or the
   * default backend when the key is absent.
   */
  public static DiffoptModule fromProperties(Properties config) {
    String name = config.getProperty(BackendRegistry.PROPERTY);
    return name == null ? defaultBackend() : named(name);
  }

  @Provides
  @Singleton
  Backend backend() {
    return backendName == null ? Backends.get() : Backends.get(backendName);
  }
}
