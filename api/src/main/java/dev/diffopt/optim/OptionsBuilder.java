package dev.diffopt.optim;

/**
 * The part of every optimizer's {@code Options.Builder} that sets the options all optimizers have:
 * the learning rate, the weight decay and maximization. Each optimizer's public {@code Builder}
 * extends this class (or a subclass adding more shared options), passes its own {@code DEFAULT_*}
 * constants to the constructor and adds its own setters and {@code build()}.
 *
 * @param <B> the concrete builder, returned by every setter for chaining
 */
abstract class OptionsBuilder<B extends OptionsBuilder<B>> {
  double lr;
  double weightDecay;
  boolean maximize;

  OptionsBuilder(double lr, double weightDecay, boolean maximize) {
    this.lr = lr;
    this.weightDecay = weightDecay;
    this.maximize = maximize;
  }

  /**
   * This builder as its concrete type.
   *
   * @return this builder
   */
  @SuppressWarnings("unchecked") // every subclass is declared as C extends OptionsBuilder<C>
  final B self() {
    return (B) this;
  }

  /**
   * Sets the learning rate.
   *
   * @param value the learning rate
   * @return this builder
   */
  public B lr(double value) {
    this.lr = value;
    return self();
  }

  /**
   * Sets the weight decay λ (L2 added to the gradient or decoupled, as the optimizer's {@code
   * Options} describe).
   *
   * @param value λ
   * @return this builder
   */
  public B weightDecay(double value) {
    this.weightDecay = value;
    return self();
  }

  /**
   * Sets whether to maximize the objective instead of minimizing it.
   *
   * @param value maximize
   * @return this builder
   */
  public B maximize(boolean value) {
    this.maximize = value;
    return self();
  }
}
