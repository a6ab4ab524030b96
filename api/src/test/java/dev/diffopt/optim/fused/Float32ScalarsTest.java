package dev.diffopt.optim.fused;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.optim.fused.FusedPlan.Rule;
import dev.diffopt.schedule.InverseTimeDecay;
import dev.diffopt.transform.ScaleByAdam;
import org.junit.jupiter.api.Test;

/** The host scalars are the float32 values of their double formulas, to a few ulps. */
class Float32ScalarsTest {

  private static void assertUlps(double expected, float actual, int ulps, String what) {
    float e = (float) expected;
    assertTrue(Math.abs(actual - e) <= ulps * Math.ulp(e),
        what + ": " + actual + " vs " + expected + " (" + ulps + " ulps allowed)");
  }

  @Test
  void biasCorrectionsAreAccurateInFloat32() {
    for (double beta : new double[] {0.9, 0.99, 0.999, 0.9999, 0.5}) {
      for (long t : new long[] {1, 2, 3, 10, 100, 1000, 10_000, 1_000_000}) {
        double exact = -Math.expm1(t * Math.log(beta));
        assertUlps(exact, Float32Scalars.biasCorrection(beta, t), 4, "1 - " + beta + "^" + t);
      }
    }
    assertEquals(1f, Float32Scalars.biasCorrection(0, 1));
  }

  @Test
  void learningRateFactors() {
    ScaleByAdam adam = new ScaleByAdam(0.9, 0.999, 1e-8, 0, false);
    FusedPlan constant = new FusedPlan(Rule.ADAM, adam, false, 0, 0, null, 0.1, null, 0);
    assertEquals(-0.1f, Float32Scalars.learningRateFactor(constant, 0));
    assertEquals(-0.1f, Float32Scalars.learningRateFactor(constant, 1000));
    FusedPlan decaying = new FusedPlan(
        Rule.ADAM, adam, false, 0, 0, null, Double.NaN, new InverseTimeDecay(0.1, 0.05), 0);
    for (long t = 0; t < 50; t++) {
      assertUlps(-0.1 / (1 + 0.05 * t), Float32Scalars.learningRateFactor(decaying, t), 2,
          "inverse time decay at " + t);
    }
  }

  @Test
  void radamRectificationFollowsTheDoubleFormula() {
    double b2 = 0.999;
    double rhoInf = 2 / (1 - b2) - 1;
    for (long t = 1; t <= 200; t++) {
      double bt = Math.pow(b2, t);
      double rho = rhoInf - 2 * t * bt / (1 - bt);
      Float32Scalars.Rectification r = Float32Scalars.radam(b2, t);
      assertEquals(rho > 5, r.adaptive(), "adaptive at t = " + t + " (rho " + rho + ")");
      if (r.adaptive()) {
        double rect = Math.sqrt((rho - 4) * (rho - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rho));
        double expected = rect * Math.sqrt(1 - bt);
        // ρ_t = ρ∞ − 2t/(β₂⁻ᵗ − 1) cancels ≈ 2000 down to ≈ 5 in float32 (as op-by-op does):
        // 1e-4 absolute in ρ_t, a few 1e-5 relative in the factor just past the threshold
        assertEquals(expected, r.factor(), 1e-4 * expected, "factor at t = " + t);
      }
    }
    assertFalse(Float32Scalars.radam(0.5, 100).adaptive(), "rho_inf = 3 is never adaptive");
  }

  @Test
  void nadamMomentumSchedule() {
    for (int t = 1; t < 100; t++) {
      double expected = 0.9 * (1 - 0.5 * Math.pow(0.96, t * 4e-3));
      assertUlps(expected, Float32Scalars.nadamMomentum(0.9, 4e-3, t), 2, "mu at " + t);
    }
  }
}
