package dev.diffopt.optim;

import dev.diffopt.transform.Chain;
import dev.diffopt.transform.Check;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Identity;
import dev.diffopt.transform.ProximalWeightDecay;
import dev.diffopt.transform.Scale;
import dev.diffopt.transform.ScaleByAdan;
import dev.diffopt.transform.ScaleByLearningRate;

/**
 * Adan (Xie, Zhou, Li, Lin and Yan, "Adan: Adaptive Nesterov Momentum Algorithm for Faster
 * Optimizing Deep Models", arXiv:2208.06677, 2022, Algorithm 1, without bias correction): with η
 * the learning rate, λ the weight decay and the decay rates b1, b2, b3 (the paper's β₁, β₂, β₃ are
 * {@code 1 − b1}, {@code 1 − b2}, {@code 1 − b3}; see {@link dev.diffopt.transform.ScaleByAdan}),
 *
 * <pre>
 *   g ← −g                                  (maximize only)
 *   Δ = g − g_prev                          (0 on the first step)
 *   m ← b1·m + (1 − b1)·g                   (m = g on the first step)
 *   v ← b2·v + (1 − b2)·Δ
 *   n ← b3·n + (1 − b3)·(g + b2·Δ)²         (n = g² on the first step)
 *   θ ← (θ − η·(m + b2·v) / (sqrt(n) + ε)) / (1 + η·λ)
 * </pre>
 *
 * <p>The chain is {@code [Scale(−1)] → ScaleByAdan(b1, b2, b3, ε) → ScaleByLearningRate(η) →
 * [ProximalWeightDecay(η, λ)]}; the parts in brackets are left out when they would do nothing. The
 * defaults are the authors' (decay rates 0.98, 0.92, 0.99; ε = 1e-8; λ = 0, the paper uses 0.02
 * for most vision tasks). ({@code maximize} is not in the paper; it is offered as in {@code
 * torch.optim}.)
 */
public final class Adan {
  /** The authors' default learning rate η: {@value}. */
  public static final double DEFAULT_LR = 1e-3;
  /** The default decay of m, {@code 1 − β₁} with the paper's β₁ = 0.02: {@value}. */
  public static final double DEFAULT_B1 = 0.98;
  /** The default decay of v, {@code 1 − β₂} with the paper's β₂ = 0.08: {@value}. */
  public static final double DEFAULT_B2 = 0.92;
  /** The default decay of n, {@code 1 − β₃} with the paper's β₃ = 0.01: {@value}. */
  public static final double DEFAULT_B3 = 0.99;
  /** The authors' default ε: {@value}. */
  public static final double DEFAULT_EPS = 1e-8;
  /** The default proximal weight decay λ: {@value}. */
  public static final double DEFAULT_WEIGHT_DECAY = 0.0;

  private Adan() {}

  /**
   * Adan's options, with decay rates (not the paper's β's).
   *
   * @param lr the learning rate η; finite and {@code >= 0}
   * @param b1 the decay of the gradient mean m ({@code 1 − β₁}), in [0, 1)
   * @param b2 the decay of the gradient-difference mean v ({@code 1 − β₂}), in [0, 1)
   * @param b3 the decay of the second moment n ({@code 1 − β₃}), in [0, 1)
   * @param eps ε, added to the root; finite and {@code >= 0}
   * @param weightDecay the proximal weight decay λ; finite and {@code >= 0}
   * @param maximize whether to maximise the objective (the gradient is negated first)
   */
  public record Options(
      double lr,
      double b1,
      double b2,
      double b3,
      double eps,
      double weightDecay,
      boolean maximize) {

    /**
     * Validates every option.
     *
     * @param lr the learning rate η
     * @param b1 the decay b1
     * @param b2 the decay b2
     * @param b3 the decay b3
     * @param eps ε
     * @param weightDecay the weight decay λ
     * @param maximize maximize
     */
    public Options {
      Check.nonNegative("lr", lr);
      Check.unitInterval("b1", b1);
      Check.unitInterval("b2", b2);
      Check.unitInterval("b3", b3);
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
          .b3(b3)
          .eps(eps)
          .weightDecay(weightDecay)
          .maximize(maximize);
    }

    /** Builds {@link Options} from the documented defaults; {@link #build} validates. */
    public static final class Builder extends MomentOptionsBuilder<Builder> {
      private double b3 = DEFAULT_B3;

      private Builder() {
        super(DEFAULT_LR, DEFAULT_B1, DEFAULT_B2, DEFAULT_EPS, DEFAULT_WEIGHT_DECAY, false);
      }

      /**
       * Sets the decay b3.
       *
       * @param value the decay b3
       * @return this builder
       */
      public Builder b3(double value) {
        this.b3 = value;
        return this;
      }

      /**
       * The options.
       *
       * @return validated options
       * @throws IllegalArgumentException naming the first invalid option and its value
       */
      public Options build() {
        return new Options(lr, b1, b2, b3, eps, weightDecay, maximize);
      }
    }
  }

  /**
   * Adan as a chain of building blocks (see the class comment).
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
        new ScaleByAdan(options.b1(), options.b2(), options.b3(), options.eps()),
        ScaleByLearningRate.constant(options.lr()),
        options.weightDecay() != 0
            ? new ProximalWeightDecay(options.lr(), options.weightDecay())
            : new Identity());
  }

  /**
   * Adan with learning rate {@code lr} and the other options at their defaults.
   *
   * @param lr the learning rate
   * @return the transformation
   */
  public static GradientTransformation of(double lr) {
    return of(Options.builder().lr(lr).build());
  }
}
