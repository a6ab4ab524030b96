package dev.diffopt.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.schedule.InverseTimeDecay;
import dev.diffopt.transform.AddDecayedWeights;
import dev.diffopt.transform.Chain;
import dev.diffopt.transform.ProximalWeightDecay;
import dev.diffopt.transform.Scale;
import dev.diffopt.transform.ScaleByAdadelta;
import dev.diffopt.transform.ScaleByAdam;
import dev.diffopt.transform.ScaleByAdan;
import dev.diffopt.transform.ScaleByBelief;
import dev.diffopt.transform.ScaleByLearningRate;
import dev.diffopt.transform.ScaleByLion;
import dev.diffopt.transform.ScaleByRss;
import dev.diffopt.transform.ScaleByTrustRatio;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Options, builders, defaults, validation and chains of the adaptive family (Adagrad, Adadelta,
 * Lion, LAMB, AdaBelief, Adan) and of their building blocks; no backend needed.
 */
class AdaptiveOptionsTest {

  private static void assertRejected(String message, Executable build) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
    assertEquals(message, e.getMessage());
  }

  // ---------------------------------------------------------------- defaults

  @Test
  void defaultsAreTheDocumentedConstants() {
    Adagrad.Options adagrad = Adagrad.Options.builder().build();
    assertEquals(new Adagrad.Options(1e-2, 0, 0, 0, 1e-10, false), adagrad);
    assertEquals(Adagrad.DEFAULT_LR, adagrad.lr());
    assertEquals(Adagrad.DEFAULT_LR_DECAY, adagrad.lrDecay());
    assertEquals(Adagrad.DEFAULT_WEIGHT_DECAY, adagrad.weightDecay());
    assertEquals(Adagrad.DEFAULT_INITIAL_ACCUMULATOR_VALUE, adagrad.initialAccumulatorValue());
    assertEquals(Adagrad.DEFAULT_EPS, adagrad.eps());

    assertEquals(new Adadelta.Options(1.0, 0.9, 1e-6, 0, false), Adadelta.Options.builder().build());
    assertEquals(Adadelta.DEFAULT_RHO, Adadelta.Options.builder().build().rho());

    assertEquals(new Lion.Options(1e-4, 0.9, 0.99, 0, false), Lion.Options.builder().build());
    assertEquals(1e-4, Lion.DEFAULT_LR);

    assertEquals(new Lamb.Options(1e-3, 0.9, 0.999, 1e-6, 0, false), Lamb.Options.builder().build());
    assertEquals(
        new AdaBelief.Options(1e-3, 0.9, 0.999, 1e-16, 0, false),
        AdaBelief.Options.builder().build());
    assertEquals(
        new Adan.Options(1e-3, 0.98, 0.92, 0.99, 1e-8, 0, false), Adan.Options.builder().build());
    assertEquals(Adan.DEFAULT_B1, 1 - 0.02, 1e-15);
    assertEquals(Adan.DEFAULT_B2, 1 - 0.08, 1e-15);
    assertEquals(Adan.DEFAULT_B3, 1 - 0.01, 1e-15);
  }

  // ---------------------------------------------------------------- builders

  @Test
  void buildersSetEveryOptionAndRoundTrip() {
    Adagrad.Options adagrad = Adagrad.Options.builder().lr(0.3).lrDecay(0.1).weightDecay(0.2)
        .initialAccumulatorValue(0.4).eps(1e-7).maximize(true).build();
    assertEquals(new Adagrad.Options(0.3, 0.1, 0.2, 0.4, 1e-7, true), adagrad);
    assertEquals(adagrad, adagrad.toBuilder().build());

    Adadelta.Options adadelta =
        Adadelta.Options.builder().lr(0.5).rho(0.7).eps(1e-4).weightDecay(0.3).maximize(true).build();
    assertEquals(new Adadelta.Options(0.5, 0.7, 1e-4, 0.3, true), adadelta);
    assertEquals(adadelta, adadelta.toBuilder().build());

    Lion.Options lion =
        Lion.Options.builder().lr(3e-4).b1(0.8).b2(0.95).weightDecay(1).maximize(true).build();
    assertEquals(new Lion.Options(3e-4, 0.8, 0.95, 1, true), lion);
    assertEquals(lion, lion.toBuilder().build());

    Lamb.Options lamb = Lamb.Options.builder().lr(2e-3).b1(0.8).b2(0.99).eps(1e-8).weightDecay(0.01)
        .maximize(true).build();
    assertEquals(new Lamb.Options(2e-3, 0.8, 0.99, 1e-8, 0.01, true), lamb);
    assertEquals(lamb, lamb.toBuilder().build());

    AdaBelief.Options belief = AdaBelief.Options.builder().lr(2e-3).b1(0.8).b2(0.99).eps(1e-12)
        .weightDecay(0.01).maximize(true).build();
    assertEquals(new AdaBelief.Options(2e-3, 0.8, 0.99, 1e-12, 0.01, true), belief);
    assertEquals(belief, belief.toBuilder().build());

    Adan.Options adan = Adan.Options.builder().lr(2e-3).b1(0.9).b2(0.8).b3(0.999).eps(1e-6)
        .weightDecay(0.02).maximize(true).build();
    assertEquals(new Adan.Options(2e-3, 0.9, 0.8, 0.999, 1e-6, 0.02, true), adan);
    assertEquals(adan, adan.toBuilder().build());
    assertNotEquals(adan, adan.toBuilder().maximize(false).build());
  }

  @Test
  void ofLrUsesTheDefaultsForEverythingElse() {
    assertEquals(Adagrad.of(Adagrad.Options.builder().lr(0.2).build()), Adagrad.of(0.2));
    assertEquals(Adadelta.of(Adadelta.Options.builder().lr(0.2).build()), Adadelta.of(0.2));
    assertEquals(Lion.of(Lion.Options.builder().lr(0.2).build()), Lion.of(0.2));
    assertEquals(Lamb.of(Lamb.Options.builder().lr(0.2).build()), Lamb.of(0.2));
    assertEquals(AdaBelief.of(AdaBelief.Options.builder().lr(0.2).build()), AdaBelief.of(0.2));
    assertEquals(Adan.of(Adan.Options.builder().lr(0.2).build()), Adan.of(0.2));
    assertThrows(NullPointerException.class, () -> Adan.of((Adan.Options) null));
  }

  // ---------------------------------------------------------------- chains

  @Test
  void optimizersAreChainsOfBuildingBlocks() {
    assertEquals(
        Chain.of(new ScaleByRss(0, 1e-10), ScaleByLearningRate.constant(0.01)), Adagrad.of(0.01));
    assertEquals(
        Chain.of(new Scale(-1), new AddDecayedWeights(0.2, null), new ScaleByRss(0.4, 1e-7),
            ScaleByLearningRate.scheduled(new InverseTimeDecay(0.3, 0.1))),
        Adagrad.of(new Adagrad.Options(0.3, 0.1, 0.2, 0.4, 1e-7, true)));
    assertEquals(
        Chain.of(new Scale(-1), new AddDecayedWeights(0.3, null), new ScaleByAdadelta(0.7, 1e-4),
            ScaleByLearningRate.constant(0.5)),
        Adadelta.of(new Adadelta.Options(0.5, 0.7, 1e-4, 0.3, true)));
    assertEquals(
        Chain.of(new Scale(-1), new ScaleByLion(0.8, 0.95), new AddDecayedWeights(1, null),
            ScaleByLearningRate.constant(3e-4)),
        Lion.of(new Lion.Options(3e-4, 0.8, 0.95, 1, true)));
    assertEquals(
        Chain.of(new Scale(-1), new ScaleByAdam(0.8, 0.99, 1e-8, 0, false),
            new AddDecayedWeights(0.01, null), new ScaleByTrustRatio(),
            ScaleByLearningRate.constant(2e-3)),
        Lamb.of(new Lamb.Options(2e-3, 0.8, 0.99, 1e-8, 0.01, true)));
    assertEquals(
        Chain.of(new Scale(-1), new ScaleByBelief(0.8, 0.99, 1e-12), new AddDecayedWeights(0.01, null),
            ScaleByLearningRate.constant(2e-3)),
        AdaBelief.of(new AdaBelief.Options(2e-3, 0.8, 0.99, 1e-12, 0.01, true)));
    assertEquals(
        Chain.of(new Scale(-1), new ScaleByAdan(0.9, 0.8, 0.999, 1e-6),
            ScaleByLearningRate.constant(2e-3), new ProximalWeightDecay(2e-3, 0.02)),
        Adan.of(new Adan.Options(2e-3, 0.9, 0.8, 0.999, 1e-6, 0.02, true)));
  }

  @Test
  void noOpPartsAreLeftOut() {
    Chain adan = (Chain) Adan.of(1e-3);
    assertEquals(2, adan.parts().size());
    assertFalse(adan.parts().stream().anyMatch(p -> p instanceof ProximalWeightDecay));
    Chain adagrad = (Chain) Adagrad.of(1e-3);
    assertTrue(adagrad.parts().get(1) instanceof ScaleByLearningRate lr && lr.schedule() == null);
  }

  // ---------------------------------------------------------------- validation

  @Test
  void adagradOptionsAreValidated() {
    assertRejected("lr must be finite and >= 0, got -1.0",
        () -> Adagrad.Options.builder().lr(-1).build());
    assertRejected("lrDecay must be finite and >= 0, got NaN",
        () -> Adagrad.Options.builder().lrDecay(Double.NaN).build());
    assertRejected("weightDecay must be finite and >= 0, got -0.1",
        () -> Adagrad.Options.builder().weightDecay(-0.1).build());
    assertRejected("initialAccumulatorValue must be finite and >= 0, got -1.0",
        () -> Adagrad.Options.builder().initialAccumulatorValue(-1).build());
    assertRejected("eps must be finite and >= 0, got Infinity",
        () -> Adagrad.Options.builder().eps(Double.POSITIVE_INFINITY).build());
    assertRejected("lr must be finite and >= 0, got -2.0", () -> Adagrad.of(-2));
  }

  @Test
  void adadeltaOptionsAreValidated() {
    assertRejected("lr must be finite and >= 0, got -1.0",
        () -> Adadelta.Options.builder().lr(-1).build());
    assertRejected("rho must be in [0, 1), got 1.0",
        () -> Adadelta.Options.builder().rho(1).build());
    assertRejected("eps must be finite and >= 0, got -1.0",
        () -> Adadelta.Options.builder().eps(-1).build());
    assertRejected("weightDecay must be finite and >= 0, got NaN",
        () -> Adadelta.Options.builder().weightDecay(Double.NaN).build());
  }

  @Test
  void lionLambBeliefAndAdanOptionsAreValidated() {
    assertRejected("lr must be finite and >= 0, got NaN",
        () -> Lion.Options.builder().lr(Double.NaN).build());
    assertRejected("b1 must be in [0, 1), got 1.5", () -> Lion.Options.builder().b1(1.5).build());
    assertRejected("b2 must be in [0, 1), got -0.1", () -> Lion.Options.builder().b2(-0.1).build());
    assertRejected("weightDecay must be finite and >= 0, got -1.0",
        () -> Lion.Options.builder().weightDecay(-1).build());

    assertRejected("b1 must be in [0, 1), got 1.0", () -> Lamb.Options.builder().b1(1).build());
    assertRejected("b2 must be in [0, 1), got NaN",
        () -> Lamb.Options.builder().b2(Double.NaN).build());
    assertRejected("eps must be finite and >= 0, got -1.0E-6",
        () -> Lamb.Options.builder().eps(-1e-6).build());
    assertRejected("lr must be finite and >= 0, got -1.0",
        () -> Lamb.Options.builder().lr(-1).build());
    assertRejected("weightDecay must be finite and >= 0, got -0.01",
        () -> Lamb.Options.builder().weightDecay(-0.01).build());

    assertRejected("b1 must be in [0, 1), got -0.9",
        () -> AdaBelief.Options.builder().b1(-0.9).build());
    assertRejected("b2 must be in [0, 1), got 1.0",
        () -> AdaBelief.Options.builder().b2(1).build());
    assertRejected("eps must be finite and >= 0, got NaN",
        () -> AdaBelief.Options.builder().eps(Double.NaN).build());
    assertRejected("lr must be finite and >= 0, got -1.0",
        () -> AdaBelief.Options.builder().lr(-1).build());
    assertRejected("weightDecay must be finite and >= 0, got Infinity",
        () -> AdaBelief.Options.builder().weightDecay(Double.POSITIVE_INFINITY).build());

    assertRejected("lr must be finite and >= 0, got -1.0",
        () -> Adan.Options.builder().lr(-1).build());
    assertRejected("b1 must be in [0, 1), got 1.0", () -> Adan.Options.builder().b1(1).build());
    assertRejected("b2 must be in [0, 1), got 1.0", () -> Adan.Options.builder().b2(1).build());
    assertRejected("b3 must be in [0, 1), got -0.01",
        () -> Adan.Options.builder().b3(-0.01).build());
    assertRejected("eps must be finite and >= 0, got -1.0",
        () -> Adan.Options.builder().eps(-1).build());
    assertRejected("weightDecay must be finite and >= 0, got -0.02",
        () -> Adan.Options.builder().weightDecay(-0.02).build());
  }

  @Test
  void buildingBlocksAreValidated() {
    assertRejected("initialAccumulatorValue must be finite and >= 0, got -1.0",
        () -> new ScaleByRss(-1, 0));
    assertRejected("eps must be finite and >= 0, got NaN", () -> new ScaleByRss(0, Double.NaN));
    assertRejected("rho must be in [0, 1), got 1.0", () -> new ScaleByAdadelta(1, 1e-6));
    assertRejected("eps must be finite and >= 0, got -1.0", () -> new ScaleByAdadelta(0.9, -1));
    assertRejected("b1 must be in [0, 1), got 1.0", () -> new ScaleByLion(1, 0.99));
    assertRejected("b2 must be in [0, 1), got NaN", () -> new ScaleByLion(0.9, Double.NaN));
    assertRejected("b1 must be in [0, 1), got -1.0", () -> new ScaleByBelief(-1, 0.999, 1e-16));
    assertRejected("b2 must be in [0, 1), got 1.0", () -> new ScaleByBelief(0.9, 1, 1e-16));
    assertRejected("eps must be finite and >= 0, got -1.0",
        () -> new ScaleByBelief(0.9, 0.999, -1));
    assertRejected("b1 must be in [0, 1), got 1.0", () -> new ScaleByAdan(1, 0.92, 0.99, 1e-8));
    assertRejected("b2 must be in [0, 1), got 1.0", () -> new ScaleByAdan(0.98, 1, 0.99, 1e-8));
    assertRejected("b3 must be in [0, 1), got 1.0", () -> new ScaleByAdan(0.98, 0.92, 1, 1e-8));
    assertRejected("eps must be finite and >= 0, got NaN",
        () -> new ScaleByAdan(0.98, 0.92, 0.99, Double.NaN));
    assertRejected("learningRate must be finite and >= 0, got -1.0",
        () -> new ProximalWeightDecay(-1, 0));
    assertRejected("weightDecay must be finite and >= 0, got -1.0",
        () -> new ProximalWeightDecay(0.1, -1));
    assertRejected("initValue must be finite, got NaN", () -> new InverseTimeDecay(Double.NaN, 0));
    assertRejected("decayRate must be finite and >= 0, got -1.0",
        () -> new InverseTimeDecay(0.1, -1));
  }

  @Test
  void statelessBlocksRejectForeignStatesWithoutABackend() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ScaleByTrustRatio().update(java.util.List.of(), new ProximalWeightDecay.State(),
            java.util.List.of()));
    assertTrue(e.getMessage().contains("ProximalWeightDecay$State")
        && e.getMessage().contains("did you call init()"), e.getMessage());
    IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
        () -> new ProximalWeightDecay(0.1, 0.1).update(java.util.List.of(), "state",
            java.util.List.of()));
    assertTrue(f.getMessage().contains("did you call init()"), f.getMessage());
  }

  @Test
  void transformsAreValues() {
    assertEquals(new ScaleByAdan(0.98, 0.92, 0.99, 1e-8), new ScaleByAdan(0.98, 0.92, 0.99, 1e-8));
    assertEquals(Lamb.of(1e-3), Lamb.of(1e-3), "chains holding a ScaleByTrustRatio compare by value");
    assertEquals(new InverseTimeDecay(0.1, 0.01), new InverseTimeDecay(0.1, 0.01));
    assertNotEquals(new ScaleByBelief(0.9, 0.999, 1e-16), new ScaleByBelief(0.9, 0.999, 1e-8));
  }
}
