package dev.diffopt.optim.fused;

import dev.diffopt.schedule.InverseTimeDecay;

/**
 * The per-step scalars of the fused rules for float32 parameters, computed on the host once per
 * step with the same float32 operations, in the same order, as the op-by-op transformations compute
 * them on 0-d float32 tensors ({@code Counters.biasCorrection} with its float32-accurate Kahan
 * {@code expm1}, the RAdam rectification, the NAdam momentum schedule, the learning-rate
 * schedule). Basic operations ({@code + − × ÷}) are correctly rounded in both; {@code pow}, {@code
 * exp}, {@code log} and {@code sqrt} are evaluated in double and rounded to float, which agrees
 * with a float32 libm to the last bit in all but rare halfway cases. A kernel using these values
 * reproduces the op-by-op path to a few float32 ulps (exactly, for small tensors on DJL).
 *
 * <p>A hyper-parameter {@code h} enters a float32 formula as {@code (float) h}, as a 0-d float32
 * tensor made from the double would.
 */
public final class Float32Scalars {
  private Float32Scalars() {}

  /** Beyond this exponent {@code β^−t − 1} is taken as {@code e^80 − 1}, as {@code Counters}. */
  private static final float MAX_EXPONENT = 80f;

  /**
   * {@code pow} in float32: the float nearest to {@code base^exponent}.
   *
   * @param base the base
   * @param exponent the exponent
   * @return the power
   */
  public static float pow(float base, float exponent) {
    return (float) Math.pow(base, exponent);
  }

  /**
   * {@code β^−t − 1} as {@code Counters.inversePowerMinusOne} computes it in float32: with {@code
   * x = min(t·|ln β|, 80)}, Kahan's {@code (e^x − 1)·x / ln(e^x)} (x itself when {@code e^x}
   * rounds to 1).
   *
   * @param beta β, in (0, 1)
   * @param t the step
   * @return {@code β^−t − 1}
   */
  public static float inversePowerMinusOne(double beta, long t) {
    float x = Math.min((float) t * (float) -Math.log(beta), MAX_EXPONENT);
    float w = (float) Math.exp(x);
    return w == 1f ? x : ((w - 1f) * x) / (float) Math.log(w);
  }

  /**
   * Adam's bias correction {@code 1 − β^t} in float32, as {@code Counters.biasCorrection}: {@code
   * e / (e + 1)} with {@code e = β^−t − 1} ({@link #inversePowerMinusOne}), 1 when β = 0.
   *
   * @param beta β
   * @param t the step, already incremented
   * @return {@code 1 − β^t}
   */
  public static float biasCorrection(double beta, long t) {
    if (beta == 0) {
      return 1f;
    }
    float e = inversePowerMinusOne(beta, t);
    return e / (e + 1f);
  }

  /**
   * The factor {@code −η_t} that {@code ScaleByLearningRate} multiplies updates by.
   *
   * @param plan the plan (constant {@code lr} or {@code lrSchedule})
   * @param count the learning-rate step's counter before this step
   * @return {@code −η_t} in float32
   */
  public static float learningRateFactor(FusedPlan plan, long count) {
    InverseTimeDecay schedule = plan.lrSchedule();
    if (schedule == null) {
      return (float) -plan.lr();
    }
    float t = (float) count;
    float denominator = 1f + t * (float) schedule.decayRate();
    return -((float) schedule.initValue() / denominator);
  }

  /**
   * RAdam's rectification at step {@code t}, as {@code ScaleByRAdam} computes it in float32.
   *
   * @param adaptive whether the adaptive (rectified) branch is taken, {@code ρ_t > 5}
   * @param factor {@code r_t · sqrt(1 − β₂ᵗ)} (1 when not adaptive)
   */
  public record Rectification(boolean adaptive, float factor) {}

  /**
   * RAdam's rectification for {@code β₂} at step {@code t} (already incremented).
   *
   * @param b2 β₂
   * @param t the step
   * @return whether to adapt, and the factor
   */
  public static Rectification radam(double b2, long t) {
    double rhoInf = 2 / (1 - b2) - 1;
    if (!(rhoInf > 5.0)) {
      return new Rectification(false, 1f);
    }
    float tf = (float) t;
    float expm1 = inversePowerMinusOne(b2, t);
    float rho = (float) rhoInf - (tf * 2f) / expm1;
    float c2 = expm1 / (expm1 + 1f);
    boolean adaptive = 5f < rho;
    float safeRho = adaptive ? rho : (float) rhoInf;
    float constant = (float) (rhoInf / ((rhoInf - 4) * (rhoInf - 2)));
    float rect = (float) Math.sqrt((((safeRho + -4f) * (safeRho + -2f)) * constant) / safeRho);
    return new Rectification(adaptive, rect * (float) Math.sqrt(c2));
  }

  /**
   * NAdam's momentum coefficient {@code μ_t = β₁·(1 − ½·0.96^(t·ψ))} in float32.
   *
   * @param b1 β₁
   * @param momentumDecay ψ
   * @param t the step as a float (t or t + 1)
   * @return μ_t
   */
  public static float nadamMomentum(double b1, double momentumDecay, float t) {
    float decay = pow(0.96f, t * (float) momentumDecay);
    return (1f - decay * 0.5f) * (float) b1;
  }
}
