package dev.diffopt.optim.fused;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.optim.AdaBelief;
import dev.diffopt.optim.Adadelta;
import dev.diffopt.optim.Adagrad;
import dev.diffopt.optim.Adam;
import dev.diffopt.optim.AdamW;
import dev.diffopt.optim.Adamax;
import dev.diffopt.optim.Adan;
import dev.diffopt.optim.Lamb;
import dev.diffopt.optim.Lion;
import dev.diffopt.optim.NAdam;
import dev.diffopt.optim.RAdam;
import dev.diffopt.optim.RmsProp;
import dev.diffopt.optim.Sgd;
import dev.diffopt.optim.fused.FusedPlan.Rule;
import dev.diffopt.schedule.Constant;
import dev.diffopt.schedule.CosineDecay;
import dev.diffopt.schedule.InverseTimeDecay;
import dev.diffopt.transform.AddDecayedWeights;
import dev.diffopt.transform.Chain;
import dev.diffopt.transform.ClipByGlobalNorm;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Identity;
import dev.diffopt.transform.Masked;
import dev.diffopt.transform.MultiSteps;
import dev.diffopt.transform.ProximalWeightDecay;
import dev.diffopt.transform.Scale;
import dev.diffopt.transform.ScaleByAdadelta;
import dev.diffopt.transform.ScaleByAdam;
import dev.diffopt.transform.ScaleByAdamax;
import dev.diffopt.transform.ScaleByAdan;
import dev.diffopt.transform.ScaleByBelief;
import dev.diffopt.transform.ScaleByLearningRate;
import dev.diffopt.transform.ScaleByLion;
import dev.diffopt.transform.ScaleByNadam;
import dev.diffopt.transform.ScaleByRAdam;
import dev.diffopt.transform.ScaleByRms;
import dev.diffopt.transform.ScaleByRss;
import dev.diffopt.transform.ScaleBySchedule;
import dev.diffopt.transform.ScaleByStddev;
import dev.diffopt.transform.ScaleByTrustRatio;
import dev.diffopt.transform.Trace;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The recognizer accepts exactly the optimizer chains a fused kernel runs, and says why not. */
class FusedPlanTest {

  private static FusedPlan plan(GradientTransformation t) {
    return FusedPlan.recognize(t).orElseThrow(() -> new AssertionError(
        "not recognized: " + t + " (" + FusedPlan.whyNot(t) + ")"));
  }

  private static void assertNotFused(GradientTransformation t, String reasonPart) {
    assertTrue(FusedPlan.recognize(t).isEmpty(), "must not be fused: " + t);
    String why = FusedPlan.whyNot(t);
    assertNotNull(why);
    assertTrue(why.contains(reasonPart), "reason '" + why + "' should mention '" + reasonPart + "'");
  }

  // ------------------------------------------------------------------ every optimizer

  @Test
  void sgd() {
    FusedPlan plain = plan(Sgd.of(0.1));
    assertEquals(Rule.SGD, plain.rule());
    assertNull(plain.core());
    assertEquals(0.1, plain.lr());
    assertNull(plain.momentum());
    assertFalse(plain.maximize());

    FusedPlan all = plan(Sgd.of(Sgd.Options.builder().lr(0.01).momentum(0.8).dampening(0.1)
        .nesterov(false).weightDecay(1e-4).maximize(true).build()));
    assertEquals(Rule.SGD, all.rule());
    assertTrue(all.maximize());
    assertEquals(1e-4, all.weightDecay());
    assertEquals(0, all.decoupledWeightDecay());
    assertEquals(new Trace(0.8, 0.1, false), all.momentum());
    assertEquals(0.01, all.lr());

    assertEquals(new Trace(0.9, 0, true), plan(Sgd.of(Sgd.Options.builder().lr(0.1).momentum(0.9)
        .nesterov(true).build())).momentum());
  }

  @Test
  void adamAndAdamW() {
    FusedPlan adam = plan(Adam.of(1e-3));
    assertEquals(Rule.ADAM, adam.rule());
    assertEquals(new ScaleByAdam(0.9, 0.999, 1e-8, 0, false), adam.core());
    assertEquals(1e-3, adam.lr());
    assertEquals(0, adam.weightDecay());
    assertEquals(0, adam.decoupledWeightDecay());

    FusedPlan l2 = plan(Adam.of(Adam.Options.builder().lr(0.5).b1(0.8).b2(0.99).eps(1e-6)
        .epsRoot(1e-9).weightDecay(0.1).amsgrad(true).maximize(true).build()));
    assertEquals(new ScaleByAdam(0.8, 0.99, 1e-6, 1e-9, true), l2.core(ScaleByAdam.class));
    assertTrue(l2.maximize());
    assertEquals(0.1, l2.weightDecay());
    assertEquals(0, l2.decoupledWeightDecay());

    FusedPlan adamw = plan(AdamW.of(AdamW.Options.builder().lr(0.5).weightDecay(0.3).amsgrad(true)
        .maximize(true).build()));
    assertEquals(Rule.ADAM, adamw.rule());
    assertEquals(0, adamw.weightDecay());
    assertEquals(0.3, adamw.decoupledWeightDecay());
    assertTrue(adamw.maximize());
  }

  @Test
  void rmsprop() {
    FusedPlan plain = plan(RmsProp.of(1e-2));
    assertEquals(Rule.RMSPROP, plain.rule());
    assertEquals(new ScaleByRms(0.99, 1e-8), plain.core());
    FusedPlan centered = plan(RmsProp.of(RmsProp.Options.builder().lr(1e-2).centered(true)
        .momentum(0.9).weightDecay(0.1).maximize(true).build()));
    assertEquals(Rule.RMSPROP_CENTERED, centered.rule());
    assertEquals(new ScaleByStddev(0.99, 1e-8), centered.core());
    assertEquals(new Trace(0.9, 0, false), centered.momentum());
    assertEquals(0.1, centered.weightDecay());
    assertTrue(centered.maximize());
  }

  @Test
  void adagradWithAndWithoutItsInverseTimeDecay() {
    FusedPlan constant = plan(Adagrad.of(0.1));
    assertEquals(Rule.ADAGRAD, constant.rule());
    assertEquals(new ScaleByRss(0.0, 1e-10), constant.core());
    assertEquals(0.1, constant.lr());
    assertNull(constant.lrSchedule());
    FusedPlan decaying = plan(Adagrad.of(Adagrad.Options.builder().lr(0.1).lrDecay(0.05)
        .weightDecay(0.1).initialAccumulatorValue(0.5).eps(1e-3).maximize(true).build()));
    assertEquals(new InverseTimeDecay(0.1, 0.05), decaying.lrSchedule());
    assertTrue(Double.isNaN(decaying.lr()));
    assertEquals(new ScaleByRss(0.5, 1e-3), decaying.core());
    assertEquals(0.1, decaying.weightDecay());
    assertTrue(decaying.maximize());
  }

  @Test
  void theOtherAdaptiveOptimizers() {
    assertEquals(new ScaleByAdadelta(0.8, 1e-5), plan(Adadelta.of(Adadelta.Options.builder()
        .rho(0.8).eps(1e-5).weightDecay(0.1).build())).core());
    assertEquals(Rule.ADAMAX, plan(Adamax.of(2e-3)).rule());
    assertEquals(new ScaleByAdamax(0.9, 0.999, 1e-8), plan(Adamax.of(2e-3)).core());
    assertEquals(Rule.RADAM, plan(RAdam.of(1e-3)).rule());
    assertEquals(new ScaleByRAdam(0.9, 0.999, 1e-8), plan(RAdam.of(1e-3)).core());
    FusedPlan nadam = plan(NAdam.of(NAdam.Options.builder().weightDecay(0.1).build()));
    assertEquals(new ScaleByNadam(0.9, 0.999, 1e-8, 4e-3), nadam.core());
    assertEquals(0.1, nadam.weightDecay());

    FusedPlan lion = plan(Lion.of(Lion.Options.builder().lr(1e-4).weightDecay(0.1).maximize(true)
        .build()));
    assertEquals(new ScaleByLion(0.9, 0.99), lion.core());
    assertEquals(0.1, lion.decoupledWeightDecay());
    assertTrue(lion.maximize());

    FusedPlan lamb = plan(Lamb.of(Lamb.Options.builder().weightDecay(0.1).build()));
    assertEquals(Rule.LAMB, lamb.rule());
    assertEquals(new ScaleByAdam(0.9, 0.999, 1e-6, 0, false), lamb.core());
    assertEquals(0.1, lamb.decoupledWeightDecay());

    FusedPlan belief = plan(AdaBelief.of(AdaBelief.Options.builder().weightDecay(0.1).build()));
    assertEquals(new ScaleByBelief(0.9, 0.999, 1e-16), belief.core());
    assertEquals(0.1, belief.decoupledWeightDecay());

    FusedPlan adan = plan(Adan.of(Adan.Options.builder().lr(0.01).weightDecay(0.02).build()));
    assertEquals(new ScaleByAdan(0.98, 0.92, 0.99, 1e-8), adan.core());
    assertEquals(0.01 * 0.02, adan.proximalDecay(), 1e-18);
    assertEquals(0.01, adan.lr());
    assertEquals(0, plan(Adan.of(0.01)).proximalDecay());
  }

  @Test
  void singlePartsAndEquivalentForms() {
    assertEquals(Rule.SGD, plan(ScaleByLearningRate.constant(0.3)).rule());
    FusedPlan constantSchedule =
        plan(Chain.of(new ScaleByAdam(0.9, 0.999, 1e-8, 0, false),
            ScaleByLearningRate.scheduled(new Constant(0.25))));
    assertEquals(0.25, constantSchedule.lr());
    assertNull(constantSchedule.lrSchedule());
    // AdamW without decay is Adam
    assertEquals(plan(Adam.of(1e-3)), plan(AdamW.of(AdamW.Options.builder().weightDecay(0).build())));
    // a decay after a core-less SGD reads as L2 and as decoupled decay: both add λ·p to x
    FusedPlan two = plan(Chain.of(new AddDecayedWeights(0.1, null), new AddDecayedWeights(0.2, null),
        ScaleByLearningRate.constant(0.1)));
    assertEquals(0.1, two.weightDecay());
    assertEquals(0.2, two.decoupledWeightDecay());
  }

  // ------------------------------------------------------------------ not fused

  @Test
  void masksSchedulesAndWrappersAreNotFused() {
    assertNotFused(AdamW.of(AdamW.Options.builder().mask(List.of(true, false)).build()), "mask");
    assertNotFused(Chain.of(new Trace(0.9, 0, false),
        ScaleByLearningRate.scheduled(new CosineDecay(0.1, 100, 0, 1))), "schedule");
    assertNotFused(Chain.of(ClipByGlobalNorm.of(1.0), Adam.of(1e-3)), "ClipByGlobalNorm");
    assertNotFused(Masked.of(Adam.of(1e-3), List.of(true, false)), "ScaleByLearningRate");
    assertNotFused(new MultiSteps(Adam.of(1e-3), 4), "ScaleByLearningRate");
    assertNotFused(new Identity(), "Identity");
    assertNotFused(new ScaleByAdam(0.9, 0.999, 1e-8, 0, false), "no ScaleByLearningRate");
    assertNotFused(Chain.of(new ScaleBySchedule(new Constant(1.0)),
        ScaleByLearningRate.constant(0.1)), "ScaleBySchedule");
  }

  @Test
  void partsOutOfPlaceAreNotFused() {
    assertNotFused(Chain.of(new Scale(2), ScaleByLearningRate.constant(0.1)), "Scale(2.0)");
    assertNotFused(Chain.of(new ScaleByAdam(0.9, 0.999, 1e-8, 0, false), new Trace(0.9, 0, false),
        ScaleByLearningRate.constant(0.1)), "Trace");
    assertNotFused(Chain.of(new ScaleByRms(0.9, 1e-8), new ScaleByTrustRatio(),
        ScaleByLearningRate.constant(0.1)), "trust ratio");
    assertNotFused(Chain.of(new ScaleByAdam(0.9, 0.999, 1e-8, 0, false), new ScaleByRms(0.9, 1e-8),
        ScaleByLearningRate.constant(0.1)), "ScaleByRms");
    assertNotFused(Chain.of(ScaleByLearningRate.constant(0.1), new Scale(-1)), "Scale");
    assertNotFused(Chain.of(new Trace(0.9, 0, false), new AddDecayedWeights(0.1, null),
        ScaleByLearningRate.constant(0.1)), "AddDecayedWeights");
    assertNotFused(Chain.of(ScaleByLearningRate.constant(0.1), new ProximalWeightDecay(0.1, 0.1),
        new ProximalWeightDecay(0.1, 0.1)), "ProximalWeightDecay");
    assertNotFused(new Chain(List.of(new Identity(), ScaleByLearningRate.constant(0.1))),
        "Identity");
  }

  @Test
  void recognizingNothingIsAnError() {
    assertThrows(NullPointerException.class, () -> FusedPlan.recognize(null));
  }

  @Test
  void theRecordChecksItsParts() {
    ScaleByAdam adam = new ScaleByAdam(0.9, 0.999, 1e-8, 0, false);
    assertThrows(IllegalArgumentException.class,
        () -> new FusedPlan(Rule.SGD, adam, false, 0, 0, null, 0.1, null, 0));
    assertThrows(IllegalArgumentException.class,
        () -> new FusedPlan(Rule.ADAM, new ScaleByRms(0.9, 1e-8), false, 0, 0, null, 0.1, null, 0));
    assertThrows(IllegalArgumentException.class, () -> new FusedPlan(Rule.ADAM, adam, false, 0, 0,
        new Trace(0.9, 0, false), 0.1, null, 0));
    assertThrows(IllegalArgumentException.class, () -> new FusedPlan(Rule.ADAM, adam, false, 0, 0,
        null, 0.1, new InverseTimeDecay(0.1, 0.1), 0));
    assertThrows(IllegalArgumentException.class,
        () -> new FusedPlan(Rule.ADAM, adam, false, 0, 0, null, Double.NaN, null, 0));
    FusedPlan p = new FusedPlan(Rule.ADAM, adam, false, 0, 0, null, 0.1, null, 0);
    assertSame(adam, p.core(ScaleByAdam.class));
    assertThrows(IllegalStateException.class, () -> p.core(ScaleByRms.class));
  }

  // ------------------------------------------------------------------ state lookup

  @Test
  void statesAreFoundByType() {
    ScaleByLearningRate.State lr = new ScaleByLearningRate.State(null);
    Trace.State trace = new Trace.State(List.of(), null);
    Chain.State chain = new Chain.State(List.of(new Scale.State(), trace, lr));
    assertSame(lr, FusedStates.require(chain, ScaleByLearningRate.State.class));
    assertSame(trace, FusedStates.find(chain, Trace.State.class));
    assertNull(FusedStates.find(chain, ScaleByAdam.State.class));
    assertSame(lr, FusedStates.require(lr, ScaleByLearningRate.State.class));
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> FusedStates.require(chain, ScaleByAdam.State.class));
    assertTrue(missing.getMessage().contains("ScaleByAdam"), missing.getMessage());
    Chain.State twice = new Chain.State(List.of(lr, new ScaleByLearningRate.State(null)));
    assertThrows(IllegalArgumentException.class,
        () -> FusedStates.find(twice, ScaleByLearningRate.State.class));
  }
}
