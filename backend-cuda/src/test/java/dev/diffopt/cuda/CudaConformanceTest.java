package dev.diffopt.cuda;

import dev.diffopt.conformance.ConformanceKit;
import dev.diffopt.spi.Backend;
import org.junit.jupiter.api.DisplayName;

/**
 * Runs the whole conformance kit on the cuda backend. Without a GPU every case is skipped with
 * the probe's reason ({@code libcuda.so.1} missing, {@code CUDA_ERROR_NO_DEVICE}); on a GPU the
 * autodiff suites are skipped because the backend does not report AUTODIFF.
 */
@DisplayName("conformance kit on cuda")
class CudaConformanceTest extends ConformanceKit {
  @Override
  protected Backend createBackend() {
    return CudaTestDevice.backend();
  }
}
