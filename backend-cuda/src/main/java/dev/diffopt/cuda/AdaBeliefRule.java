package dev.diffopt.cuda;

import static dev.diffopt.cuda.StepScalars.B1;
import static dev.diffopt.cuda.StepScalars.B2;
import static dev.diffopt.cuda.StepScalars.C1;
import static dev.diffopt.cuda.StepScalars.C2;
import static dev.diffopt.cuda.StepScalars.EPS;
import static dev.diffopt.cuda.StepScalars.NLOG_B1;
import static dev.diffopt.cuda.StepScalars.NLOG_B2;

import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.transform.ScaleByBelief;

/**
 * AdaBelief ({@code ScaleByBelief}, slots m, s, kernel {@code fused_adabelief}):
 *
 * <pre>
 *   m ← β₁·m + (1 − β₁)·x;  s ← β₂·s + (1 − β₂)·(x − m)² + ε
 *   u = (m / (1 − β₁ᵗ)) / (sqrt(s / (1 − β₂ᵗ)) + ε)
 * </pre>
 */
final class AdaBeliefRule extends FusedRule {
  private final ScaleByBelief core;

  AdaBeliefRule(FusedPlan plan) {
    super(plan, 2);
    this.core = plan.core(ScaleByBelief.class);
  }

  @Override
  String kernel() {
    return "adabelief";
  }

  @Override
  void ruleConstants(StepScalars s) {
    s.set(B1, core.b1());
    s.set(C1, 1 - core.b1());
    s.set(B2, core.b2());
    s.set(C2, 1 - core.b2());
    s.set(EPS, core.eps());
    s.set(NLOG_B1, negativeLog(core.b1()));
    s.set(NLOG_B2, negativeLog(core.b2()));
  }
}
