package dev.diffopt.djl;

import dev.diffopt.Backends;
import dev.diffopt.conformance.ConformanceKit;
import dev.diffopt.spi.Backend;
import org.junit.jupiter.api.DisplayName;

/** Runs the whole conformance kit on the DJL backend. */
@DisplayName("conformance kit on djl")
class DjlConformanceTest extends ConformanceKit {
  @Override
  protected Backend createBackend() {
    return Backends.get(DjlBackendProvider.NAME);
  }
}
