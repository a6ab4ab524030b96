package dev.diffopt.cuda;

import static dev.diffopt.cuda.StepScalars.B1;
import static dev.diffopt.cuda.StepScalars.B2;
import static dev.diffopt.cuda.StepScalars.C1;
import static dev.diffopt.cuda.StepScalars.C2;

import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.transform.ScaleByLion;

/**
 * Lion ({@code ScaleByLion}, slot m, kernel {@code fused_lion}; the sign as this backend's {@code
 * sign}: NaN and signed zeros pass through):
 *
 * <pre>
 *   u = sign(β₁·m + (1 − β₁)·x);  m ← β₂·m + (1 − β₂)·x
 * </pre>
 */
final class LionRule extends FusedRule {
  LionRule(FusedPlan plan) {
    super(plan, 1);
  }

  @Override
  String kernel() {
    return "lion";
  }

  @Override
  void ruleConstants(StepScalars s) {
    ScaleByLion core = plan.core(ScaleByLion.class);
    s.set(B1, core.b1());
    s.set(C1, 1 - core.b1());
    s.set(B2, core.b2());
    s.set(C2, 1 - core.b2());
  }
}
