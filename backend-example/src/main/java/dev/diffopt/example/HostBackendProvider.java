package dev.diffopt.example;

import dev.diffopt.spi.Backend;
import dev.diffopt.spi.BackendProvider;
import dev.diffopt.spi.ProviderOptions;
import java.util.Map;
import java.util.Set;

/**
 * Registers the example backend under the name {@code host}. {@link java.util.ServiceLoader}
 * finds this class through {@code META-INF/services/dev.diffopt.spi.BackendProvider} on the class
 * path and through {@code provides} in {@code module-info.java} on the module path.
 *
 * <p>Its priority, 1, is below every other backend's, so adding this jar never changes which
 * backend {@code Backends.get()} picks: it is used when named ({@code Backends.get("host")},
 * {@code -Ddiffopt.backend=host}) or when nothing else is installed. It needs no native library,
 * so it is always available, and it reads no options.
 */
public final class HostBackendProvider implements BackendProvider {
  /** The name to select this backend with. */
  public static final String NAME = "host";

  /** The options {@link #create} reads: none, so any option given is a mistake. */
  private static final Set<String> OPTIONS = Set.of();

  /** Constructed by {@link java.util.ServiceLoader}; does nothing, as providers must be cheap. */
  public HostBackendProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return 1;
  }

  /** Always available: the backend is plain Java. */
  @Override
  public Availability availability() {
    return Availability.yes();
  }

  /** The artifact is not named after the backend, so the default would be wrong. */
  @Override
  public String artifact() {
    return "dev.diffopt:diffopt-backend-example";
  }

  @Override
  public Backend create(Map<String, String> options) {
    ProviderOptions.requireKnown(NAME, options, OPTIONS);
    return new HostBackend();
  }
}
