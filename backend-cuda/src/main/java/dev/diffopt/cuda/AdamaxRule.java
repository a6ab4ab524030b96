package dev.diffopt.cuda;

import static dev.diffopt.cuda.StepScalars.B1;
import static dev.diffopt.cuda.StepScalars.B2;
import static dev.diffopt.cuda.StepScalars.C1;
import static dev.diffopt.cuda.StepScalars.EPS;
import static dev.diffopt.cuda.StepScalars.NLOG_B1;

import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.transform.ScaleByAdamax;

/**
 * Adamax ({@code ScaleByAdamax}, slots m, w, kernel {@code fused_adamax}):
 *
 * <pre>
 *   m ← β₁·m + (1 − β₁)·x;  w ← max(β₂·w, |x| + ε);  u = (m / (1 − β₁ᵗ)) / w
 * </pre>
 */
final class AdamaxRule extends FusedRule {
  private final ScaleByAdamax core;

  AdamaxRule(FusedPlan plan) {
    super(plan, 2);
    this.core = plan.core(ScaleByAdamax.class);
  }

  @Override
  String kernel() {
    return "adamax";
  }

  @Override
  void ruleConstants(StepScalars s) {
    s.set(B1, core.b1());
    s.set(C1, 1 - core.b1());
    s.set(B2, core.b2());
    s.set(EPS, core.eps());
    s.set(NLOG_B1, negativeLog(core.b1()));
  }
}
