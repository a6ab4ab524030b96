package dev.diffopt.spi;

import java.util.function.Supplier;

/**
 * A provider's {@link BackendProvider.Availability}, probed once (the first time it is asked for,
 * so that discovery loads no native library) and then kept; thread-safe.
 */
public final class CachedAvailability {
  private final Supplier<BackendProvider.Availability> probe;
  private volatile BackendProvider.Availability availability;

  /**
   * A cache over {@code probe}.
   *
   * @param probe finds out whether the backend can run here; must not throw
   */
  public CachedAvailability(Supplier<BackendProvider.Availability> probe) {
    if (probe == null) {
      throw new NullPointerException("probe is null");
    }
    this.probe = probe;
  }

  /**
   * The probe's answer, computed on the first call.
   *
   * @return the availability
   */
  public BackendProvider.Availability get() {
    BackendProvider.Availability a = availability;
    if (a == null) {
      synchronized (this) {
        a = availability;
        if (a == null) {
          a = probe.get();
          availability = a;
        }
      }
    }
    return a;
  }
}
