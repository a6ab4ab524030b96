package dev.diffopt.cuda;

import dev.diffopt.Backends;
import dev.diffopt.spi.BackendProvider;
import org.junit.jupiter.api.Assumptions;

/** The GPU tests' backend: {@code Backends.get("cuda")}, or the test is skipped saying why. */
final class CudaTestDevice {
  private CudaTestDevice() {}

  /** The cuda backend; aborts the calling test with the probe's reason when there is no GPU. */
  static CudaBackend backend() {
    BackendProvider.Availability a = new CudaBackendProvider().availability();
    Assumptions.assumeTrue(a.available(), () -> "skipped: no CUDA device (" + a.reason() + ")");
    return (CudaBackend) Backends.get(CudaBackendProvider.NAME);
  }
}
