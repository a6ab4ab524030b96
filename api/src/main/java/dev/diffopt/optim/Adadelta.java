package dev.diffopt.optim;

import dev.diffopt.transform.AddDecayedWeights;
import dev.diffopt.transform.Chain;
import dev.diffopt.transform.Check;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Identity;
import dev.diffopt.transform.Scale;
import dev.diffopt.transform.ScaleByAdadelta;
import dev.diffopt.transform.ScaleByLearningRate;

/**
 * Adadelta (Zeiler, "ADADELTA: An Adaptive Learning Rate Method", arXiv:1212.5701, 2012), as
 * {@code torch.optim.Adadelta}: with γ the learning rate, ρ the decay and λ the weight decay,
 *
 * <pre>
 *   g ← −g                                  (maximize only)
 *   g ← g + λ·θ                             (L2 weight decay)
 *   v ← ρ·v + (1 − ρ)·g²
 *   δ = sqrt(a + ε) / sqrt(v + ε) · g
 *   a ← ρ·a + (1 − ρ)·δ²
 *   θ ← θ − γ·δ
 * </pre>
 *
 * <p>v and a start at zero. The paper has no learning rate (γ = 1, torch's default). The chain is
 * {@code [Scale(−1)] → [AddDecayedWeights(λ)] → ScaleByAdadelta(ρ, ε) → ScaleByLearningRate(γ)};
 * the parts in brackets are left out when they would do nothing.
 *
 * <p>torch accepts ρ = 1, which freezes both averages at zero (the step is then γ·g); here ρ
 * must be in [0, 1).
 */
public final class Adadelta {
  /** Torch's default learning rate γ: {@value}. */
  public static final double DEFAULT_LR = 1.0;
  /** Torch's default decay ρ: {@value}. */
  public static final double DEFAULT_RHO = 0.9;
  /** Torch's default ε: {@value}. */
  public static final double DEFAULT_EPS = 1e-6;
  /** Torch's default weight decay λ: {@value}. */
  public static final double DEFAULT_WEIGHT_DECAY = 0.0;

  private Adadelta() {}

  /**
   * Adadelta's options, named as in {@code torch.optim.Adadelta} (in camel case).
   *
   * @param lr the learning rate γ; finite and {@code >= 0}
   * @param rho ρ, the decay of both running means, in [0, 1)
   * @param eps ε, added inside both roots; finite and {@code >= 0}
   * @param weightDecay the L2 weight decay λ, added to the gradient; finite and {@code >= 0}
   * @param maximize whether to maximise the objective (the gradient is negated first)
   */
  public record Options(
      double lr,
      double rho,
      double eps,
      double weightDecay,
      boolean maximize) {

    /**
     * Validates every option.
     *
     * @param lr the learning rate γ
     * @param rho the decay ρ
     * @param eps ε
     * @param weightDecay the weight decay λ
     * @param maximize maximize
     */
    public Options {
      Check.nonNegative("lr", lr);
      Check.unitInterval("rho", rho);
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
          .rho(rho)
          .eps(eps)
          .weightDecay(weightDecay)
          .maximize(maximize);
    }

    /** Builds {@link Options} from the documented defaults; {@link #build} validates. */
    public static final class Builder extends EpsOptionsBuilder<Builder> {
      private double rho = DEFAULT_RHO;

      private Builder() {
        super(DEFAULT_LR, DEFAULT_EPS, DEFAULT_WEIGHT_DECAY, false);
      }

      /**
       * Sets the decay ρ.
       *
       * @param value the decay ρ
       * @return this builder
       */
      public Builder rho(double value) {
        this.rho = value;
        return this;
      }

      /**
       * The options.
       *
       * @return validated options
       * @throws IllegalArgumentException naming the first invalid option and its value
       */
      public Options build() {
        return new Options(lr, rho, eps, weightDecay, maximize);
      }
    }
  }

  /**
   * Adadelta as a chain of building blocks (see the class comment).
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
        new ScaleByAdadelta(options.rho(), options.eps()),
        ScaleByLearningRate.constant(options.lr()));
  }

  /**
   * Adadelta with learning rate {@code lr} and the other options at their defaults.
   *
   * @param lr the learning rate
   * @return the transformation
   */
  public static GradientTransformation of(double lr) {
    return of(Options.builder().lr(lr).build());
  }
}
