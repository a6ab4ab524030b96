package dev.diffopt.optim;

import dev.diffopt.transform.AddDecayedWeights;
import dev.diffopt.transform.Chain;
import dev.diffopt.transform.Check;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Identity;
import dev.diffopt.transform.Scale;
import dev.diffopt.transform.ScaleByLearningRate;
import dev.diffopt.transform.ScaleByNadam;

/**
 * NAdam, Adam with Nesterov momentum (Dozat, "Incorporating Nesterov Momentum into Adam", ICLR
 * 2016 workshop), with a momentum schedule, L2 weight decay and maximization, with {@code
 * torch.optim.NAdam}'s semantics including the upstream fix of PyTorch 1.13's {@code
 * mu_product_next}:
 *
 * <pre>
 *   g ← −g                                   (maximize)
 *   g ← g + λ·p                              (L2 weight decay λ &gt; 0)
 *   μ_t = β₁(1 − ½·0.96^(tψ));  Π_t = ∏_{i≤t} μ_i
 *   m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;  d = sqrt(v / (1 − β₂ᵗ)) + ε
 *   p ← p − η · ( (1 − μ_t)/(1 − Π_t) · g/d + μ_{t+1}/(1 − Π_t·μ_{t+1}) · m/d )
 * </pre>
 *
 * <p>{@link #of(Options)} is the chain {@code [Scale(−1)] → [AddDecayedWeights(λ)] →
 * ScaleByNadam(β₁, β₂, ε, ψ) → ScaleByLearningRate(η)}, a bracketed part present only when its
 * option is active (maximize, λ ≠ 0). {@code maximize} is an extension: PyTorch 1.13's NAdam has
 * none (later versions negate the gradient first, as here).
 */
public final class NAdam {
  /** The default learning rate η: 2e-3. */
  public static final double DEFAULT_LR = 2e-3;

  /** The default first-moment decay β₁: 0.9. */
  public static final double DEFAULT_B1 = 0.9;

  /** The default second-moment decay β₂: 0.999. */
  public static final double DEFAULT_B2 = 0.999;

  /** The default ε: 1e-8. */
  public static final double DEFAULT_EPS = 1e-8;

  /** The default L2 weight decay λ: 0. */
  public static final double DEFAULT_WEIGHT_DECAY = 0.0;

  /** The default momentum decay ψ: 4e-3. */
  public static final double DEFAULT_MOMENTUM_DECAY = 4e-3;

  /** By default the objective is minimized. */
  public static final boolean DEFAULT_MAXIMIZE = false;

  private NAdam() {}

  /**
   * The options of NAdam, validated on construction.
   *
   * @param lr the learning rate η, finite and {@code >= 0}
   * @param b1 β₁, the first-moment decay, in [0, 1)
   * @param b2 β₂, the second-moment decay, in [0, 1)
   * @param eps ε, finite and {@code >= 0}
   * @param weightDecay the L2 penalty λ (added to the gradient), finite and {@code >= 0}
   * @param momentumDecay the momentum decay ψ of the schedule μ_t, finite and {@code >= 0}
   * @param maximize whether to maximize the objective instead of minimizing it
   */
  public record Options(
      double lr,
      double b1,
      double b2,
      double eps,
      double weightDecay,
      double momentumDecay,
      boolean maximize) {

    /**
     * Validates every value.
     *
     * @param lr η
     * @param b1 β₁
     * @param b2 β₂
     * @param eps ε
     * @param weightDecay λ
     * @param momentumDecay ψ
     * @param maximize maximize
     */
    public Options {
      Check.nonNegative("lr", lr);
      Check.unitInterval("b1", b1);
      Check.unitInterval("b2", b2);
      Check.nonNegative("eps", eps);
      Check.nonNegative("weightDecay", weightDecay);
      Check.nonNegative("momentumDecay", momentumDecay);
    }

    /**
     * The defaults: every {@code DEFAULT_*} constant of {@link NAdam}.
     *
     * @return the default options
     */
    public static Options defaults() {
      return builder().build();
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
      return new Builder();
    }

    /**
     * A builder starting from these options.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
      return new Builder()
          .lr(lr)
          .b1(b1)
          .b2(b2)
          .eps(eps)
          .weightDecay(weightDecay)
          .momentumDecay(momentumDecay)
          .maximize(maximize);
    }

    /** A mutable builder of {@link Options}; values are validated by {@link #build()}. */
    public static final class Builder extends MomentOptionsBuilder<Builder> {
      private double momentumDecay = DEFAULT_MOMENTUM_DECAY;

      private Builder() {
        super(
            DEFAULT_LR,
            DEFAULT_B1,
            DEFAULT_B2,
            DEFAULT_EPS,
            DEFAULT_WEIGHT_DECAY,
            DEFAULT_MAXIMIZE);
      }

      /**
       * Sets the momentum decay ψ.
       *
       * @param value ψ
       * @return this builder
       */
      public Builder momentumDecay(double value) {
        this.momentumDecay = value;
        return this;
      }

      /**
       * Validates and builds the options.
       *
       * @return the options
       * @throws IllegalArgumentException naming the first invalid option and its value
       */
      public Options build() {
        return new Options(lr, b1, b2, eps, weightDecay, momentumDecay, maximize);
      }
    }
  }

  /**
   * NAdam as a chain of building blocks (see the class comment).
   *
   * @param options the options
   * @return the transformation
   */
  public static GradientTransformation of(Options options) {
    if (options == null) {
      throw new NullPointerException("options is null");
    }
    return Chain.of(
        options.maximize() ? new Scale(-1) : new Identity(),
        options.weightDecay() != 0
            ? new AddDecayedWeights(options.weightDecay(), null)
            : new Identity(),
        new ScaleByNadam(options.b1(), options.b2(), options.eps(), options.momentumDecay()),
        ScaleByLearningRate.constant(options.lr()));
  }

  /**
   * NAdam with learning rate η and the other options at their defaults.
   *
   * @param lr the learning rate η
   * @return the transformation
   */
  public static GradientTransformation of(double lr) {
    return of(Options.builder().lr(lr).build());
  }
}
