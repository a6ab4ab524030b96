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
 * AdamW: Adam with decoupled weight decay (Loshchilov and Hutter, "Decoupled Weight Decay
 * Regularization", ICLR 2019; Adam: Kingma and Ba, ICLR 2015), with optional AMSGrad (Reddi, Kale
 * and Kumar, ICLR 2018) and maximization, with {@code torch.optim.AdamW}'s semantics plus
 * TorchOpt's {@code eps_root}. The decay acts on the parameters, not through the moments:
 *
 * <pre>
 *   g ← −g                                   (maximize)
 *   m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²
 *   v̂max ← max(v̂max, v)                       (amsgrad; used for v below)
 *   p ← p − η · ( (m / (1 − β₁ᵗ)) / (sqrt(v / (1 − β₂ᵗ) + ε_root) + ε)  +  λ·p )
 * </pre>
 *
 * <p>which equals torch's {@code p ← p·(1 − ηλ)} followed by the Adam step. {@link #of(Options)} is
 * the chain {@code [Scale(−1)] → ScaleByAdam(β₁, β₂, ε, ε_root, amsgrad) → [AddDecayedWeights(λ,
 * mask)] → ScaleByLearningRate(η)}, a bracketed part present only when its option is active
 * (maximize, λ ≠ 0). For L2 decay through the moments use {@link Adam}.
 */
public final class AdamW {
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

  /** The default decoupled weight decay λ: 1e-2 (torch.optim.AdamW's default). */
  public static final double DEFAULT_WEIGHT_DECAY = 1e-2;

  /** By default AMSGrad is off. */
  public static final boolean DEFAULT_AMSGRAD = false;

  /** By default the objective is minimized. */
  public static final boolean DEFAULT_MAXIMIZE = false;

  private AdamW() {}

  /**
   * The options of AdamW, validated on construction.
   *
   * @param lr the learning rate η, finite and {@code >= 0}
   * @param b1 β₁, in [0, 1)
   * @param b2 β₂, in [0, 1)
   * @param eps ε, added to the root, finite and {@code >= 0}
   * @param epsRoot ε_root, added inside the root, finite and {@code >= 0}
   * @param weightDecay the decoupled weight decay λ, finite and {@code >= 0}
   * @param amsgrad whether to use the running maximum of the second moment
   * @param maximize whether to maximize the objective instead of minimizing it
   * @param mask which parameters decay: a tree of {@code Boolean} leaves with the structure of the
   *     parameters or a prefix of it, or {@code null} for all (see {@link AddDecayedWeights})
   */
  public record Options(
      double lr,
      double b1,
      double b2,
      double eps,
      double epsRoot,
      double weightDecay,
      boolean amsgrad,
      boolean maximize,
      Object mask) {

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
     * @param mask the decay mask or {@code null}
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
     * The defaults: every {@code DEFAULT_*} constant of {@link AdamW}, no mask.
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
          .maximize(maximize)
          .mask(mask);
    }

    /** A mutable builder of {@link Options}; values are validated by {@link #build()}. */
    public static final class Builder extends AdamOptionsBuilder<Builder> {
      private Object mask;

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
       * Sets the decay mask (a tree of {@code Boolean}s, or {@code null} for every leaf).
       *
       * @param value the mask
       * @return this builder
       */
      public Builder mask(Object value) {
        this.mask = value;
        return this;
      }

      /**
       * Validates and builds the options.
       *
       * @return the options
       * @throws IllegalArgumentException naming the first invalid option and its value
       */
      public Options build() {
        return new Options(lr, b1, b2, eps, epsRoot, weightDecay, amsgrad, maximize, mask);
      }
    }
  }

  /**
   * AdamW as a chain of building blocks (see the class comment).
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
        new ScaleByAdam(
            options.b1(), options.b2(), options.eps(), options.epsRoot(), options.amsgrad()),
        options.weightDecay() != 0
            ? new AddDecayedWeights(options.weightDecay(), options.mask())
            : new Identity(),
        ScaleByLearningRate.constant(options.lr()));
  }

  /**
   * AdamW with learning rate η and the other options at their defaults (λ = 1e-2).
   *
   * @param lr the learning rate η
   * @return the transformation
   */
  public static GradientTransformation of(double lr) {
    return of(Options.builder().lr(lr).build());
  }
}
