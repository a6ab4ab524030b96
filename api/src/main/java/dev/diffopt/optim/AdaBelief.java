package dev.diffopt.optim;

import dev.diffopt.transform.AddDecayedWeights;
import dev.diffopt.transform.Chain;
import dev.diffopt.transform.Check;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Identity;
import dev.diffopt.transform.Scale;
import dev.diffopt.transform.ScaleByBelief;
import dev.diffopt.transform.ScaleByLearningRate;

/**
 * AdaBelief (Zhuang, Tang, Ding, Tatikonda, Dvornek, Papademetris and Duncan, "AdaBelief
 * Optimizer: Adapting Stepsizes by the Belief in Observed Gradients", NeurIPS 2020, Algorithm 2):
 * with α the learning rate and λ the decoupled weight decay,
 *
 * <pre>
 *   g ← −g                                  (maximize only)
 *   m ← β₁·m + (1 − β₁)·g
 *   s ← β₂·s + (1 − β₂)·(g − m)² + ε
 *   θ ← θ − α·((m / (1 − β₁ᵗ)) / (sqrt(s / (1 − β₂ᵗ)) + ε) + λ·θ)
 * </pre>
 *
 * <p>The chain is {@code [Scale(−1)] → ScaleByBelief(β₁, β₂, ε) → [AddDecayedWeights(λ)] →
 * ScaleByLearningRate(α)}; the parts in brackets are left out when they would do nothing. The
 * weight decay is decoupled (AdamW style), the default of the authors' {@code adabelief-pytorch}
 * ({@code weight_decouple=True}); its rectification and AMSGrad options are not offered. The
 * default ε = 1e-16 is the authors' recommended value for this formulation (ε enters twice).
 * ({@code maximize} is not in the paper; it is offered as in {@code torch.optim}.)
 */
public final class AdaBelief {
  /** The paper's default learning rate α: {@value}. */
  public static final double DEFAULT_LR = 1e-3;
  /** The paper's default β₁: {@value}. */
  public static final double DEFAULT_B1 = 0.9;
  /** The paper's default β₂: {@value}. */
  public static final double DEFAULT_B2 = 0.999;
  /** The authors' default ε: {@value}. */
  public static final double DEFAULT_EPS = 1e-16;
  /** The default decoupled weight decay λ: {@value}. */
  public static final double DEFAULT_WEIGHT_DECAY = 0.0;

  private AdaBelief() {}

  /**
   * AdaBelief's options.
   *
   * @param lr the learning rate α; finite and {@code >= 0}
   * @param b1 β₁, the decay of the mean, in [0, 1)
   * @param b2 β₂, the decay of the belief variance, in [0, 1)
   * @param eps ε, added to s at every step and to the root; finite and {@code >= 0}
   * @param weightDecay the decoupled weight decay λ (scaled by α); finite and {@code >= 0}
   * @param maximize whether to maximise the objective (the gradient is negated first)
   */
  public record Options(
      double lr,
      double b1,
      double b2,
      double eps,
      double weightDecay,
      boolean maximize) {

    /**
     * Validates every option.
     *
     * @param lr the learning rate α
     * @param b1 β₁
     * @param b2 β₂
     * @param eps ε
     * @param weightDecay the weight decay λ
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

    /** Builds {@link Options} from the documented defaults; {@link #build} validates. */
    public static final class Builder extends MomentOptionsBuilder<Builder> {
      private Builder() {
        super(DEFAULT_LR, DEFAULT_B1, DEFAULT_B2, DEFAULT_EPS, DEFAULT_WEIGHT_DECAY, false);
      }

      /**
       * The options.
       *
       * @return validated options
       * @throws IllegalArgumentException naming the first invalid option and its value
       */
      public Options build() {
        return new Options(lr, b1, b2, eps, weightDecay, maximize);
      }
    }
  }

  /**
   * AdaBelief as a chain of building blocks (see the class comment).
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
        new ScaleByBelief(options.b1(), options.b2(), options.eps()),
        options.weightDecay() != 0
            ? new AddDecayedWeights(options.weightDecay(), null)
            : new Identity(),
        ScaleByLearningRate.constant(options.lr()));
  }

  /**
   * AdaBelief with learning rate {@code lr} and the other options at their defaults.
   *
   * @param lr the learning rate
   * @return the transformation
   */
  public static GradientTransformation of(double lr) {
    return of(Options.builder().lr(lr).build());
  }
}
