package dev.diffopt.optim;

import dev.diffopt.transform.AddDecayedWeights;
import dev.diffopt.transform.Chain;
import dev.diffopt.transform.Check;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Identity;
import dev.diffopt.transform.Scale;
import dev.diffopt.transform.ScaleByLearningRate;
import dev.diffopt.transform.ScaleByRms;
import dev.diffopt.transform.ScaleByStddev;
import dev.diffopt.transform.Trace;

/**
 * RMSProp (Tieleman and Hinton, "Lecture 6.5 — RMSProp: divide the gradient by a running average
 * of its recent magnitude", COURSERA: Neural Networks for Machine Learning, 2012), optionally
 * centered (Graves, "Generating Sequences With Recurrent Neural Networks", 2013) and with
 * momentum, L2 weight decay and maximization, with {@code torch.optim.RMSprop}'s semantics:
 *
 * <pre>
 *   g ← −g                                   (maximize)
 *   g ← g + λ·p                              (L2 weight decay λ &gt; 0)
 *   v ← α·v + (1 − α)·g²
 *   ḡ ← α·ḡ + (1 − α)·g                      (centered)
 *   d = sqrt(v − ḡ²) + ε  (centered)  or  sqrt(v) + ε
 *   b ← μ·b + g/d;  p ← p − η·b              (momentum μ &gt; 0; b starts at 0)
 *   p ← p − η·g/d                            (otherwise)
 * </pre>
 *
 * <p>ε is added outside the root, as torch.optim does. {@link #of(Options)} is the chain {@code
 * [Scale(−1)] → [AddDecayedWeights(λ)] → ScaleByRms(α, ε) | ScaleByStddev(α, ε) → [Trace(μ)] →
 * ScaleByLearningRate(η)}, a bracketed part present only when its option is active (maximize, λ ≠
 * 0, μ ≠ 0). The momentum buffer starts at zero, so its first value is g/d, which is what {@link
 * Trace} without dampening gives.
 */
public final class RmsProp {
  /** The default learning rate η: 1e-2. */
  public static final double DEFAULT_LR = 1e-2;

  /** The default smoothing constant α: 0.99. */
  public static final double DEFAULT_ALPHA = 0.99;

  /** The default ε added to the root: 1e-8. */
  public static final double DEFAULT_EPS = 1e-8;

  /** The default L2 weight decay λ: 0. */
  public static final double DEFAULT_WEIGHT_DECAY = 0.0;

  /** The default momentum μ: 0. */
  public static final double DEFAULT_MOMENTUM = 0.0;

  /** By default RMSProp is not centered. */
  public static final boolean DEFAULT_CENTERED = false;

  /** By default the objective is minimized. */
  public static final boolean DEFAULT_MAXIMIZE = false;

  private RmsProp() {}

  /**
   * The options of RMSProp, validated on construction.
   *
   * @param lr the learning rate η, finite and {@code >= 0}
   * @param alpha the smoothing constant α, in [0, 1)
   * @param eps ε, added to the root, finite and {@code >= 0}
   * @param weightDecay the L2 penalty λ (added to the gradient), finite and {@code >= 0}
   * @param momentum the momentum μ, finite and {@code >= 0}
   * @param centered whether to normalize by the estimated variance instead of the second moment
   * @param maximize whether to maximize the objective instead of minimizing it
   */
  public record Options(
      double lr,
      double alpha,
      double eps,
      double weightDecay,
      double momentum,
      boolean centered,
      boolean maximize) {

    /**
     * Validates every value.
     *
     * @param lr η
     * @param alpha α
     * @param eps ε
     * @param weightDecay λ
     * @param momentum μ
     * @param centered centered
     * @param maximize maximize
     */
    public Options {
      Check.nonNegative("lr", lr);
      Check.unitInterval("alpha", alpha);
      Check.nonNegative("eps", eps);
      Check.nonNegative("weightDecay", weightDecay);
      Check.nonNegative("momentum", momentum);
    }

    /**
     * The defaults: every {@code DEFAULT_*} constant of {@link RmsProp}.
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
          .alpha(alpha)
          .eps(eps)
          .weightDecay(weightDecay)
          .momentum(momentum)
          .centered(centered)
          .maximize(maximize);
    }

    /** A mutable builder of {@link Options}; values are validated by {@link #build()}. */
    public static final class Builder extends EpsOptionsBuilder<Builder> {
      private double alpha = DEFAULT_ALPHA;
      private double momentum = DEFAULT_MOMENTUM;
      private boolean centered = DEFAULT_CENTERED;

      private Builder() {
        super(DEFAULT_LR, DEFAULT_EPS, DEFAULT_WEIGHT_DECAY, DEFAULT_MAXIMIZE);
      }

      /**
       * Sets the smoothing constant α.
       *
       * @param value α
       * @return this builder
       */
      public Builder alpha(double value) {
        this.alpha = value;
        return this;
      }

      /**
       * Sets the momentum μ.
       *
       * @param value μ
       * @return this builder
       */
      public Builder momentum(double value) {
        this.momentum = value;
        return this;
      }

      /**
       * Sets whether to center.
       *
       * @param value centered
       * @return this builder
       */
      public Builder centered(boolean value) {
        this.centered = value;
        return this;
      }

      /**
       * Validates and builds the options.
       *
       * @return the options
       * @throws IllegalArgumentException naming the first invalid option and its value
       */
      public Options build() {
        return new Options(lr, alpha, eps, weightDecay, momentum, centered, maximize);
      }
    }
  }

  /**
   * RMSProp as a chain of building blocks (see the class comment).
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
        options.centered()
            ? new ScaleByStddev(options.alpha(), options.eps())
            : new ScaleByRms(options.alpha(), options.eps()),
        options.momentum() != 0 ? new Trace(options.momentum(), 0, false) : new Identity(),
        ScaleByLearningRate.constant(options.lr()));
  }

  /**
   * RMSProp with learning rate η and the other options at their defaults.
   *
   * @param lr the learning rate η
   * @return the transformation
   */
  public static GradientTransformation of(double lr) {
    return of(Options.builder().lr(lr).build());
  }
}
