package dev.diffopt.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.Backends;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LearnedLearningRateExampleTest {
  @ParameterizedTest
  @ValueSource(strings = {"djl", "tensorflow"})
  void hyperGradientDescentFindsAGoodLearningRate(String name) {
    LearnedLearningRateExample.Result r =
        LearnedLearningRateExample.run(Backends.get(name), LearnedLearningRateExample.META_STEPS);
    assertTrue(r.initialLoss() > 1, "at lr 1e-4 the regression should barely train: " + r);
    assertTrue(r.improved(), "the learned learning rate is no clear improvement: " + r);
  }
}
