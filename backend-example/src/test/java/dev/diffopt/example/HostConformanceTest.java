package dev.diffopt.example;

import dev.diffopt.Backends;
import dev.diffopt.conformance.ConformanceKit;
import dev.diffopt.spi.Backend;
import org.junit.jupiter.api.DisplayName;

/**
 * Runs the whole conformance kit on the host example backend. The kit skips, naming the missing
 * capability, what needs AUTODIFF, HIGHER_ORDER or FUSED_UPDATES; everything else must pass.
 */
@DisplayName("conformance kit on host")
class HostConformanceTest extends ConformanceKit {
  @Override
  protected Backend createBackend() {
    return Backends.get(HostBackendProvider.NAME);
  }
}
