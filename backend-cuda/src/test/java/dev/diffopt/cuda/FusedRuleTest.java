package dev.diffopt.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.optim.Adagrad;
import dev.diffopt.optim.Adam;
import dev.diffopt.optim.Adan;
import dev.diffopt.optim.Lamb;
import dev.diffopt.optim.NAdam;
import dev.diffopt.optim.RAdam;
import dev.diffopt.optim.RmsProp;
import dev.diffopt.optim.Sgd;
import dev.diffopt.optim.fused.Float32Scalars;
import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.tensor.DType;
import dev.diffopt.transform.GradientTransformation;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The host side of each rule: kernels, slots, flags and per-step scalars (no GPU needed). */
@DisplayName("fused rules: kernels, slots, flags and step scalars (no GPU needed)")
class FusedRuleTest {
  private static FusedRule rule(GradientTransformation t) {
    FusedPlan plan = FusedPlan.recognize(t).orElseThrow(
        () -> new AssertionError("not recognized: " + FusedPlan.whyNot(t)));
    return FusedRule.of(plan);
  }

  private static StepScalars constants(FusedRule r) {
    StepScalars s = new StepScalars();
    r.constants(s);
    return s;
  }

  private static boolean has(StepScalars s, int flag) {
    return (s.flags() & flag) != 0;
  }

  @Test
  @DisplayName("RULE-01 Adam with AMSGrad, maximize, L2: flags, three slots, float32 scalars")
  void adam() {
    FusedRule r = rule(Adam.of(Adam.Options.builder().lr(0.01).b1(0.8).amsgrad(true)
        .weightDecay(0.1).maximize(true).build()));
    assertEquals("adam", r.kernel());
    assertFalse(r.twoPass());
    assertEquals(3, r.slots());
    StepScalars s = constants(r);
    assertEquals(3, s.slots());
    assertTrue(has(s, StepScalars.F_AMSGRAD));
    assertTrue(has(s, StepScalars.F_L2));
    assertFalse(has(s, StepScalars.F_DECOUPLED));
    assertFalse(has(s, StepScalars.F_EPS_ROOT));
    assertEquals(-1, s.get(StepScalars.SIGN));
    assertEquals(0.1, s.get(StepScalars.L2));
    assertEquals(0.8, s.get(StepScalars.B1));
    assertEquals(1 - 0.8, s.get(StepScalars.C1));
    assertEquals(-Math.log(0.8), s.get(StepScalars.NLOG_B1));
    assertEquals(-Math.log(0.999), s.get(StepScalars.NLOG_B2));
    r.begin(s, DType.FLOAT32, 4, 0, 4);
    assertEquals((float) -0.01, s.get(StepScalars.LR));
    r.begin(s, DType.FLOAT64, 4, 0, 4);
    assertEquals(-0.01, s.get(StepScalars.LR));
    // β₁ = 0: the kernel's bias correction is 1, signalled by −ln 0 = +∞
    assertEquals(Double.POSITIVE_INFINITY, FusedRule.negativeLog(0));
  }

  @Test
  @DisplayName("RULE-02 LAMB runs Adam's core in two passes; AdamW sets the decoupled decay")
  void lambAndAdamW() {
    FusedRule lamb = rule(Lamb.of(Lamb.Options.builder().lr(0.01).weightDecay(0.1).build()));
    assertTrue(lamb.twoPass());
    assertEquals(2, lamb.slots());
    StepScalars s = constants(lamb);
    assertTrue(has(s, StepScalars.F_DECOUPLED));
    assertEquals(0.1, s.get(StepScalars.DECOUPLED));
    FusedRule adamw = rule(dev.diffopt.optim.AdamW.of(
        dev.diffopt.optim.AdamW.Options.builder().lr(0.01).weightDecay(0.05).build()));
    assertFalse(adamw.twoPass());
    assertTrue(has(constants(adamw), StepScalars.F_DECOUPLED));
  }

  @Test
  @DisplayName("RULE-03 SGD with dampened Nesterov momentum: the trace slot and its first step")
  void sgdTrace() {
    FusedRule r = rule(Sgd.of(Sgd.Options.builder().lr(0.1).momentum(0.9).dampening(0.25)
        .build()));
    assertEquals("sgd", r.kernel());
    assertEquals(0, r.coreSlots());
    assertEquals(1, r.slots());
    StepScalars s = constants(r);
    assertTrue(has(s, StepScalars.F_TRACE));
    assertFalse(has(s, StepScalars.F_NESTEROV));
    assertEquals(0.9, s.get(StepScalars.MOMENTUM));
    assertEquals(0.75, s.get(StepScalars.UNDAMPED));
    r.begin(s, DType.FLOAT32, 0, 0, 0);
    assertTrue(has(s, StepScalars.F_TRACE_FIRST), "a dampened trace's first step");
    r.begin(s, DType.FLOAT32, 0, 1, 1);
    assertFalse(has(s, StepScalars.F_TRACE_FIRST));
    FusedRule undamped = rule(Sgd.of(Sgd.Options.builder().lr(0.1).momentum(0.9).nesterov(true)
        .build()));
    StepScalars u = constants(undamped);
    assertTrue(has(u, StepScalars.F_NESTEROV));
    assertEquals(1, u.get(StepScalars.UNDAMPED));
    undamped.begin(u, DType.FLOAT32, 0, 0, 0);
    assertFalse(has(u, StepScalars.F_TRACE_FIRST), "no first-step rule without dampening");
    FusedRule plain = rule(Sgd.of(0.1));
    assertEquals(0, plain.slots());
    assertFalse(has(constants(plain), StepScalars.F_TRACE));
  }

  @Test
  @DisplayName("RULE-04 centered RMSProp with momentum: slots m, v, trace")
  void rmsprop() {
    FusedRule r = rule(RmsProp.of(RmsProp.Options.builder().lr(0.01).centered(true)
        .momentum(0.5).build()));
    assertEquals("rmsprop", r.kernel());
    assertEquals(2, r.coreSlots());
    assertEquals(3, r.slots());
    StepScalars s = constants(r);
    assertTrue(has(s, StepScalars.F_CENTERED));
    assertTrue(has(s, StepScalars.F_TRACE));
    FusedRule plain = rule(RmsProp.of(RmsProp.Options.builder().lr(0.01).build()));
    assertEquals(1, plain.slots());
    assertFalse(has(constants(plain), StepScalars.F_CENTERED));
  }

  @Test
  @DisplayName("RULE-05 Adagrad's inverse-time-decay learning rate from the lr counter")
  void adagradSchedule() {
    FusedRule r = rule(Adagrad.of(Adagrad.Options.builder().lr(0.1).lrDecay(0.5).build()));
    StepScalars s = constants(r);
    r.begin(s, DType.FLOAT32, 0, 0, 3);
    assertEquals(Float32Scalars.learningRateFactor(r.plan, 3), s.get(StepScalars.LR));
    assertEquals(-(float) (0.1 / 2.5), (float) s.get(StepScalars.LR), 1e-8);
    r.begin(s, DType.FLOAT64, 0, 0, 3);
    assertEquals(-0.1 / 2.5, s.get(StepScalars.LR), 1e-17);
  }

  @Test
  @DisplayName("RULE-06 Adan's first step and RAdam's adaptive branch follow the core counter")
  void firstAndAdaptive() {
    FusedRule adan = rule(Adan.of(Adan.Options.builder().lr(0.01).weightDecay(0.1).build()));
    assertEquals(4, adan.slots());
    StepScalars s = constants(adan);
    assertTrue(has(s, StepScalars.F_PROXIMAL));
    assertEquals(0.01 * 0.1, s.get(StepScalars.PROXIMAL), 1e-18);
    assertEquals(1 + 0.01 * 0.1, s.get(StepScalars.PROXIMAL_DENOMINATOR), 1e-15);
    adan.begin(s, DType.FLOAT32, 0, 0, 0);
    assertTrue(has(s, StepScalars.F_FIRST));
    adan.begin(s, DType.FLOAT32, 1, 0, 1);
    assertFalse(has(s, StepScalars.F_FIRST));

    FusedRule radam = rule(RAdam.of(0.01));
    StepScalars t = constants(radam);
    double rhoInf = 2 / (1 - 0.999) - 1;
    assertTrue(has(t, StepScalars.F_CAN_ADAPT));
    assertEquals(rhoInf, t.get(StepScalars.RHO_INF), 1e-12);
    assertEquals(rhoInf / ((rhoInf - 4) * (rhoInf - 2)), t.get(StepScalars.RHO_CONSTANT), 1e-18);
    FusedRule never = rule(RAdam.of(RAdam.Options.builder().lr(0.01).b2(0.5).build()));
    assertFalse(has(constants(never), StepScalars.F_CAN_ADAPT), "rho_inf = 3 <= 5");
  }

  @Test
  @DisplayName("RULE-07 NAdam passes β₂'s log and ψ; the kernel writes the state's mu product")
  void nadam() {
    FusedRule r = rule(NAdam.of(NAdam.Options.builder().lr(0.01).momentumDecay(0.05).build()));
    assertEquals("nadam", r.kernel());
    StepScalars s = constants(r);
    assertEquals(0.05, s.get(StepScalars.MOMENTUM_DECAY));
    assertEquals(-Math.log(0.999), s.get(StepScalars.NLOG_B2));
    assertEquals(0.9, s.get(StepScalars.B1));
  }

  @Test
  @DisplayName("RULE-08 every recognized rule has a kernel of fused.cu")
  void everyRuleHasAKernel() {
    for (GradientTransformation t : java.util.List.of(Sgd.of(0.1), Adam.of(0.1),
        RmsProp.of(0.1), Adagrad.of(0.1), dev.diffopt.optim.Adadelta.of(0.1),
        dev.diffopt.optim.Adamax.of(0.1), RAdam.of(0.1), NAdam.of(0.1),
        dev.diffopt.optim.Lion.of(0.1), dev.diffopt.optim.AdaBelief.of(0.1), Adan.of(0.1))) {
      FusedRule r = rule(t);
      assertTrue(FusedRule.KERNELS.contains(r.kernel()), r + " kernel " + r.kernel());
      StepScalars s = constants(r);
      assertEquals(r.slots(), s.slots());
      assertTrue(r.slots() <= MultiTensorTable.MAX_SLOTS);
      r.begin(s, DType.FLOAT32, 0, 0, 0);
      r.begin(s, DType.FLOAT64, 0, 0, 0);
    }
  }
}
