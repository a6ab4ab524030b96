package dev.diffopt.optim;

import dev.diffopt.transform.GradientTransformation;

/**
 * One-liners for every optimizer, as optax's and TorchOpt's aliases: {@code Optimizers.adam(1e-3)}.
 * Each returns the validated chain of building blocks that the optimizer's own class documents
 * (update rule, paper, defaults); use {@code X.Options.builder()} and {@code X.of(options)} for
 * the other options.
 */
public final class Optimizers {
  private Optimizers() {}

  /**
   * {@link Sgd} with learning rate {@code lr} and its documented defaults.
   *
   * @param lr the learning rate, finite and {@code >= 0}
   * @return the optimizer
   */
  public static GradientTransformation sgd(double lr) {
    return Sgd.of(lr);
  }

  /**
   * {@link Sgd} with the given options.
   *
   * @param options the options
   * @return the optimizer
   */
  public static GradientTransformation sgd(Sgd.Options options) {
    return Sgd.of(options);
  }

  /**
   * {@link Adam} with learning rate {@code lr} and its documented defaults.
   *
   * @param lr the learning rate, finite and {@code >= 0}
   * @return the optimizer
   */
  public static GradientTransformation adam(double lr) {
    return Adam.of(lr);
  }

  /**
   * {@link Adam} with the given options.
   *
   * @param options the options
   * @return the optimizer
   */
  public static GradientTransformation adam(Adam.Options options) {
    return Adam.of(options);
  }

  /**
   * {@link AdamW} with learning rate {@code lr} and its documented defaults.
   *
   * @param lr the learning rate, finite and {@code >= 0}
   * @return the optimizer
   */
  public static GradientTransformation adamw(double lr) {
    return AdamW.of(lr);
  }

  /**
   * {@link AdamW} with the given options.
   *
   * @param options the options
   * @return the optimizer
   */
  public static GradientTransformation adamw(AdamW.Options options) {
    return AdamW.of(options);
  }

  /**
   * {@link Adagrad} with learning rate {@code lr} and its documented defaults.
   *
   * @param lr the learning rate, finite and {@code >= 0}
   * @return the optimizer
   */
  public static GradientTransformation adagrad(double lr) {
    return Adagrad.of(lr);
  }

  /**
   * {@link Adagrad} with the given options.
   *
   * @param options the options
   * @return the optimizer
   */
  public static GradientTransformation adagrad(Adagrad.Options options) {
    return Adagrad.of(options);
  }

  /**
   * {@link RmsProp} with learning rate {@code lr} and its documented defaults.
   *
   * @param lr the learning rate, finite and {@code >= 0}
   * @return the optimizer
   */
  public static GradientTransformation rmsprop(double lr) {
    return RmsProp.of(lr);
  }

  /**
   * {@link RmsProp} with the given options.
   *
   * @param options the options
   * @return the optimizer
   */
  public static GradientTransformation rmsprop(RmsProp.Options options) {
    return RmsProp.of(options);
  }

  /**
   * {@link Adadelta} with learning rate {@code lr} and its documented defaults.
   *
   * @param lr the learning rate, finite and {@code >= 0}
   * @return the optimizer
   */
  public static GradientTransformation adadelta(double lr) {
    return Adadelta.of(lr);
  }

  /**
   * {@link Adadelta} with the given options.
   *
   * @param options the options
   * @return the optimizer
   */
  public static GradientTransformation adadelta(Adadelta.Options options) {
    return Adadelta.of(options);
  }

  /**
   * {@link Adamax} with learning rate {@code lr} and its documented defaults.
   *
   * @param lr the learning rate, finite and {@code >= 0}
   * @return the optimizer
   */
  public static GradientTransformation adamax(double lr) {
    return Adamax.of(lr);
  }

  /**
   * {@link Adamax} with the given options.
   *
   * @param options the options
   * @return the optimizer
   */
  public static GradientTransformation adamax(Adamax.Options options) {
    return Adamax.of(options);
  }

  /**
   * {@link RAdam} with learning rate {@code lr} and its documented defaults.
   *
   * @param lr the learning rate, finite and {@code >= 0}
   * @return the optimizer
   */
  public static GradientTransformation radam(double lr) {
    return RAdam.of(lr);
  }

  /**
   * {@link RAdam} with the given options.
   *
   * @param options the options
   * @return the optimizer
   */
  public static GradientTransformation radam(RAdam.Options options) {
    return RAdam.of(options);
  }

  /**
   * {@link NAdam} with learning rate {@code lr} and its documented defaults.
   *
   * @param lr the learning rate, finite and {@code >= 0}
   * @return the optimizer
   */
  public static GradientTransformation nadam(double lr) {
    return NAdam.of(lr);
  }

  /**
   * {@link NAdam} with the given options.
   *
   * @param options the options
   * @return the optimizer
   */
  public static GradientTransformation nadam(NAdam.Options options) {
    return NAdam.of(options);
  }

  /**
   * {@link Lion} with learning rate {@code lr} and its documented defaults.
   *
   * @param lr the learning rate, finite and {@code >= 0}
   * @return the optimizer
   */
  public static GradientTransformation lion(double lr) {
    return Lion.of(lr);
  }

  /**
   * {@link Lion} with the given options.
   *
   * @param options the options
   * @return the optimizer
   */
  public static GradientTransformation lion(Lion.Options options) {
    return Lion.of(options);
  }

  /**
   * {@link Lamb} with learning rate {@code lr} and its documented defaults.
   *
   * @param lr the learning rate, finite and {@code >= 0}
   * @return the optimizer
   */
  public static GradientTransformation lamb(double lr) {
    return Lamb.of(lr);
  }

  /**
   * {@link Lamb} with the given options.
   *
   * @param options the options
   * @return the optimizer
   */
  public static GradientTransformation lamb(Lamb.Options options) {
    return Lamb.of(options);
  }

  /**
   * {@link AdaBelief} with learning rate {@code lr} and its documented defaults.
   *
   * @param lr the learning rate, finite and {@code >= 0}
   * @return the optimizer
   */
  public static GradientTransformation adabelief(double lr) {
    return AdaBelief.of(lr);
  }

  /**
   * {@link AdaBelief} with the given options.
   *
   * @param options the options
   * @return the optimizer
   */
  public static GradientTransformation adabelief(AdaBelief.Options options) {
    return AdaBelief.of(options);
  }

  /**
   * {@link Adan} with learning rate {@code lr} and its documented defaults.
   *
   * @param lr the learning rate, finite and {@code >= 0}
   * @return the optimizer
   */
  public static GradientTransformation adan(double lr) {
    return Adan.of(lr);
  }

  /**
   * {@link Adan} with the given options.
   *
   * @param options the options
   * @return the optimizer
   */
  public static GradientTransformation adan(Adan.Options options) {
    return Adan.of(options);
  }
}
