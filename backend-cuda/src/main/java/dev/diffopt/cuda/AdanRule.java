package dev.diffopt.cuda;

import static dev.diffopt.cuda.StepScalars.B1;
import static dev.diffopt.cuda.StepScalars.B2;
import static dev.diffopt.cuda.StepScalars.B3;
import static dev.diffopt.cuda.StepScalars.C1;
import static dev.diffopt.cuda.StepScalars.C2;
import static dev.diffopt.cuda.StepScalars.C3;
import static dev.diffopt.cuda.StepScalars.EPS;
import static dev.diffopt.cuda.StepScalars.F_FIRST;

import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.transform.ScaleByAdan;

/**
 * Adan ({@code ScaleByAdan}, slots m, v, n, g_prev, kernel {@code fused_adan}; usually followed
 * by {@code ProximalWeightDecay}):
 *
 * <pre>
 *   Δ = x − g_prev  (x − x on the first step)
 *   m ← b1·m + (1 − b1)·x  (x on the first step);   v ← b2·v + (1 − b2)·Δ
 *   n ← b3·n + (1 − b3)·(x + b2·Δ)²  ((x + b2·Δ)² on the first step);   g_prev ← x + 0
 *   u = (m + b2·v) / (sqrt(n) + ε)
 * </pre>
 */
final class AdanRule extends FusedRule {
  AdanRule(FusedPlan plan) {
    super(plan, 4);
  }

  @Override
  String kernel() {
    return "adan";
  }

  @Override
  void ruleConstants(StepScalars s) {
    ScaleByAdan core = plan.core(ScaleByAdan.class);
    s.set(B1, core.b1());
    s.set(C1, 1 - core.b1());
    s.set(B2, core.b2());
    s.set(C2, 1 - core.b2());
    s.set(B3, core.b3());
    s.set(C3, 1 - core.b3());
    s.set(EPS, core.eps());
  }

  @Override
  void beginRule(StepScalars s, long count) {
    s.flag(F_FIRST, count == 0);
  }
}
