package dev.diffopt.tensorflow;

import dev.diffopt.Backends;
import dev.diffopt.conformance.ConformanceKit;
import dev.diffopt.spi.Backend;
import org.junit.jupiter.api.DisplayName;

/** Runs the whole conformance kit on the TensorFlow backend. */
@DisplayName("conformance kit on tensorflow")
class TfConformanceTest extends ConformanceKit {
  @Override
  protected Backend createBackend() {
    return Backends.get(TfBackendProvider.NAME);
  }
}
