package dev.diffopt.cuda;

import dev.diffopt.spi.Backend;
import dev.diffopt.spi.BackendProvider;
import dev.diffopt.spi.CachedAvailability;
import dev.diffopt.spi.ProviderOptions;
import java.util.Map;
import java.util.Set;

/**
 * Registers the CUDA backend ({@code cuda}). Its priority, 10, is below the embedded DJL default
 * (100) and TensorFlow (50): it has no autodiff, so it is used when named ({@code
 * Backends.get("cuda")}, {@code -Ddiffopt.backend=cuda}), and when no other backend can run. On a
 * machine without the NVIDIA driver or without a GPU it reports itself unavailable with the reason
 * ({@code libcuda.so.1} missing, {@code CUDA_ERROR_NO_DEVICE}), and {@code Backends.get()} goes on
 * to the next backend. Options of {@link #create}: {@code device} (GPU ordinal, default 0).
 */
public final class CudaBackendProvider implements BackendProvider {
  /** The name to select this backend with. */
  public static final String NAME = "cuda";
  /** Option: which GPU (ordinal as CUDA counts them). */
  public static final String OPTION_DEVICE = "device";

  private static final Set<String> OPTIONS = Set.of(OPTION_DEVICE);

  private final CachedAvailability availability = new CachedAvailability(CudaProbe::probe);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public Availability availability() {
    return availability.get();
  }

  @Override
  public Backend create(Map<String, String> options) {
    ProviderOptions.requireKnown(NAME, options, OPTIONS);
    ProviderOptions.requireAvailable(NAME, availability());
    String device = options.get(OPTION_DEVICE);
    int ordinal;
    try {
      ordinal = device == null ? 0 : Integer.parseInt(device.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "backend 'cuda': option device must be a GPU ordinal >= 0, got '" + device + "'");
    }
    if (ordinal < 0) {
      throw new IllegalArgumentException(
          "backend 'cuda': option device must be a GPU ordinal >= 0, got " + ordinal);
    }
    return new CudaBackend(ordinal);
  }
}
