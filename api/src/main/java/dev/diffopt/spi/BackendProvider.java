package dev.diffopt.spi;

import java.util.Map;

/**
 * The service a backend jar registers (in {@code META-INF/services/dev.diffopt.spi.BackendProvider}
 * and with {@code provides dev.diffopt.spi.BackendProvider with ...} in its {@code module-info}).
 *
 * <p>Providers must be cheap to construct: {@link java.util.ServiceLoader} instantiates every
 * installed one. Native libraries are touched only by {@link #availability()} (which must never
 * crash the JVM or throw) and {@link #create(Map)}.
 */
public interface BackendProvider {

  /** A short unique name, lower case, used by {@code -Ddiffopt.backend=NAME}. */
  String name();

  /** Higher wins when no backend is named. The embedded DJL backend uses 100. */
  int priority();

  /** Whether the backend can run here, and if not, why (a missing native library, no device). */
  Availability availability();

  /** The Maven artifact that ships this provider, for messages. */
  default String artifact() {
    return "dev.diffopt:diffopt-backend-" + name();
  }

  /**
   * Creates a backend.
   *
   * @param options backend-specific settings (e.g. {@code threads=1}); unknown keys are rejected
   *     with a message listing the known ones
   */
  Backend create(Map<String, String> options);

  /** The result of {@link #availability()}. */
  record Availability(boolean available, String reason) {
    /** Available. */
    public static Availability yes() {
      return new Availability(true, "available");
    }

    /** Not available, because of {@code reason}. */
    public static Availability no(String reason) {
      return new Availability(false, reason);
    }
  }
}
