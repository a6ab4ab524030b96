package dev.diffopt.cuda;

import static dev.diffopt.cuda.StepScalars.B1;
import static dev.diffopt.cuda.StepScalars.B2;
import static dev.diffopt.cuda.StepScalars.C1;
import static dev.diffopt.cuda.StepScalars.C2;
import static dev.diffopt.cuda.StepScalars.EPS;
import static dev.diffopt.cuda.StepScalars.MOMENTUM_DECAY;
import static dev.diffopt.cuda.StepScalars.NLOG_B2;

import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.transform.ScaleByNadam;

/**
 * NAdam ({@code ScaleByNadam}, slots m, v, kernel {@code fused_nadam}) with the 0-d μ product Π
 * of the state: the kernel computes the momentum schedule, Π and the two coefficients per step
 * (from the step counter, ψ and the product before the step, which it reads from a scratch slot
 * of {@link CudaFusedStep}) and writes the new Π into the state tensor:
 *
 * <pre>
 *   μ_t = β₁·(1 − ½·0.96^(t·ψ));  Π_t = Π_{t−1}·μ_t
 *   m ← β₁·m + (1 − β₁)·x;  v ← β₂·v + (1 − β₂)·x²;  d = sqrt(v / (1 − β₂ᵗ)) + ε
 *   u = (x·(1 − μ_t)/(1 − Π_t) + m·μ_{t+1}/(1 − Π_t·μ_{t+1})) / d
 * </pre>
 */
final class NAdamRule extends FusedRule {
  private final ScaleByNadam core;

  NAdamRule(FusedPlan plan) {
    super(plan, 2);
    this.core = plan.core(ScaleByNadam.class);
  }

  @Override
  String kernel() {
    return "nadam";
  }

  @Override
  void ruleConstants(StepScalars s) {
    s.set(B1, core.b1());
    s.set(C1, 1 - core.b1());
    s.set(B2, core.b2());
    s.set(C2, 1 - core.b2());
    s.set(EPS, core.eps());
    s.set(NLOG_B2, negativeLog(core.b2()));
    s.set(MOMENTUM_DECAY, core.momentumDecay());
  }
}
