package dev.diffopt.cuda;

import static dev.diffopt.cuda.StepScalars.B1;
import static dev.diffopt.cuda.StepScalars.C1;
import static dev.diffopt.cuda.StepScalars.EPS;

import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.transform.ScaleByAdadelta;

/**
 * Adadelta ({@code ScaleByAdadelta}, slots v, a, kernel {@code fused_adadelta}; ρ in {@code B1},
 * 1 − ρ in {@code C1}):
 *
 * <pre>
 *   v ← ρ·v + (1 − ρ)·x²;  δ = (sqrt(a + ε) / sqrt(v + ε))·x;  a ← ρ·a + (1 − ρ)·δ²;  u = δ
 * </pre>
 */
final class AdadeltaRule extends FusedRule {
  AdadeltaRule(FusedPlan plan) {
    super(plan, 2);
  }

  @Override
  String kernel() {
    return "adadelta";
  }

  @Override
  void ruleConstants(StepScalars s) {
    ScaleByAdadelta core = plan.core(ScaleByAdadelta.class);
    s.set(B1, core.rho());
    s.set(C1, 1 - core.rho());
    s.set(EPS, core.eps());
  }
}
