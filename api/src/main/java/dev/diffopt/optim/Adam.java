package dev.diffopt.optim;

import dev.diffopt.transform.AddDecayedWeights;
import dev.diffopt.transform.Chain;
import dev.diffopt.transform.Check;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Identity;
import dev.diffopt.transform.Scale;
import dev.diffopt.transform.ScaleByAdam;
import dev.diffopt.transform.ScaleByLearningRate;

/**
 * Adam (Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015) with optional
 * AMSGrad (Reddi, Kale and Kumar, "On the Convergence of Adam and Beyond", ICLR 2018), L2 weight
 * decay added to the gradient and maximization, with {@code torch.optim.Adam}'s semantics plus
 * TorchOpt's {@code eps_root}:
 *
 * <pre>
 *   g ← −g                                   (maximize)
 *   g ← g + λ·p                              (L2 weight decay λ &gt; 0)
 *   m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²
 *   v̂max ← max(v̂max, v)                       (amsgrad; used for v below)
 *   p ← p − η · (m / (1 − β₁ᵗ)) / (sqrt(v / (1 − β₂ᵗ) + ε_root) + ε)
 * </pre>
 *
 * <p>{@link #of(Options)} is the chain {@code [Scale(−1)] → [AddDecayedWeights(λ)] →
 * ScaleByAdam(β₁, β₂, ε, ε_root, amsgrad) → ScaleByLearningRate(η)}, a bracketed part present only
 * when its option is active. For decoupled weight decay use {@link AdamW}.
 */
public final class Adam {
  /** The default learning rate η: 1e-3. */
  public static final double DEFAULT_LR = 1e-3;

  /** The default first-moment decay β₁: 0.9. */
  public static final double DEFAULT_B1 = 0.9;

  /** The default second-moment decay β₂: 0.999. */
  public static final double DEFAULT_B2 = 0.999;

  /** The default ε added to the root: 1e-8. */
  public static final double DEFAULT_EPS = 1e-8;

  /** The default ε_root added inside the root: 0 (TorchOpt's default; torch.optim has none). */
  public static final double DEFAULT_EPS_ROOT = 0.0;

  /** The default L2 weight decay λ: 0. */
  public static final double DEFAULT_WEIGHT_DECAY = 0.0;

  /** By default AMSGrad is off. */
  public static final boolean DEFAULT_AMSGRAD = false;

  /** By default the objective is minimized. */
  public static final boolean DEFAULT_MAXIMIZE = false;

  private Adam() {}

  /**
   * The options of Adam, validated on construction.
   *
   * @param lr the learning rate η, finite and {@code >= 0}
   * @param b1 β₁, in [0, 1)
   * @param b2 β₂, in [0, 1)
   * @param eps ε, added to the root, finite and {@code >= 0}
   * @param epsRoot ε_root, added inside the root, finite and {@code >= 0}
   * @param weightDecay the L2 penalty λ (added to the gradient), finite and {@code >= 0}
   * @param amsgrad whether to use the running maximum of the second moment
   * @param maximize whether to maximize the objective instead of minimizing it
   */
  public record Options(
      double lr,
      double b1,
      double b2,
      double eps,
      double epsRoot,
      double weightDecay,
      boolean amsgrad,
      boolean maximize) {

    /**
     * Validates every value.
     *
     * @param lr η
     * @param b1 β₁
     * @param b2 β₂
     * @param eps ε
     * @param epsRoot ε_root
     * @param weightDecay λ
     * @param amsgrad amsgrad
     * @param maximize maximize
     */
    public Options {
      Check.nonNegative("lr", lr);
      Check.unitInterval("b1", b1);
      Check.unitInterval("b2", b2);
      Check.nonNegative("eps", eps);
      Check.nonNegative("epsRoot", epsRoot);
      Check.nonNegative("weightDecay", weightDecay);
    }

    /**
     * The defaults: every {@code DEFAULT_*} constant of {@link Adam}.
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
          .epsRoot(epsRoot)
          .weightDecay(weightDecay)
          .amsgrad(amsgrad)
          .maximize(maximize);
    }

    /** A mutable builder of {@link Options}; values are validated by {@link #build()}. */
    public static final class Builder extends AdamOptionsBuilder<Builder> {
      private Builder() {
        super(
            DEFAULT_LR,
            DEFAULT_B1,
            DEFAULT_B2,
            DEFAULT_EPS,
            DEFAULT_EPS_ROOT,
            DEFAULT_WEIGHT_DECAY,
            DEFAULT_AMSGRAD,
            DEFAULT_MAXIMIZE);
      }

      /**
       * Validates and builds the options.
       *
       * @return the options
       * @throws IllegalArgumentException naming the first invalid option and its value
       */
      public Options build() {
        return new Options(lr, b1, b2, eps, epsRoot, weightDecay, amsgrad, maximize);
      }
    }
  }

  /**
   * Adam as a chain of building blocks (see the class comment).
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
        new ScaleByAdam(
            options.b1(), options.b2(), options.eps(), options.epsRoot(), options.amsgrad()),
        ScaleByLearningRate.constant(options.lr()));
  }

  /**
   * Adam with learning rate η and the other options at their defaults.
   *
   * @param lr the learning rate η
   * @return the transformation
   */
  public static GradientTransformation of(double lr) {
    return of(Options.builder().lr(lr).build());
  }
}
