package dev.diffopt.optim;

/**
 * A {@link BetasOptionsBuilder} that also sets ε, for the optimizers with first and second moments
 * (Adam, AdamW, Adamax, RAdam, NAdam, LAMB, AdaBelief, Adan).
 *
 * @param <B> the concrete builder, returned by every setter for chaining
 */
abstract class MomentOptionsBuilder<B extends MomentOptionsBuilder<B>>
    extends BetasOptionsBuilder<B> {
  double eps;

  MomentOptionsBuilder(
      double lr, double b1, double b2, double eps, double weightDecay, boolean maximize) {
    super(lr, b1, b2, weightDecay, maximize);
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
