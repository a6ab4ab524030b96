package dev.diffopt.optim;

/**
 * An {@link OptionsBuilder} that also sets the two decays b1 and b2 (β₁ and β₂), for Lion and,
 * through {@link MomentOptionsBuilder}, the Adam family.
 *
 * @param <B> the concrete builder, returned by every setter for chaining
 */
abstract class BetasOptionsBuilder<B extends BetasOptionsBuilder<B>> extends OptionsBuilder<B> {
  double b1;
  double b2;

  BetasOptionsBuilder(double lr, double b1, double b2, double weightDecay, boolean maximize) {
    super(lr, weightDecay, maximize);
    this.b1 = b1;
    this.b2 = b2;
  }

  /**
   * Sets the decay b1 (β₁).
   *
   * @param value b1
   * @return this builder
   */
  public B b1(double value) {
    this.b1 = value;
    return self();
  }

  /**
   * Sets the decay b2 (β₂).
   *
   * @param value b2
   * @return this builder
   */
  public B b2(double value) {
    this.b2 = value;
    return self();
  }
}
