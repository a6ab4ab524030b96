package dev.diffopt.cuda;

import static dev.diffopt.cuda.StepScalars.B1;
import static dev.diffopt.cuda.StepScalars.B2;
import static dev.diffopt.cuda.StepScalars.C1;
import static dev.diffopt.cuda.StepScalars.C2;
import static dev.diffopt.cuda.StepScalars.EPS;
import static dev.diffopt.cuda.StepScalars.F_CAN_ADAPT;
import static dev.diffopt.cuda.StepScalars.NLOG_B1;
import static dev.diffopt.cuda.StepScalars.NLOG_B2;
import static dev.diffopt.cuda.StepScalars.RHO_CONSTANT;
import static dev.diffopt.cuda.StepScalars.RHO_INF;

import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.transform.ScaleByRAdam;

/**
 * RAdam ({@code ScaleByRAdam}, slots m, v, kernel {@code fused_radam}); the kernel computes the
 * rectification per step from ρ∞, its constant and {@code −ln β₂}, as {@code ScaleByRAdam} does:
 *
 * <pre>
 *   m ← β₁·m + (1 − β₁)·x;  v ← β₂·v + (1 − β₂)·x²;  m̂ = m / (1 − β₁ᵗ)
 *   u = (m̂ · r_t·sqrt(1 − β₂ᵗ)) / (sqrt(v) + ε)   if ρ_t &gt; 5,   else m̂
 * </pre>
 *
 * <p>When ρ∞ ≤ 5 the adaptive branch is never taken ({@code F_CAN_ADAPT} off).
 */
final class RAdamRule extends FusedRule {
  private final ScaleByRAdam core;

  RAdamRule(FusedPlan plan) {
    super(plan, 2);
    this.core = plan.core(ScaleByRAdam.class);
  }

  @Override
  String kernel() {
    return "radam";
  }

  @Override
  void ruleConstants(StepScalars s) {
    double rhoInf = core.rhoInf();
    s.set(B1, core.b1());
    s.set(C1, 1 - core.b1());
    s.set(B2, core.b2());
    s.set(C2, 1 - core.b2());
    s.set(EPS, core.eps());
    s.set(NLOG_B1, negativeLog(core.b1()));
    s.set(NLOG_B2, negativeLog(core.b2()));
    s.set(RHO_INF, rhoInf);
    s.set(RHO_CONSTANT, rhoInf / ((rhoInf - 4) * (rhoInf - 2)));
    s.flag(F_CAN_ADAPT, rhoInf > ScaleByRAdam.RHO_THRESHOLD);
  }
}
