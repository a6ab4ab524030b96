package dev.diffopt.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.transform.AddDecayedWeights;
import dev.diffopt.transform.Chain;
import dev.diffopt.transform.ScaleByAdam;
import dev.diffopt.transform.ScaleByAdamax;
import dev.diffopt.transform.ScaleByLearningRate;
import dev.diffopt.transform.ScaleByNadam;
import dev.diffopt.transform.ScaleByRAdam;
import dev.diffopt.transform.ScaleByRms;
import dev.diffopt.transform.ScaleByStddev;
import dev.diffopt.transform.Trace;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Options, builders and defaults of the SGD and Adam families; no backend needed. */
class SgdAdamOptionsTest {

  private static void rejects(String expectedMessage, Executable build) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
    assertEquals(expectedMessage, e.getMessage());
  }

  @Test
  @DisplayName("defaults are torch.optim's")
  void defaults() {
    assertEquals(new Sgd.Options(1e-3, 0, 0, 0, false, false), Sgd.Options.defaults());
    assertEquals(new Adam.Options(1e-3, 0.9, 0.999, 1e-8, 0, 0, false, false),
        Adam.Options.defaults());
    assertEquals(new AdamW.Options(1e-3, 0.9, 0.999, 1e-8, 0, 1e-2, false, false, null),
        AdamW.Options.defaults());
    assertEquals(new RmsProp.Options(1e-2, 0.99, 1e-8, 0, 0, false, false),
        RmsProp.Options.defaults());
    assertEquals(new NAdam.Options(2e-3, 0.9, 0.999, 1e-8, 0, 4e-3, false),
        NAdam.Options.defaults());
    assertEquals(new RAdam.Options(1e-3, 0.9, 0.999, 1e-8, 0, false), RAdam.Options.defaults());
    assertEquals(new Adamax.Options(2e-3, 0.9, 0.999, 1e-8, 0, false), Adamax.Options.defaults());
  }

  @Test
  @DisplayName("the DEFAULT_* constants are what the builders start from")
  void constantsMatchBuilders() {
    Adam.Options adam = Adam.Options.defaults();
    assertEquals(Adam.DEFAULT_LR, adam.lr());
    assertEquals(Adam.DEFAULT_B1, adam.b1());
    assertEquals(Adam.DEFAULT_B2, adam.b2());
    assertEquals(Adam.DEFAULT_EPS, adam.eps());
    assertEquals(Adam.DEFAULT_EPS_ROOT, adam.epsRoot());
    assertEquals(Adam.DEFAULT_WEIGHT_DECAY, adam.weightDecay());
    assertEquals(Adam.DEFAULT_AMSGRAD, adam.amsgrad());
    assertEquals(Adam.DEFAULT_MAXIMIZE, adam.maximize());
    assertEquals(AdamW.DEFAULT_WEIGHT_DECAY, AdamW.Options.defaults().weightDecay());
    assertEquals(Sgd.DEFAULT_LR, Sgd.Options.defaults().lr());
    assertEquals(Sgd.DEFAULT_MOMENTUM, Sgd.Options.defaults().momentum());
    assertEquals(Sgd.DEFAULT_DAMPENING, Sgd.Options.defaults().dampening());
    assertEquals(Sgd.DEFAULT_NESTEROV, Sgd.Options.defaults().nesterov());
    assertEquals(RmsProp.DEFAULT_ALPHA, RmsProp.Options.defaults().alpha());
    assertEquals(RmsProp.DEFAULT_CENTERED, RmsProp.Options.defaults().centered());
    assertEquals(RmsProp.DEFAULT_MOMENTUM, RmsProp.Options.defaults().momentum());
    assertEquals(NAdam.DEFAULT_MOMENTUM_DECAY, NAdam.Options.defaults().momentumDecay());
    assertEquals(NAdam.DEFAULT_LR, NAdam.Options.defaults().lr());
    assertEquals(RAdam.DEFAULT_LR, RAdam.Options.defaults().lr());
    assertEquals(Adamax.DEFAULT_LR, Adamax.Options.defaults().lr());
  }

  @Test
  @DisplayName("builders set every option and toBuilder round-trips")
  void builders() {
    Sgd.Options sgd = Sgd.Options.builder().lr(0.1).momentum(0.9).dampening(0).weightDecay(0.01)
        .nesterov(true).maximize(true).build();
    assertEquals(new Sgd.Options(0.1, 0.9, 0, 0.01, true, true), sgd);
    assertEquals(sgd, sgd.toBuilder().build());

    Adam.Options adam = Adam.Options.builder().lr(0.1).b1(0.8).b2(0.99).eps(1e-6).epsRoot(1e-9)
        .weightDecay(0.01).amsgrad(true).maximize(true).build();
    assertEquals(new Adam.Options(0.1, 0.8, 0.99, 1e-6, 1e-9, 0.01, true, true), adam);
    assertEquals(adam, adam.toBuilder().build());

    Map<String, Boolean> mask = Map.of("w", true);
    AdamW.Options adamw = AdamW.Options.builder().lr(0.1).b1(0.8).b2(0.99).eps(1e-6)
        .epsRoot(1e-9).weightDecay(0.3).amsgrad(true).maximize(true).mask(mask).build();
    assertEquals(new AdamW.Options(0.1, 0.8, 0.99, 1e-6, 1e-9, 0.3, true, true, mask), adamw);
    assertEquals(adamw, adamw.toBuilder().build());

    RmsProp.Options rms = RmsProp.Options.builder().lr(0.1).alpha(0.9).eps(1e-6).weightDecay(0.01)
        .momentum(0.5).centered(true).maximize(true).build();
    assertEquals(new RmsProp.Options(0.1, 0.9, 1e-6, 0.01, 0.5, true, true), rms);
    assertEquals(rms, rms.toBuilder().build());

    NAdam.Options nadam = NAdam.Options.builder().lr(0.1).b1(0.8).b2(0.99).eps(1e-6)
        .weightDecay(0.01).momentumDecay(0.01).maximize(true).build();
    assertEquals(new NAdam.Options(0.1, 0.8, 0.99, 1e-6, 0.01, 0.01, true), nadam);
    assertEquals(nadam, nadam.toBuilder().build());

    RAdam.Options radam = RAdam.Options.builder().lr(0.1).b1(0.8).b2(0.99).eps(1e-6)
        .weightDecay(0.01).maximize(true).build();
    assertEquals(new RAdam.Options(0.1, 0.8, 0.99, 1e-6, 0.01, true), radam);
    assertEquals(radam, radam.toBuilder().build());

    Adamax.Options adamax = Adamax.Options.builder().lr(0.1).b1(0.8).b2(0.99).eps(1e-6)
        .weightDecay(0.01).maximize(true).build();
    assertEquals(new Adamax.Options(0.1, 0.8, 0.99, 1e-6, 0.01, true), adamax);
    assertEquals(adamax, adamax.toBuilder().build());
  }

  @Test
  @DisplayName("invalid values are rejected with the option name and the value")
  void validation() {
    rejects("lr must be finite and >= 0, got -1.0", () -> Sgd.of(-1));
    rejects("lr must be finite and >= 0, got NaN", () -> Adam.of(Double.NaN));
    rejects("lr must be finite and >= 0, got Infinity", () -> AdamW.of(Double.POSITIVE_INFINITY));
    rejects("b1 must be in [0, 1), got 1.5", () -> Adam.Options.builder().b1(1.5).build());
    rejects("b2 must be in [0, 1), got 1.0", () -> AdamW.Options.builder().b2(1).build());
    rejects("b1 must be in [0, 1), got -0.1", () -> NAdam.Options.builder().b1(-0.1).build());
    rejects("b2 must be in [0, 1), got NaN", () -> RAdam.Options.builder().b2(Double.NaN).build());
    rejects("b1 must be in [0, 1), got 2.0", () -> Adamax.Options.builder().b1(2).build());
    rejects("eps must be finite and >= 0, got -1.0E-8",
        () -> Adam.Options.builder().eps(-1e-8).build());
    rejects("epsRoot must be finite and >= 0, got -1.0",
        () -> Adam.Options.builder().epsRoot(-1).build());
    rejects("weightDecay must be finite and >= 0, got -0.1",
        () -> RmsProp.Options.builder().weightDecay(-0.1).build());
    rejects("alpha must be in [0, 1), got 1.0", () -> RmsProp.Options.builder().alpha(1).build());
    rejects("momentum must be finite and >= 0, got -0.9",
        () -> RmsProp.Options.builder().momentum(-0.9).build());
    rejects("momentum must be finite and >= 0, got -0.9",
        () -> Sgd.Options.builder().momentum(-0.9).build());
    rejects("dampening must be finite and >= 0, got NaN",
        () -> Sgd.Options.builder().dampening(Double.NaN).build());
    rejects("momentumDecay must be finite and >= 0, got -0.004",
        () -> NAdam.Options.builder().momentumDecay(-4e-3).build());
    rejects("nesterov requires momentum > 0 and dampening == 0, got momentum 0.0 and dampening 0.0",
        () -> Sgd.Options.builder().nesterov(true).build());
    rejects("nesterov requires momentum > 0 and dampening == 0, got momentum 0.9 and dampening 0.1",
        () -> Sgd.Options.builder().momentum(0.9).dampening(0.1).nesterov(true).build());
    assertThrows(NullPointerException.class, () -> Adam.of((Adam.Options) null));
  }

  @Test
  @DisplayName("transforms validate their hyper-parameters")
  void transformValidation() {
    rejects("momentum must be finite and >= 0, got -1.0", () -> new Trace(-1, 0, false));
    rejects("dampening must be finite and >= 0, got Infinity",
        () -> new Trace(0.9, Double.POSITIVE_INFINITY, false));
    rejects("alpha must be in [0, 1), got 1.0", () -> new ScaleByRms(1, 1e-8));
    rejects("eps must be finite and >= 0, got -1.0", () -> new ScaleByStddev(0.9, -1));
    rejects("b1 must be in [0, 1), got 1.0", () -> new ScaleByAdamax(1, 0.999, 1e-8));
    rejects("b2 must be in [0, 1), got 1.0", () -> new ScaleByRAdam(0.9, 1, 1e-8));
    rejects("momentumDecay must be finite and >= 0, got NaN",
        () -> new ScaleByNadam(0.9, 0.999, 1e-8, Double.NaN));
  }

  @Test
  @DisplayName("optimizers are chains of building blocks; inactive options add no part")
  void chains() {
    assertEquals(ScaleByLearningRate.constant(0.1), Sgd.of(0.1));
    assertEquals(Chain.of(new Trace(0.9, 0.1, false), ScaleByLearningRate.constant(0.1)),
        Sgd.of(Sgd.Options.builder().lr(0.1).momentum(0.9).dampening(0.1).build()));
    assertEquals(Chain.of(new ScaleByAdam(0.9, 0.999, 1e-8, 0, false),
        ScaleByLearningRate.constant(1e-3)), Adam.of(1e-3));
    assertEquals(Chain.of(new ScaleByAdam(0.9, 0.999, 1e-8, 0, false),
        new AddDecayedWeights(1e-2, null), ScaleByLearningRate.constant(1e-3)), AdamW.of(1e-3));
    assertEquals(Chain.of(new ScaleByStddev(0.99, 1e-8), new Trace(0.5, 0, false),
        ScaleByLearningRate.constant(1e-2)),
        RmsProp.of(RmsProp.Options.builder().centered(true).momentum(0.5).build()));
    assertEquals(Chain.of(new ScaleByNadam(0.9, 0.999, 1e-8, 4e-3),
        ScaleByLearningRate.constant(2e-3)), NAdam.of(2e-3));
    assertEquals(Chain.of(new ScaleByRAdam(0.9, 0.999, 1e-8), ScaleByLearningRate.constant(1e-3)),
        RAdam.of(1e-3));
    assertEquals(Chain.of(new ScaleByAdamax(0.9, 0.999, 1e-8), ScaleByLearningRate.constant(2e-3)),
        Adamax.of(2e-3));
  }

  @Test
  @DisplayName("RAdam's ρ∞ and the AdamW mask default")
  void misc() {
    assertEquals(1999.0, new ScaleByRAdam(0.9, 0.999, 1e-8).rhoInf(), 1e-9);
    assertTrue(new ScaleByRAdam(0.9, 0.5, 1e-8).rhoInf() <= ScaleByRAdam.RHO_THRESHOLD);
    assertNull(AdamW.Options.defaults().mask());
    assertFalse(AdamW.Options.defaults().amsgrad());
  }
}
