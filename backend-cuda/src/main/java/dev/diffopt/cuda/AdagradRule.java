package dev.diffopt.cuda;

import static dev.diffopt.cuda.StepScalars.EPS;

import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.transform.ScaleByRss;

/**
 * Adagrad ({@code ScaleByRss}, slot S, kernel {@code fused_adagrad}; the learning rate may follow
 * {@code InverseTimeDecay}):
 *
 * <pre>
 *   S ← S + x²;  u = x / (sqrt(S) + ε)
 * </pre>
 */
final class AdagradRule extends FusedRule {
  AdagradRule(FusedPlan plan) {
    super(plan, 1);
  }

  @Override
  String kernel() {
    return "adagrad";
  }

  @Override
  void ruleConstants(StepScalars s) {
    s.set(EPS, plan.core(ScaleByRss.class).eps());
  }
}
