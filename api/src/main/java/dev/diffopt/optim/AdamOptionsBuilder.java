package dev.diffopt.optim;

/**
 * A {@link MomentOptionsBuilder} that also sets Adam's ε_root and AMSGrad, shared by {@link Adam}
 * and {@link AdamW}.
 *
 * @param <B> the concrete builder, returned by every setter for chaining
 */
abstract class AdamOptionsBuilder<B extends AdamOptionsBuilder<B>> extends MomentOptionsBuilder<B> {
  double epsRoot;
  boolean amsgrad;

  AdamOptionsBuilder(
      double lr,
      double b1,
      double b2,
      double eps,
      double epsRoot,
      double weightDecay,
      boolean amsgrad,
      boolean maximize) {
    super(lr, b1, b2, eps, weightDecay, maximize);
    this.epsRoot = epsRoot;
    this.amsgrad = amsgrad;
  }

  /**
   * Sets ε_root.
   *
   * @param value ε_root
   * @return this builder
   */
  public B epsRoot(double value) {
    this.epsRoot = value;
    return self();
  }

  /**
   * Sets whether to use AMSGrad.
   *
   * @param value amsgrad
   * @return this builder
   */
  public B amsgrad(boolean value) {
    this.amsgrad = value;
    return self();
  }
}
