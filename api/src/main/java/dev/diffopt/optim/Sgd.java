package dev.diffopt.optim;

import dev.diffopt.transform.AddDecayedWeights;
import dev.diffopt.transform.Chain;
import dev.diffopt.transform.Check;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Identity;
import dev.diffopt.transform.Scale;
import dev.diffopt.transform.ScaleByLearningRate;
import dev.diffopt.transform.Trace;

/**
 * Stochastic gradient descent with optional heavy-ball or Nesterov momentum (Sutskever, Martens,
 * Dahl and Hinton, "On the importance of initialization and momentum in deep learning", ICML
 * 2013), L2 weight decay and maximization, with {@code torch.optim.SGD}'s semantics:
 *
 * <pre>
 *   g ← −g                             (maximize)
 *   g ← g + λ·p                        (weight decay λ &gt; 0)
 *   b₁ = g₁;  b_t = μ·b_{t−1} + (1 − τ)·g_t     (momentum μ &gt; 0, dampening τ)
 *   g ← g + μ·b  (nesterov)  or  g ← b
 *   p ← p − η·g
 * </pre>
 *
 * <p>{@link #of(Options)} is the chain {@code [Scale(−1)] → [AddDecayedWeights(λ)] → [Trace(μ, τ,
 * nesterov)] → ScaleByLearningRate(η)}, where a bracketed part is present only when its option is
 * active (maximize, λ ≠ 0, μ ≠ 0).
 */
public final class Sgd {
  /**
   * The default learning rate η, 1e-3 (torch.optim ≥ 2.2's default; PyTorch 1.13, TorchOpt and
   * optax require it).
   */
  public static final double DEFAULT_LR = 1e-3;

  /** The default momentum μ: 0, plain SGD. */
  public static final double DEFAULT_MOMENTUM = 0.0;

  /** The default dampening τ: 0. */
  public static final double DEFAULT_DAMPENING = 0.0;

  /** The default L2 weight decay λ: 0. */
  public static final double DEFAULT_WEIGHT_DECAY = 0.0;

  /** By default momentum is heavy-ball, not Nesterov. */
  public static final boolean DEFAULT_NESTEROV = false;

  /** By default the objective is minimized. */
  public static final boolean DEFAULT_MAXIMIZE = false;

  private Sgd() {}

  /**
   * The options of SGD, validated on construction.
   *
   * @param lr the learning rate η, finite and {@code >= 0}
   * @param momentum the momentum μ, finite and {@code >= 0}
   * @param dampening the dampening τ of the momentum, finite and {@code >= 0}
   * @param weightDecay the L2 penalty λ (added to the gradient), finite and {@code >= 0}
   * @param nesterov whether to use Nesterov momentum; needs μ &gt; 0 and τ = 0, as in
   *     torch.optim
   * @param maximize whether to maximize the objective instead of minimizing it
   */
  public record Options(
      double lr,
      double momentum,
      double dampening,
      double weightDecay,
      boolean nesterov,
      boolean maximize) {

    /**
     * Validates every value.
     *
     * @param lr η
     * @param momentum μ
     * @param dampening τ
     * @param weightDecay λ
     * @param nesterov nesterov
     * @param maximize maximize
     */
    public Options {
      Check.nonNegative("lr", lr);
      Check.nonNegative("momentum", momentum);
      Check.nonNegative("dampening", dampening);
      Check.nonNegative("weightDecay", weightDecay);
      if (nesterov && (momentum <= 0 || dampening != 0)) {
        throw new IllegalArgumentException(
            "nesterov requires momentum > 0 and dampening == 0, got momentum " + momentum
                + " and dampening " + dampening);
      }
    }

    /**
     * The defaults: every {@code DEFAULT_*} constant of {@link Sgd}.
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
          .momentum(momentum)
          .dampening(dampening)
          .weightDecay(weightDecay)
          .nesterov(nesterov)
          .maximize(maximize);
    }

    /** A mutable builder of {@link Options}; values are validated by {@link #build()}. */
    public static final class Builder extends OptionsBuilder<Builder> {
      private double momentum = DEFAULT_MOMENTUM;
      private double dampening = DEFAULT_DAMPENING;
      private boolean nesterov = DEFAULT_NESTEROV;

      private Builder() {
        super(DEFAULT_LR, DEFAULT_WEIGHT_DECAY, DEFAULT_MAXIMIZE);
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
       * Sets the dampening τ.
       *
       * @param value τ
       * @return this builder
       */
      public Builder dampening(double value) {
        this.dampening = value;
        return this;
      }

      /**
       * Sets whether to use Nesterov momentum.
       *
       * @param value nesterov
       * @return this builder
       */
      public Builder nesterov(boolean value) {
        this.nesterov = value;
        return this;
      }

      /**
       * Validates and builds the options.
       *
       * @return the options
       * @throws IllegalArgumentException naming the first invalid option and its value
       */
      public Options build() {
        return new Options(lr, momentum, dampening, weightDecay, nesterov, maximize);
      }
    }
  }

  /**
   * SGD as a chain of building blocks (see the class comment).
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
        options.momentum() != 0
            ? new Trace(options.momentum(), options.dampening(), options.nesterov())
            : new Identity(),
        ScaleByLearningRate.constant(options.lr()));
  }

  /**
   * Plain SGD, {@code p ← p − η·g}, with the other options at their defaults.
   *
   * @param lr the learning rate η
   * @return the transformation
   */
  public static GradientTransformation of(double lr) {
    return of(Options.builder().lr(lr).build());
  }
}
