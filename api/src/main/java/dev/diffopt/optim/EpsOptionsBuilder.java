package dev.diffopt.optim;

/**
 * An {@link OptionsBuilder} that also sets ε, for the adaptive optimizers without moment decays
 * (Adagrad, RMSprop, Adadelta).
 *
 * @param <B> the concrete builder, returned by every setter for chaining
 */
abstract class EpsOptionsBuilder<B extends EpsOptionsBuilder<B>> extends OptionsBuilder<B> {
  double eps;

  EpsOptionsBuilder(double lr, double eps, double weightDecay, boolean maximize) {
    super(lr, weightDecay, maximize);
    this.eps = eps;
  }

  /**
   * Sets ε, which keeps the denominator away from zero.
   *
   * @param value ε
   * @return this builder
   */
  public B eps(double value) {
    this.eps = value;
    return self();
  }
}
