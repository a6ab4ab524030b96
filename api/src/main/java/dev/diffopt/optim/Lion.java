package dev.diffopt.optim;

import dev.diffopt.transform.AddDecayedWeights;
import dev.diffopt.transform.Chain;
import dev.diffopt.transform.Check;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Identity;
import dev.diffopt.transform.Scale;
import dev.diffopt.transform.ScaleByLearningRate;
import dev.diffopt.transform.ScaleByLion;

/**
 * Lion, "EvoLved Sign Momentum" (Chen, Liang, Huang, Real, Wang, Pham, Dong, Luong, Hsieh, Lu and
 * Le, "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023): with η the learning rate and
 * λ the decoupled weight decay,
 *
 * <pre>
 *   g ← −g                                  (maximize only)
 *   c = β₁·m + (1 − β₁)·g
 *   θ ← θ − η·(sign(c) + λ·θ)
 *   m ← β₂·m + (1 − β₂)·g
 * </pre>
 *
 * <p>m starts at zero. Because every step has the same size in every coordinate, the paper
 * recommends a learning rate 3–10× smaller than AdamW's and a weight decay 3–10× larger. The
 * chain is {@code [Scale(−1)] → ScaleByLion(β₁, β₂) → [AddDecayedWeights(λ)] →
 * ScaleByLearningRate(η)}; the parts in brackets are left out when they would do nothing.
 * ({@code maximize} is not in the paper; it is offered as in {@code torch.optim}.)
 */
public final class Lion {
  /** The paper's default learning rate η: {@value}. */
  public static final double DEFAULT_LR = 1e-4;
  /** The paper's default β₁: {@value}. */
  public static final double DEFAULT_B1 = 0.9;
  /** The paper's default β₂: {@value}. */
  public static final double DEFAULT_B2 = 0.99;
  /** The default decoupled weight decay λ: {@value}. */
  public static final double DEFAULT_WEIGHT_DECAY = 0.0;

  private Lion() {}

  /**
   * Lion's options.
   *
   * @param lr the learning rate η; finite and {@code >= 0}
   * @param b1 β₁, the interpolation weight of the signed direction, in [0, 1)
   * @param b2 β₂, the decay of the momentum, in [0, 1)
   * @param weightDecay the decoupled weight decay λ (scaled by η); finite and {@code >= 0}
   * @param maximize whether to maximise the objective (the gradient is negated first)
   */
  public record Options(
      double lr,
      double b1,
      double b2,
      double weightDecay,
      boolean maximize) {

    /**
     * Validates every option.
     *
     * @param lr the learning rate η
     * @param b1 β₁
     * @param b2 β₂
     * @param weightDecay the weight decay λ
     * @param maximize maximize
     */
    public Options {
      Check.nonNegative("lr", lr);
      Check.unitInterval("b1", b1);
      Check.unitInterval("b2", b2);
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
          .weightDecay(weightDecay)
          .maximize(maximize);
    }

    /** Builds {@link Options} from the documented defaults; {@link #build} validates. */
    public static final class Builder extends BetasOptionsBuilder<Builder> {
      private Builder() {
        super(DEFAULT_LR, DEFAULT_B1, DEFAULT_B2, DEFAULT_WEIGHT_DECAY, false);
      }

      /**
       * The options.
       *
       * @return validated options
       * @throws IllegalArgumentException naming the first invalid option and its value
       */
      public Options build() {
        return new Options(lr, b1, b2, weightDecay, maximize);
      }
    }
  }

  /**
   * Lion as a chain of building blocks (see the class comment).
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
        new ScaleByLion(options.b1(), options.b2()),
        options.weightDecay() != 0
            ? new AddDecayedWeights(options.weightDecay(), null)
            : new Identity(),
        ScaleByLearningRate.constant(options.lr()));
  }

  /**
   * Lion with learning rate {@code lr} and the other options at their defaults.
   *
   * @param lr the learning rate
   * @return the transformation
   */
  public static GradientTransformation of(double lr) {
    return of(Options.builder().lr(lr).build());
  }
}
