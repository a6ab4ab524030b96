package dev.diffopt.optim;

import dev.diffopt.schedule.InverseTimeDecay;
import dev.diffopt.transform.AddDecayedWeights;
import dev.diffopt.transform.Chain;
import dev.diffopt.transform.Check;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Identity;
import dev.diffopt.transform.Scale;
import dev.diffopt.transform.ScaleByLearningRate;
import dev.diffopt.transform.ScaleByRss;

/**
 * Adagrad (Duchi, Hazan and Singer, "Adaptive Subgradient Methods for Online Learning and
 * Stochastic Optimization", JMLR 12, 2011), as {@code torch.optim.Adagrad}: with γ the learning
 * rate, η the learning-rate decay, λ the weight decay, τ the initial accumulator value and t = 1,
 * 2, … the step,
 *
 * <pre>
 *   g ← −g                              (maximize only)
 *   g ← g + λ·θ                         (L2 weight decay)
 *   S ← S + g²                          (S₀ = τ)
 *   γ_t = γ / (1 + (t − 1)·η)
 *   θ ← θ − γ_t · g / (sqrt(S) + ε)
 * </pre>
 *
 * <p>The chain is {@code [Scale(−1)] → [AddDecayedWeights(λ)] → ScaleByRss(τ, ε) →
 * ScaleByLearningRate}, the last with the constant γ, or with the schedule {@code
 * InverseTimeDecay(γ, η)} when η ≠ 0; the parts in brackets are left out when they would do nothing
 * (not maximising, λ = 0).
 *
 * <pre>{@code
 * GradientTransformation opt = Adagrad.of(Adagrad.Options.builder().lr(0.1).lrDecay(1e-3).build());
 * }</pre>
 */
public final class Adagrad {
  /** Torch's default learning rate γ: {@value}. */
  public static final double DEFAULT_LR = 1e-2;
  /** Torch's default learning-rate decay η: {@value}. */
  public static final double DEFAULT_LR_DECAY = 0.0;
  /** Torch's default weight decay λ: {@value}. */
  public static final double DEFAULT_WEIGHT_DECAY = 0.0;
  /** Torch's default initial accumulator value τ: {@value}. */
  public static final double DEFAULT_INITIAL_ACCUMULATOR_VALUE = 0.0;
  /** Torch's default ε: {@value}. */
  public static final double DEFAULT_EPS = 1e-10;

  private Adagrad() {}

  /**
   * Adagrad's options, named as in {@code torch.optim.Adagrad} (in camel case).
   *
   * @param lr the learning rate γ; finite and {@code >= 0}
   * @param lrDecay the learning-rate decay η; finite and {@code >= 0}
   * @param weightDecay the L2 weight decay λ, added to the gradient; finite and {@code >= 0}
   * @param initialAccumulatorValue τ, the start of the sum of squares; finite and {@code >= 0}
   * @param eps ε, added to the root; finite and {@code >= 0}
   * @param maximize whether to maximise the objective (the gradient is negated first)
   */
  public record Options(
      double lr,
      double lrDecay,
      double weightDecay,
      double initialAccumulatorValue,
      double eps,
      boolean maximize) {

    /**
     * Validates every option.
     *
     * @param lr the learning rate γ
     * @param lrDecay the learning-rate decay η
     * @param weightDecay the weight decay λ
     * @param initialAccumulatorValue the initial accumulator value τ
     * @param eps ε
     * @param maximize maximize
     */
    public Options {
      Check.nonNegative("lr", lr);
      Check.nonNegative("lrDecay", lrDecay);
      Check.nonNegative("weightDecay", weightDecay);
      Check.nonNegative("initialAccumulatorValue", initialAccumulatorValue);
      Check.nonNegative("eps", eps);
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
          .lrDecay(lrDecay)
          .weightDecay(weightDecay)
          .initialAccumulatorValue(initialAccumulatorValue)
          .eps(eps)
          .maximize(maximize);
    }

    /** Builds {@link Options} from the documented defaults; {@link #build} validates. */
    public static final class Builder extends EpsOptionsBuilder<Builder> {
      private double lrDecay = DEFAULT_LR_DECAY;
      private double initialAccumulatorValue = DEFAULT_INITIAL_ACCUMULATOR_VALUE;

      private Builder() {
        super(DEFAULT_LR, DEFAULT_EPS, DEFAULT_WEIGHT_DECAY, false);
      }

      /**
       * Sets the learning-rate decay η.
       *
       * @param value the learning-rate decay η
       * @return this builder
       */
      public Builder lrDecay(double value) {
        this.lrDecay = value;
        return this;
      }

      /**
       * Sets the initial accumulator value τ.
       *
       * @param value the initial accumulator value τ
       * @return this builder
       */
      public Builder initialAccumulatorValue(double value) {
        this.initialAccumulatorValue = value;
        return this;
      }

      /**
       * The options.
       *
       * @return validated options
       * @throws IllegalArgumentException naming the first invalid option and its value
       */
      public Options build() {
        return new Options(lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize);
      }
    }
  }

  /**
   * Adagrad as a chain of building blocks (see the class comment).
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
        new ScaleByRss(options.initialAccumulatorValue(), options.eps()),
        options.lrDecay() != 0
            ? ScaleByLearningRate.scheduled(new InverseTimeDecay(options.lr(), options.lrDecay()))
            : ScaleByLearningRate.constant(options.lr()));
  }

  /**
   * Adagrad with learning rate {@code lr} and the other options at their defaults.
   *
   * @param lr the learning rate
   * @return the transformation
   */
  public static GradientTransformation of(double lr) {
    return of(Options.builder().lr(lr).build());
  }
}
