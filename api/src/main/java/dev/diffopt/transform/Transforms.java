package dev.diffopt.transform;

import dev.diffopt.schedule.Schedule;
import java.util.Map;

/**
 * optax-style verbs for every building block, so pipelines read as in optax and TorchOpt:
 *
 * <pre>{@code
 * GradientTransformation opt = Transforms.chain(
 *     Transforms.clipByGlobalNorm(1.0),
 *     Transforms.scaleByAdam(0.9, 0.999, 1e-8, 0, false),
 *     Transforms.scaleByLearningRate(1e-3));
 * }</pre>
 *
 * <p>Each verb returns the record of the same name, where the update rule, the paper and the
 * validation are documented; ready-made optimizers are in {@link dev.diffopt.optim.Optimizers}.
 */
public final class Transforms {
  private Transforms() {}

  /**
   * Transformations applied in order; nested chains are flattened and identities dropped.
   *
   * @param transformations the parts
   * @return the chain (or its only part, or the identity)
   */
  public static GradientTransformation chain(GradientTransformation... transformations) {
    return Chain.of(transformations);
  }

  /**
   * The identity (dropped by chain).
   *
   * @return the transformation
   */
  public static Identity identity() {
    return new Identity();
  }

  /**
   * {@code u ← s·u}.
   *
   * @param factor see {@link Scale}
   * @return the transformation
   */
  public static Scale scale(double factor) {
    return new Scale(factor);
  }

  /**
   * {@code u ← −η·u}.
   *
   * @param learningRate see {@link ScaleByLearningRate}
   * @return the transformation
   */
  public static ScaleByLearningRate scaleByLearningRate(double learningRate) {
    return ScaleByLearningRate.constant(learningRate);
  }

  /**
   * {@code u ← −η_t·u} with a scheduled η.
   *
   * @param learningRate see {@link ScaleByLearningRate}
   * @return the transformation
   */
  public static ScaleByLearningRate scaleByLearningRate(Schedule learningRate) {
    return ScaleByLearningRate.scheduled(learningRate);
  }

  /**
   * {@code u ← s_t·u}.
   *
   * @param schedule see {@link ScaleBySchedule}
   * @return the transformation
   */
  public static ScaleBySchedule scaleBySchedule(Schedule schedule) {
    return new ScaleBySchedule(schedule);
  }

  /**
   * Adam's bias-corrected moments.
   *
   * @param b1 see {@link ScaleByAdam}
   * @param b2 see {@link ScaleByAdam}
   * @param eps see {@link ScaleByAdam}
   * @param epsRoot see {@link ScaleByAdam}
   * @param amsgrad see {@link ScaleByAdam}
   * @return the transformation
   */
  public static ScaleByAdam scaleByAdam(double b1, double b2, double eps, double epsRoot, boolean amsgrad) {
    return new ScaleByAdam(b1, b2, eps, epsRoot, amsgrad);
  }

  /**
   * Adamax's infinity norm.
   *
   * @param b1 see {@link ScaleByAdamax}
   * @param b2 see {@link ScaleByAdamax}
   * @param eps see {@link ScaleByAdamax}
   * @return the transformation
   */
  public static ScaleByAdamax scaleByAdamax(double b1, double b2, double eps) {
    return new ScaleByAdamax(b1, b2, eps);
  }

  /**
   * RAdam's rectified moments.
   *
   * @param b1 see {@link ScaleByRAdam}
   * @param b2 see {@link ScaleByRAdam}
   * @param eps see {@link ScaleByRAdam}
   * @return the transformation
   */
  public static ScaleByRAdam scaleByRAdam(double b1, double b2, double eps) {
    return new ScaleByRAdam(b1, b2, eps);
  }

  /**
   * NAdam's Nesterov moments.
   *
   * @param b1 see {@link ScaleByNadam}
   * @param b2 see {@link ScaleByNadam}
   * @param eps see {@link ScaleByNadam}
   * @param momentumDecay see {@link ScaleByNadam}
   * @return the transformation
   */
  public static ScaleByNadam scaleByNadam(double b1, double b2, double eps, double momentumDecay) {
    return new ScaleByNadam(b1, b2, eps, momentumDecay);
  }

  /**
   * Adadelta's unit-corrected step.
   *
   * @param rho see {@link ScaleByAdadelta}
   * @param eps see {@link ScaleByAdadelta}
   * @return the transformation
   */
  public static ScaleByAdadelta scaleByAdadelta(double rho, double eps) {
    return new ScaleByAdadelta(rho, eps);
  }

  /**
   * RMSProp: {@code u ← g / (sqrt(v) + ε)}.
   *
   * @param alpha see {@link ScaleByRms}
   * @param eps see {@link ScaleByRms}
   * @return the transformation
   */
  public static ScaleByRms scaleByRms(double alpha, double eps) {
    return new ScaleByRms(alpha, eps);
  }

  /**
   * Centered RMSProp.
   *
   * @param alpha see {@link ScaleByStddev}
   * @param eps see {@link ScaleByStddev}
   * @return the transformation
   */
  public static ScaleByStddev scaleByStddev(double alpha, double eps) {
    return new ScaleByStddev(alpha, eps);
  }

  /**
   * Adagrad's root of the sum of squares.
   *
   * @param initialAccumulatorValue see {@link ScaleByRss}
   * @param eps see {@link ScaleByRss}
   * @return the transformation
   */
  public static ScaleByRss scaleByRss(double initialAccumulatorValue, double eps) {
    return new ScaleByRss(initialAccumulatorValue, eps);
  }

  /**
   * Lion's sign of the interpolated momentum.
   *
   * @param b1 see {@link ScaleByLion}
   * @param b2 see {@link ScaleByLion}
   * @return the transformation
   */
  public static ScaleByLion scaleByLion(double b1, double b2) {
    return new ScaleByLion(b1, b2);
  }

  /**
   * AdaBelief's belief in the gradient.
   *
   * @param b1 see {@link ScaleByBelief}
   * @param b2 see {@link ScaleByBelief}
   * @param eps see {@link ScaleByBelief}
   * @return the transformation
   */
  public static ScaleByBelief scaleByBelief(double b1, double b2, double eps) {
    return new ScaleByBelief(b1, b2, eps);
  }

  /**
   * Adan's Nesterov momentum of gradient differences.
   *
   * @param b1 see {@link ScaleByAdan}
   * @param b2 see {@link ScaleByAdan}
   * @param b3 see {@link ScaleByAdan}
   * @param eps see {@link ScaleByAdan}
   * @return the transformation
   */
  public static ScaleByAdan scaleByAdan(double b1, double b2, double b3, double eps) {
    return new ScaleByAdan(b1, b2, b3, eps);
  }

  /**
   * LAMB's per-leaf trust ratio.
   *
   * @return the transformation
   */
  public static ScaleByTrustRatio scaleByTrustRatio() {
    return new ScaleByTrustRatio();
  }

  /**
   * Momentum, with dampening and Nesterov.
   *
   * @param momentum see {@link Trace}
   * @param dampening see {@link Trace}
   * @param nesterov see {@link Trace}
   * @return the transformation
   */
  public static Trace trace(double momentum, double dampening, boolean nesterov) {
    return new Trace(momentum, dampening, nesterov);
  }

  /**
   * {@code u ← u + λ·p} on every leaf.
   *
   * @param weightDecay see {@link AddDecayedWeights}
   * @return the transformation
   */
  public static AddDecayedWeights addDecayedWeights(double weightDecay) {
    return new AddDecayedWeights(weightDecay, null);
  }

  /**
   * {@code u ← u + λ·p} on the leaves a mask selects.
   *
   * @param weightDecay see {@link AddDecayedWeights}
   * @param mask see {@link AddDecayedWeights}
   * @return the transformation
   */
  public static AddDecayedWeights addDecayedWeights(double weightDecay, Object mask) {
    return new AddDecayedWeights(weightDecay, mask);
  }

  /**
   * {@code inner} on the leaves a mask selects.
   *
   * @param inner see {@link Masked}
   * @param mask see {@link Masked}
   * @return the transformation
   */
  public static Masked masked(GradientTransformation inner, Object mask) {
    return Masked.of(inner, mask);
  }

  /**
   * PyTorch's and TorchOpt's {@code clip_grad_norm}.
   *
   * @param maxNorm see {@link ClipByGlobalNorm}
   * @return the transformation
   */
  public static ClipByGlobalNorm clipByGlobalNorm(double maxNorm) {
    return ClipByGlobalNorm.of(maxNorm);
  }

  /**
   * Clamps every update to {@code [min, max]}.
   *
   * @param min see {@link ClipByValue}
   * @param max see {@link ClipByValue}
   * @return the transformation
   */
  public static ClipByValue clipByValue(double min, double max) {
    return new ClipByValue(min, max);
  }

  /**
   * Replaces NaN and infinities.
   *
   * @param nan see {@link NanToNum}
   * @param posInf see {@link NanToNum}
   * @param negInf see {@link NanToNum}
   * @return the transformation
   */
  public static NanToNum nanToNum(double nan, double posInf, double negInf) {
    return NanToNum.of(nan, posInf, negInf);
  }

  /**
   * Gradient accumulation over {@code everyK} calls.
   *
   * @param inner see {@link MultiSteps}
   * @param everyK see {@link MultiSteps}
   * @return the transformation
   */
  public static MultiSteps multiSteps(GradientTransformation inner, int everyK) {
    return new MultiSteps(inner, everyK);
  }

  /**
   * A different transformation per labelled subtree.
   *
   * @param transforms see {@link Partition}
   * @param labels see {@link Partition}
   * @return the transformation
   */
  public static Partition partition(
      Map<String, ? extends GradientTransformation> transforms, Object labels) {
    return Partition.of(transforms, labels);
  }

  /**
   * {@code base} then a learning rate held in the state (a number, schedule or tensor).
   *
   * @param base see {@link InjectHyperparams}
   * @param learningRate see {@link InjectHyperparams}
   * @return the transformation
   */
  public static InjectHyperparams injectLearningRate(GradientTransformation base, Object learningRate) {
    return InjectHyperparams.learningRate(base, learningRate);
  }
}
