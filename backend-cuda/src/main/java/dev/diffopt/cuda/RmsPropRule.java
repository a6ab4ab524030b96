package dev.diffopt.cuda;

import static dev.diffopt.cuda.StepScalars.B1;
import static dev.diffopt.cuda.StepScalars.C1;
import static dev.diffopt.cuda.StepScalars.EPS;
import static dev.diffopt.cuda.StepScalars.F_CENTERED;

import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.transform.ScaleByRms;
import dev.diffopt.transform.ScaleByStddev;

/**
 * RMSProp ({@code ScaleByRms}, slot v) and centered RMSProp ({@code ScaleByStddev}, slots m, v),
 * kernel {@code fused_rmsprop} (α in {@code B1}, 1 − α in {@code C1}), with the optional momentum
 * trace after them:
 *
 * <pre>
 *   v ← α·v + (1 − α)·x²;  m ← α·m + (1 − α)·x  (centered)
 *   u = x / (sqrt(v) + ε)   or, centered,   x / (sqrt(v − m²) + ε)
 * </pre>
 */
final class RmsPropRule extends FusedRule {
  private final boolean centered;
  private final double alpha;
  private final double eps;

  RmsPropRule(FusedPlan plan) {
    super(plan, plan.rule() == FusedPlan.Rule.RMSPROP_CENTERED ? 2 : 1);
    this.centered = plan.rule() == FusedPlan.Rule.RMSPROP_CENTERED;
    this.alpha = centered
        ? plan.core(ScaleByStddev.class).alpha() : plan.core(ScaleByRms.class).alpha();
    this.eps = centered ? plan.core(ScaleByStddev.class).eps() : plan.core(ScaleByRms.class).eps();
  }

  @Override
  String kernel() {
    return "rmsprop";
  }

  @Override
  void ruleConstants(StepScalars s) {
    s.set(B1, alpha);
    s.set(C1, 1 - alpha);
    s.set(EPS, eps);
    s.flag(F_CENTERED, centered);
  }
}
