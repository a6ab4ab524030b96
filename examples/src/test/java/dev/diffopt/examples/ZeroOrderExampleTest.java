package dev.diffopt.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.Backends;
import org.junit.jupiter.api.Test;

class ZeroOrderExampleTest {
  @Test
  void zeroOrderAdamLowersTheMisclassificationRate() {
    ZeroOrderExample.Result result = ZeroOrderExample.run(Backends.get(), ZeroOrderExample.STEPS);
    assertTrue(result.initial() > 0.5, "the example should start from a bad classifier: " + result);
    assertTrue(result.improved(), "zero-order Adam did not improve the error rate: " + result);
  }
}
