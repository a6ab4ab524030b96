package dev.diffopt.optim;

import dev.diffopt.transform.AddDecayedWeights;
import dev.diffopt.transform.Chain;
import dev.diffopt.transform.Check;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Identity;
import dev.diffopt.transform.Scale;
import dev.diffopt.transform.ScaleByAdam;
import dev.diffopt.transform.ScaleByLearningRate;
import dev.diffopt.transform.ScaleByTrustRatio;

/**
 * LAMB (You, Li, Reddi, Hseu, Kumar, Bhojanapalli, Song, Demmel, Keutzer and Hsieh, "Large Batch
 * Optimization for Deep Learning: Training BERT in 76 minutes", ICLR 2020, Algorithm 2 with φ the
 * identity): Adam's bias-corrected direction plus decoupled weight decay, rescaled per parameter
 * tensor (per leaf) by the trust ratio,
 *
 * <pre>
 *   g ← −g                                  (maximize only)
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·g²
 *   r = (m / (1 − β₁ᵗ)) / (sqrt(v / (1 − β₂ᵗ)) + ε) + λ·θ
 *   θ ← θ − η · (‖θ‖ / ‖r‖) · r             (per leaf; the ratio is 1 when ‖θ‖ = 0 or ‖r‖ = 0)
 * </pre>
 *
 * <p>The chain is {@code [Scale(−1)] → ScaleByAdam(β₁, β₂, ε, 0, false) → [AddDecayedWeights(λ)]
 * → ScaleByTrustRatio → ScaleByLearningRate(η)}; the parts in brackets are left out when they would
 * do nothing. The paper's defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-6 are kept; its λ = 0.01 is not the
 * default here (0, as in optax), so that weight decay is asked for explicitly. ({@code maximize} is
 * not in the paper; it is offered as in {@code torch.optim}.)
 */
public final class Lamb {
  /** The default learning rate η: {@value}. */
  public static final double DEFAULT_LR = 1e-3;
  /** The paper's default β₁: {@value}. */
  public static final double DEFAULT_B1 = 0.9;
  /** The paper's default β₂: {@value}. */
  public static final double DEFAULT_B2 = 0.999;
  /** The paper's default ε: {@value}. */
  public static final double DEFAULT_EPS = 1e-6;
  /** The default decoupled weight decay λ: {@value}. */
  public static final double DEFAULT_WEIGHT_DECAY = 0.0;

  private Lamb() {}

  /**
   * LAMB's options.
   *
   * @param lr the learning rate η; finite and {@code >= 0}
   * @param b1 β₁, the first-moment decay, in [0, 1)
   * @param b2 β₂, the second-moment decay, in [0, 1)
   * @param eps ε, added to the root; finite and {@code >= 0}
   * @param weightDecay the decoupled weight decay λ, added before the trust ratio; {@code >= 0}
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
     * @param lr the learning rate η
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
   * Lamb as a chain of building blocks (see the class comment).
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
        new ScaleByAdam(options.b1(), options.b2(), options.eps(), 0.0, false),
        options.weightDecay() != 0
            ? new AddDecayedWeights(options.weightDecay(), null)
            : new Identity(),
        new ScaleByTrustRatio(),
        ScaleByLearningRate.constant(options.lr()));
  }

  /**
   * Lamb with learning rate {@code lr} and the other options at their defaults.
   *
   * @param lr the learning rate
   * @return the transformation
   */
  public static GradientTransformation of(double lr) {
    return of(Options.builder().lr(lr).build());
  }
}
