package dev.diffopt.djl;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.diffopt.spi.Backend;
import dev.diffopt.spi.BackendProvider;
import dev.diffopt.spi.CachedAvailability;
import dev.diffopt.spi.ProviderOptions;
import java.util.Map;
import java.util.Set;

/**
 * Registers the DJL backend ({@code djl}, priority 100: the embedded default).
 *
 * <p>Before DJL starts, it defaults the settings that keep DJL quiet and offline on a closed
 * network: {@code ai.djl.offline=true}, {@code OPT_OUT_TRACKING=true} (no telemetry connections),
 * and one intra-op and one inter-op libtorch thread ({@code ai.djl.pytorch.num_threads},
 * {@code ai.djl.pytorch.num_interop_threads}). A value the user set wins. Options of {@link
 * #create}: {@code threads} (intra-op threads, default 1).
 */
public final class DjlBackendProvider implements BackendProvider {
  /** The name to select this backend with. */
  public static final String NAME = "djl";
  /** Option: libtorch intra-op threads. */
  public static final String OPTION_THREADS = "threads";

  private static final Set<String> OPTIONS = Set.of(OPTION_THREADS);

  private final CachedAvailability availability = new CachedAvailability(
      DjlBackendProvider::probe);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return 100;
  }

  @Override
  public Availability availability() {
    return availability.get();
  }

  private static Availability probe() {
    try {
      engine();
      return Availability.yes();
    } catch (RuntimeException | LinkageError e) {
      return Availability.no(
          "the PyTorch engine of DJL did not load (" + e + "); add "
              + "ai.djl.pytorch:pytorch-native-cpu with classifier linux-x86_64 to the runtime "
              + "class path");
    }
  }

  private static Engine engine() {
    setDefault("ai.djl.offline", "true");
    setDefault("OPT_OUT_TRACKING", "true");
    setDefault("ai.djl.pytorch.num_threads", "1");
    setDefault("ai.djl.pytorch.num_interop_threads", "1");
    return Engine.getEngine("PyTorch");
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null && System.getenv(key) == null) {
      System.setProperty(key, value);
    }
  }

  @Override
  public Backend create(Map<String, String> options) {
    ProviderOptions.requireKnown(NAME, options, OPTIONS);
    ProviderOptions.requireAvailable(NAME, availability());
    Engine engine = engine();
    ProviderOptions.positiveInt(NAME, options, OPTION_THREADS).ifPresent(JniUtils::setNumThreads);
    return new DjlBackend(engine);
  }
}
