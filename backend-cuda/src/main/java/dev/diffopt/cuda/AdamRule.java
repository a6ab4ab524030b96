package dev.diffopt.cuda;

import static dev.diffopt.cuda.StepScalars.B1;
import static dev.diffopt.cuda.StepScalars.B2;
import static dev.diffopt.cuda.StepScalars.C1;
import static dev.diffopt.cuda.StepScalars.C2;
import static dev.diffopt.cuda.StepScalars.EPS;
import static dev.diffopt.cuda.StepScalars.EPS_ROOT;
import static dev.diffopt.cuda.StepScalars.F_AMSGRAD;
import static dev.diffopt.cuda.StepScalars.F_EPS_ROOT;
import static dev.diffopt.cuda.StepScalars.NLOG_B1;
import static dev.diffopt.cuda.StepScalars.NLOG_B2;

import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.transform.ScaleByAdam;

/**
 * Adam and AdamW ({@code ScaleByAdam}, kernel {@code fused_adam}) and LAMB (the same core
 * followed by {@code ScaleByTrustRatio}: kernels {@code fused_lamb_moments}, {@code
 * fused_lamb_norms}, {@code fused_lamb_apply}). Slots m, v and, with AMSGrad, v̂max:
 *
 * <pre>
 *   m ← β₁·m + (1 − β₁)·x;  v ← β₂·v + (1 − β₂)·x²;  v̂max ← max(v̂max, v)  (amsgrad)
 *   u = (m / (1 − β₁ᵗ)) / (sqrt(v / (1 − β₂ᵗ) + ε_root) + ε)
 *   LAMB: u ← (‖p‖ / ‖u‖)·u per tensor (1 when either norm is 0)
 * </pre>
 */
final class AdamRule extends FusedRule {
  private final ScaleByAdam core;

  AdamRule(FusedPlan plan) {
    super(plan, plan.core(ScaleByAdam.class).amsgrad() ? 3 : 2);
    this.core = plan.core(ScaleByAdam.class);
  }

  @Override
  String kernel() {
    return "adam";
  }

  @Override
  boolean twoPass() {
    return plan.rule() == FusedPlan.Rule.LAMB;
  }

  @Override
  void ruleConstants(StepScalars s) {
    s.set(B1, core.b1());
    s.set(C1, 1 - core.b1());
    s.set(B2, core.b2());
    s.set(C2, 1 - core.b2());
    s.set(EPS, core.eps());
    s.set(EPS_ROOT, core.epsRoot());
    s.flag(F_EPS_ROOT, core.epsRoot() != 0);
    s.flag(F_AMSGRAD, core.amsgrad());
    s.set(NLOG_B1, negativeLog(core.b1()));
    s.set(NLOG_B2, negativeLog(core.b2()));
  }
}
