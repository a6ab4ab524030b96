package dev.diffopt.spi;

import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checks every {@link BackendProvider#create} makes on its options and availability, with
 * messages that name the backend, the option and the offending value.
 */
public final class ProviderOptions {
  private ProviderOptions() {}

  /**
   * Rejects options the backend does not know.
   *
   * @param backend the backend's name
   * @param options the options given to {@code create}
   * @param known the option names the backend reads
   * @throws IllegalArgumentException naming the unknown options and the known ones
   */
  public static void requireKnown(String backend, Map<String, String> options, Set<String> known) {
    if (!known.containsAll(options.keySet())) {
      Set<String> unknown = new TreeSet<>(options.keySet());
      unknown.removeAll(known);
      throw new IllegalArgumentException("unknown " + backend + " backend option(s) " + unknown
          + "; known: " + new TreeSet<>(known));
    }
  }

  /**
   * Rejects creating a backend that cannot run here.
   *
   * @param backend the backend's name
   * @param availability its provider's availability
   * @throws IllegalStateException with the reason, if it is not available
   */
  public static void requireAvailable(String backend, BackendProvider.Availability availability) {
    if (!availability.available()) {
      throw new IllegalStateException(
          "backend '" + backend + "' cannot run here: " + availability.reason());
    }
  }

  /**
   * An integer option that must be at least 1.
   *
   * @param backend the backend's name
   * @param options the options given to {@code create}
   * @param option the option's name
   * @return its value, or empty when it is not given
   * @throws IllegalArgumentException if it is not an integer or is below 1
   */
  public static OptionalInt positiveInt(String backend, Map<String, String> options,
      String option) {
    String text = options.get(option);
    if (text == null) {
      return OptionalInt.empty();
    }
    int n;
    try {
      n = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          backend + " option " + option + " must be an integer, got '" + text + "'", e);
    }
    if (n < 1) {
      throw new IllegalArgumentException(backend + " option " + option + " must be >= 1, got " + n);
    }
    return OptionalInt.of(n);
  }
}
