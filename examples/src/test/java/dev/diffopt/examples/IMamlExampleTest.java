package dev.diffopt.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.Backends;
import org.junit.jupiter.api.Test;

class IMamlExampleTest {
  /** A short run (a fraction of the default's iterations, smaller meta-batches) still helps. */
  @Test
  void aShortIMamlRunImprovesThePostAdaptationError() {
    IMamlExample.Result r = IMamlExample.run(Backends.get(), 300, 10, 50);
    assertTrue(r.trained()[1] <= 0.75 * r.initial()[1],
        "iMAML did not lower the held-out post-adaptation MSE by 25%: " + r);
  }
}
