package dev.diffopt;

import dev.diffopt.spi.Backend;
import dev.diffopt.spi.BackendProvider;
import java.util.List;
import java.util.Map;

/**
 * The process-wide entry point to installed backends.
 *
 * <pre>{@code
 * Backend backend = Backends.get();          // highest priority, or -Ddiffopt.backend=NAME
 * Backend djl = Backends.get("djl");
 * }</pre>
 *
 * <p>Discovery runs once, on first use, with the class loader that loaded diffopt (or, in a module
 * layer, the service bindings of the layer). See {@link BackendRegistry} for the rules.
 */
public final class Backends {
  private Backends() {}

  private static final class Holder {
    static final BackendRegistry REGISTRY =
        BackendRegistry.discover(
            java.util.ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader()),
            BackendRegistry::setting);
  }

  /** The process-wide registry. */
  public static BackendRegistry registry() {
    return Holder.REGISTRY;
  }

  /** The default backend; see {@link BackendRegistry#get()}. */
  public static Backend get() {
    return registry().get();
  }

  /** The backend called {@code name}; see {@link BackendRegistry#get(String)}. */
  public static Backend get(String name) {
    return registry().get(name);
  }

  /** A new, unshared backend with explicit options. */
  public static Backend create(String name, Map<String, String> options) {
    return registry().create(name, options);
  }

  /** The installed providers, highest priority first. */
  public static List<BackendProvider> providers() {
    return registry().providers();
  }

  /**
   * Prints the installed backends with their priority and availability, and whether this class
   * runs from a named module ({@code java -m dev.diffopt.api/dev.diffopt.Backends}) or from the
   * class path: a quick check of what discovery finds in a deployment.
   *
   * @param args none
   */
  public static void main(String[] args) {
    Module module = Backends.class.getModule();
    System.out.println("diffopt backends (" + (module.isNamed() ? "module " + module.getName()
        : "class path") + "):" + registry().describeInstalled());
  }
}
