package dev.diffopt;

import dev.diffopt.spi.Backend;
import dev.diffopt.spi.BackendProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The backends installed in one class loader or module layer, found with {@link ServiceLoader}.
 * {@link Backends} holds the process-wide instance; create your own to discover in another loader.
 *
 * <p>Selection: the name in the setting {@value #PROPERTY} (system property) or {@value #ENV}
 * (environment variable) wins; otherwise the available provider with the highest priority. A
 * provider that throws while loading is recorded in {@link #loadFailures()} and named in errors,
 * without hiding the others. Backends are created lazily, once per name, with options read from
 * settings {@code diffopt.NAME.KEY}.
 */
public final class BackendRegistry {
  /** System property naming the backend to use. */
  public static final String PROPERTY = "diffopt.backend";
  /** Environment variable naming the backend to use (the property wins). */
  public static final String ENV = "DIFFOPT_BACKEND";

  private final List<BackendProvider> providers;
  private final List<String> loadFailures;
  private final UnaryOperator<String> settings;
  private final Map<String, Backend> created = new HashMap<>();

  private BackendRegistry(
      List<BackendProvider> providers, List<String> loadFailures, UnaryOperator<String> settings) {
    this.providers = List.copyOf(providers);
    this.loadFailures = List.copyOf(loadFailures);
    this.settings = settings;
  }

  /**
   * Discovers the providers visible to {@code loader}, reading settings from system properties and,
   * for {@value #ENV}, the environment.
   */
  public static BackendRegistry discover(ClassLoader loader) {
    return discover(ServiceLoader.load(BackendProvider.class, loader), BackendRegistry::setting);
  }

  /** Discovers the providers of a {@link ServiceLoader} with the given settings lookup. */
  public static BackendRegistry discover(
      ServiceLoader<BackendProvider> loader, UnaryOperator<String> settings) {
    List<BackendProvider> found = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Iterator<ServiceLoader.Provider<BackendProvider>> it = loader.stream().iterator();
    while (true) {
      ServiceLoader.Provider<BackendProvider> p;
      try {
        if (!it.hasNext()) {
          break;
        }
        p = it.next();
      } catch (ServiceConfigurationError e) {
        failures.add(describe(e));
        continue;
      }
      try {
        found.add(p.get());
      } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
        failures.add(p.type().getName() + ": " + describe(e));
      }
    }
    return new BackendRegistry(found, failures, settings);
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (cause: " + root + ")";
  }

  /** Reads a setting: the system property, and for {@value #PROPERTY} also {@value #ENV}. */
  static String setting(String key) {
    String v = System.getProperty(key);
    if (v == null && key.equals(PROPERTY)) {
      v = System.getenv(ENV);
    }
    return v;
  }

  /** The providers that loaded, highest priority first. */
  public List<BackendProvider> providers() {
    return providers.stream()
        .sorted(Comparator.comparingInt(BackendProvider::priority).reversed())
        .collect(Collectors.toList());
  }

  /** One line per provider that failed to load: its class and the cause. */
  public List<String> loadFailures() {
    return loadFailures;
  }

  /** A human-readable list of what is installed, with availability and load failures. */
  public String describeInstalled() {
    StringBuilder sb = new StringBuilder();
    for (BackendProvider p : providers()) {
      BackendProvider.Availability a = safeAvailability(p);
      sb.append("\n  ").append(p.name()).append(" (priority ").append(p.priority()).append(", ")
          .append(a.available() ? "available" : "unavailable: " + a.reason()).append(')');
    }
    for (String f : loadFailures) {
      sb.append("\n  failed to load: ").append(f);
    }
    return sb.length() == 0 ? " none" : sb.toString();
  }

  private static BackendProvider.Availability safeAvailability(BackendProvider p) {
    try {
      return p.availability();
    } catch (RuntimeException | LinkageError e) {
      return BackendProvider.Availability.no(e.toString());
    }
  }

  /**
   * The backend named by {@value #PROPERTY}/{@value #ENV}, or else the available one with the
   * highest priority, created on first use.
   *
   * @throws IllegalStateException if none is installed (naming the artifact to add) or none is
   *     available (with each one's reason)
   */
  public synchronized Backend get() {
    String requested = settings.apply(PROPERTY);
    if (requested != null && !requested.isBlank()) {
      return get(requested.trim());
    }
    if (providers.isEmpty()) {
      throw new IllegalStateException(
          "no diffopt backend is installed. Add one to your dependencies, e.g. "
              + "dev.diffopt:diffopt-backend-djl (embedded PyTorch CPU)."
              + (loadFailures.isEmpty() ? "" : " Providers that failed to load:" + describeInstalled()));
    }
    for (BackendProvider p : providers()) {
      if (safeAvailability(p).available()) {
        return get(p.name());
      }
    }
    throw new IllegalStateException(
        "no installed diffopt backend can run here:" + describeInstalled());
  }

  /**
   * The backend called {@code name} (case-insensitive), created on first use.
   *
   * @throws IllegalArgumentException for an unknown name, listing what is installed
   * @throws IllegalStateException if that backend cannot run here, with the reason
   */
  public synchronized Backend get(String name) {
    String key = name.toLowerCase(Locale.ROOT);
    Backend b = created.get(key);
    if (b != null) {
      return b;
    }
    BackendProvider p = provider(key);
    BackendProvider.Availability a = safeAvailability(p);
    if (!a.available()) {
      throw new IllegalStateException(
          "backend '" + p.name() + "' is installed but cannot run here: " + a.reason());
    }
    b = p.create(options(p.name()));
    created.put(key, b);
    return b;
  }

  /** Creates a new, unshared backend called {@code name} with explicit options. */
  public Backend create(String name, Map<String, String> options) {
    BackendProvider p = provider(name.toLowerCase(Locale.ROOT));
    BackendProvider.Availability a = safeAvailability(p);
    if (!a.available()) {
      throw new IllegalStateException(
          "backend '" + p.name() + "' is installed but cannot run here: " + a.reason());
    }
    return p.create(Map.copyOf(options));
  }

  private BackendProvider provider(String key) {
    for (BackendProvider p : providers) {
      if (p.name().equalsIgnoreCase(key)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown diffopt backend '" + key + "'. Installed:" + describeInstalled()
            + "\nSet -D" + PROPERTY + " or " + ENV + " to one of these names, or add the backend's "
            + "artifact (e.g. dev.diffopt:diffopt-backend-" + key + ").");
  }

  private Map<String, String> options(String name) {
    Map<String, String> options = new HashMap<>();
    String prefix = "diffopt." + name + ".";
    for (String key : System.getProperties().stringPropertyNames()) {
      if (key.startsWith(prefix)) {
        options.put(key.substring(prefix.length()), settings.apply(key));
      }
    }
    return options;
  }
}
