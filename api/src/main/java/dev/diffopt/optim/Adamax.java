package dev.diffopt.optim;

import dev.diffopt.transform.AddDecayedWeights;
import dev.diffopt.transform.Chain;
import dev.diffopt.transform.Check;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Identity;
import dev.diffopt.transform.Scale;
import dev.diffopt.transform.ScaleByAdamax;
import dev.diffopt.transform.ScaleByLearningRate;

/**
 * Adamax, Adam with an exponentially weighted infinity norm in place of the second moment (Kingma
 * and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, section 7.1), with L2 weight
 * decay and maximization, with {@code torch.optim.Adamax}'s semantics:
 *
 * <pre>
 *   g ← −g                                   (maximize)
 *   g ← g + λ·p                              (L2 weight decay λ &gt; 0)
 *   m ← β₁·m + (1 − β₁)·g
 *   w ← max(β₂·w, |g| + ε)
 *   p ← p − η · (m / (1 − β₁ᵗ)) / w
 * </pre>
 *
 * <p>{@link #of(Options)} is the chain {@code [Scale(−1)] → [AddDecayedWeights(λ)] →
 * ScaleByAdamax(β₁, β₂, ε) → ScaleByLearningRate(η)}, a bracketed part present only when its
 * option is active (maximize, λ ≠ 0).
 */
public final class Adamax {
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

  /** By default the objective is minimized. */
  public static final boolean DEFAULT_MAXIMIZE = false;

  private Adamax() {}

  /**
   * The options of Adamax, validated on construction.
   *
   * @param lr the learning rate η, finite and {@code >= 0}
   * @param b1 β₁, the first-moment decay, in [0, 1)
   * @param b2 β₂, the second-moment decay, in [0, 1)
   * @param eps ε, finite and {@code >= 0}
   * @param weightDecay the L2 penalty λ (added to the gradient), finite and {@code >= 0}
   * @param maximize whether to maximize the objective instead of minimizing it
   */
  public record Options(
      double lr,
      double b1,
      double b2,
      double eps,
      double weightDecay,
      boolean maximize) {

    /**
     * Validates every value.
     *
     * @param lr η
     * @param b1 β₁
     * @param b2 β₂
     * @param eps ε
     * @param weightDecay λ
     * @param maximize maximize
     */
    public Options {
      Check.nonNegative("lr", lr);
      Check.unitInterval("b1", b1);
      Check.unitInterval("b2", b2);
      Check.nonNegative("eps", eps);
      Check.nonNegative("weightDecay", weightDecay);
    }

    /**
     * The defaults: every {@code DEFAULT_*} constant of {@link Adamax}.
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
          .maximize(maximize);
    }

    /** A mutable builder of {@link Options}; values are validated by {@link #build()}. */
    public static final class Builder extends MomentOptionsBuilder<Builder> {
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
       * Validates and builds the options.
       *
       * @return the options
       * @throws IllegalArgumentException naming the first invalid option and its value
       */
      public Options build() {
        return new Options(lr, b1, b2, eps, weightDecay, maximize);
      }
    }
  }

  /**
   * Adamax as a chain of building blocks (see the class comment).
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
        new ScaleByAdamax(options.b1(), options.b2(), options.eps()),
        ScaleByLearningRate.constant(options.lr()));
  }

  /**
   * Adamax with learning rate η and the other options at their defaults.
   *
   * @param lr the learning rate η
   * @return the transformation
   */
  public static GradientTransformation of(double lr) {
    return of(Options.builder().lr(lr).build());
  }
}
