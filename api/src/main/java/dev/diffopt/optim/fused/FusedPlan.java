package dev.diffopt.optim.fused;

import dev.diffopt.schedule.InverseTimeDecay;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.ScaleByAdam;
import dev.diffopt.transform.Trace;
import java.util.Optional;

/**
 * A backend-neutral description of an update rule that a fused multi-tensor kernel can run in one
 * pass per tensor: the canonical form of the optimizer chains of {@link dev.diffopt.optim}, read
 * off the chain's building blocks by {@link #recognize}. For every element, with {@code x} the
 * gradient and {@code p} the parameter, the kernel computes exactly what the chain computes:
 *
 * <pre>
 *   x ← −x                                    (maximize: Scale(−1))
 *   x ← x + λ_L2·p                            (weightDecay: AddDecayedWeights before the core)
 *   u ← core(x; moments)                      (the rule's moment transformation, updating its state)
 *   u ← u + λ_dec·p                           (decoupledWeightDecay: AddDecayedWeights after it)
 *   u ← trace(u)                              (momentum: Trace, SGD and RMSProp only)
 *   u ← (‖p‖ / ‖u‖)·u                          (LAMB: ScaleByTrustRatio, per tensor)
 *   u ← −η_t·u                                (ScaleByLearningRate: constant, or InverseTimeDecay)
 *   u ← (u − d·p) / (1 + d)                   (proximalDecay d: ProximalWeightDecay)
 *   p ← p + u
 * </pre>
 *
 * <p>The accepted chains are exactly {@code [Scale(−1)] → [AddDecayedWeights(λ, no mask)] → [core]
 * → [AddDecayedWeights(λ, no mask)] → [Trace] → [ScaleByTrustRatio] → ScaleByLearningRate →
 * [ProximalWeightDecay]} (bracketed parts optional, a single part may stand without a {@code
 * Chain}), where the core is one of {@code ScaleByAdam}, {@code ScaleByRms}, {@code
 * ScaleByStddev}, {@code ScaleByRss}, {@code ScaleByAdadelta}, {@code ScaleByAdamax}, {@code
 * ScaleByRAdam}, {@code ScaleByNadam}, {@code ScaleByLion}, {@code ScaleByBelief} or {@code
 * ScaleByAdan}, or absent (SGD); a {@code Trace} only with no core, {@code ScaleByRms} or {@code
 * ScaleByStddev}; a trust ratio only after {@code ScaleByAdam}; a learning rate either constant (a
 * number or a {@code Constant} schedule) or an {@code InverseTimeDecay} schedule. Everything else
 * (masks, other schedules, clipping, injected hyper-parameters, partitions, accumulation, …) is
 * not recognized, and {@link #whyNot} says why.
 *
 * @param rule which core, and so which kernel
 * @param core the core transformation record with its hyper-parameters ({@code ScaleByAdam}, …),
 *     or {@code null} for {@link Rule#SGD}
 * @param maximize whether the gradient is negated first
 * @param weightDecay λ of the L2 decay added to the gradient before the core (0: none)
 * @param decoupledWeightDecay λ of the decay added to the core's output (0: none)
 * @param momentum the {@code Trace} after the core, or {@code null}
 * @param lr the constant learning rate η; {@code NaN} when {@code lrSchedule} is set
 * @param lrSchedule the learning-rate schedule, or {@code null} for the constant {@code lr}
 * @param proximalDecay {@code d = η'·λ} of a trailing {@code ProximalWeightDecay} (0: none)
 */
public record FusedPlan(
    Rule rule,
    GradientTransformation core,
    boolean maximize,
    double weightDecay,
    double decoupledWeightDecay,
    Trace momentum,
    double lr,
    InverseTimeDecay lrSchedule,
    double proximalDecay) {

  /** The update rules, one per core moment transformation (and so one kernel each). */
  public enum Rule {
    /** No core: (momentum) SGD. */
    SGD,
    /** {@code ScaleByAdam}: Adam, AdamW (with AMSGrad and ε_root). */
    ADAM,
    /** {@code ScaleByAdam} followed by {@code ScaleByTrustRatio}: LAMB. */
    LAMB,
    /** {@code ScaleByRms}: RMSProp. */
    RMSPROP,
    /** {@code ScaleByStddev}: centered RMSProp. */
    RMSPROP_CENTERED,
    /** {@code ScaleByRss}: Adagrad. */
    ADAGRAD,
    /** {@code ScaleByAdadelta}: Adadelta. */
    ADADELTA,
    /** {@code ScaleByAdamax}: Adamax. */
    ADAMAX,
    /** {@code ScaleByRAdam}: RAdam. */
    RADAM,
    /** {@code ScaleByNadam}: NAdam. */
    NADAM,
    /** {@code ScaleByLion}: Lion. */
    LION,
    /** {@code ScaleByBelief}: AdaBelief. */
    ADABELIEF,
    /** {@code ScaleByAdan}: Adan. */
    ADAN
  }

  /**
   * Validates that the parts agree with the rule.
   *
   * @param rule the rule
   * @param core the core record or null
   * @param maximize maximize
   * @param weightDecay L2 λ
   * @param decoupledWeightDecay decoupled λ
   * @param momentum the trace or null
   * @param lr η
   * @param lrSchedule the schedule or null
   * @param proximalDecay d
   */
  public FusedPlan {
    if (rule == null) {
      throw new NullPointerException("rule is null");
    }
    if ((rule == Rule.SGD) != (core == null)) {
      throw new IllegalArgumentException("rule " + rule + " does not fit core " + core);
    }
    if ((rule == Rule.ADAM || rule == Rule.LAMB) && !(core instanceof ScaleByAdam)) {
      throw new IllegalArgumentException("rule " + rule + " needs a ScaleByAdam core, got " + core);
    }
    if (momentum != null
        && rule != Rule.SGD && rule != Rule.RMSPROP && rule != Rule.RMSPROP_CENTERED) {
      throw new IllegalArgumentException("a momentum trace is only fused after SGD or RMSProp");
    }
    if ((lrSchedule == null) == Double.isNaN(lr)) {
      throw new IllegalArgumentException(
          "exactly one of lr (" + lr + ") and lrSchedule (" + lrSchedule + ") must be given");
    }
  }

  /**
   * The canonical plan of {@code transformation}, or empty when no fused kernel may run it (see
   * the class comment for what is accepted; {@link #whyNot} gives the reason).
   *
   * @param transformation the update rule
   * @return the plan, or empty
   */
  public static Optional<FusedPlan> recognize(GradientTransformation transformation) {
    return Recognizer.parse(transformation).plan();
  }

  /**
   * Why {@code transformation} is not fusable, or {@code null} when it is.
   *
   * @param transformation the update rule
   * @return the reason, or null
   */
  public static String whyNot(GradientTransformation transformation) {
    return Recognizer.parse(transformation).reason();
  }

  /**
   * The core as its record type.
   *
   * @param type the expected core class, e.g. {@code ScaleByAdam.class}
   * @param <T> the core type
   * @return the core
   * @throws IllegalStateException if the core is of another type
   */
  public <T extends GradientTransformation> T core(Class<T> type) {
    if (!type.isInstance(core)) {
      throw new IllegalStateException(
          "plan " + rule + " has core " + core + ", not a " + type.getSimpleName());
    }
    return type.cast(core);
  }
}
