package dev.diffopt.tensorflow;

import dev.diffopt.spi.Backend;
import dev.diffopt.spi.BackendProvider;
import dev.diffopt.spi.CachedAvailability;
import dev.diffopt.spi.ProviderOptions;
import java.util.Map;
import java.util.Set;

/**
 * Registers the TensorFlow backend ({@code tensorflow}, priority 50: after the embedded DJL
 * default, so adding this jar changes nothing until it is selected by name, {@code
 * -Ddiffopt.backend=tensorflow} or {@code DIFFOPT_BACKEND}).
 *
 * <p>Before TensorFlow loads it defaults {@code TF_CPP_MIN_LOG_LEVEL} to 2 (warnings and errors
 * only) in the process environment, where the native library reads it ({@link NativeLogging}); a
 * value the user set wins. Options of {@link #create}:
 * {@code threads} (intra-op threads per session, default 1).
 */
public final class TfBackendProvider implements BackendProvider {
  /** The name to select this backend with. */
  public static final String NAME = "tensorflow";
  /** Option: TensorFlow intra-op threads. */
  public static final String OPTION_THREADS = "threads";

  private static final Set<String> OPTIONS = Set.of(OPTION_THREADS);

  private final CachedAvailability availability = new CachedAvailability(
      TfBackendProvider::probe);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return 50;
  }

  @Override
  public Availability availability() {
    return availability.get();
  }

  private static Availability probe() {
    try {
      NativeLogging.quiet();
      org.tensorflow.TensorFlow.version();
      return Availability.yes();
    } catch (RuntimeException | LinkageError e) {
      return Availability.no(
          "the TensorFlow native library did not load (" + e + "); add "
              + "org.tensorflow:tensorflow-core-native with classifier linux-x86_64 to the "
              + "runtime class path");
    }
  }

  @Override
  public Backend create(Map<String, String> options) {
    ProviderOptions.requireKnown(NAME, options, OPTIONS);
    ProviderOptions.requireAvailable(NAME, availability());
    return new TfBackend(ProviderOptions.positiveInt(NAME, options, OPTION_THREADS).orElse(1));
  }
}
