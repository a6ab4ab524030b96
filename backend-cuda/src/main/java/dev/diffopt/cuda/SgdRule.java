package dev.diffopt.cuda;

import dev.diffopt.optim.fused.FusedPlan;

/**
 * (Momentum) SGD, kernel {@code fused_sgd}: no core ({@code u = x}); the trace, when there is one,
 * is slot 0.
 */
final class SgdRule extends FusedRule {
  SgdRule(FusedPlan plan) {
    super(plan, 0);
  }

  @Override
  String kernel() {
    return "sgd";
  }

  @Override
  void ruleConstants(StepScalars s) {}
}
