package dev.diffopt.spi;

import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.tensor.TensorOps;
import java.util.Map;
import java.util.Set;

/**
 * Providers registered in this module's test resources to exercise discovery: {@code alpha}
 * (available, priority 10), {@code beta} (installed but unavailable, priority 50) and one whose
 * constructor throws.
 */
public final class FixtureProviders {
  private FixtureProviders() {}

  /** A backend that only knows its name and the options it was created with. */
  public record NamedBackend(String name, Map<String, String> options) implements Backend {
    @Override
    public Set<Capability> capabilities() {
      return Set.of();
    }

    @Override
    public TensorOps ops() {
      throw new UnsupportedOperationException("fixture backend " + name + " has no tensor ops");
    }

    @Override
    public Autodiff autodiff() {
      throw new UnsupportedCapabilityException(name, Capability.AUTODIFF, "fixture");
    }

    @Override
    public void close() {}
  }

  /** Available, priority 10. */
  public static final class Alpha implements BackendProvider {
    @Override
    public String name() {
      return "alpha";
    }

    @Override
    public int priority() {
      return 10;
    }

    @Override
    public Availability availability() {
      return Availability.yes();
    }

    @Override
    public Backend create(Map<String, String> options) {
      return new NamedBackend(name(), options);
    }
  }

  /** Installed but unavailable, priority 50. */
  public static final class Beta implements BackendProvider {
    @Override
    public String name() {
      return "beta";
    }

    @Override
    public int priority() {
      return 50;
    }

    @Override
    public Availability availability() {
      return Availability.no("needs a device that is not here");
    }

    @Override
    public Backend create(Map<String, String> options) {
      throw new AssertionError("an unavailable provider must not be asked to create a backend");
    }
  }

  /** Fails while being instantiated, like a provider whose natives are missing. */
  public static final class Broken implements BackendProvider {
    /** Always throws. */
    public Broken() {
      throw new IllegalStateException("native library libbroken.so not found");
    }

    @Override
    public String name() {
      return "broken";
    }

    @Override
    public int priority() {
      return 1000;
    }

    @Override
    public Availability availability() {
      return Availability.yes();
    }

    @Override
    public Backend create(Map<String, String> options) {
      return null;
    }
  }
}
