package dev.diffopt.conformance;

import dev.diffopt.conformance.reference.optim.RefAdaBelief;
import dev.diffopt.conformance.reference.optim.RefAdadelta;
import dev.diffopt.conformance.reference.optim.RefAdagrad;
import dev.diffopt.conformance.reference.optim.RefAdam;
import dev.diffopt.conformance.reference.optim.RefAdamW;
import dev.diffopt.conformance.reference.optim.RefAdamax;
import dev.diffopt.conformance.reference.optim.RefAdan;
import dev.diffopt.conformance.reference.optim.RefLamb;
import dev.diffopt.conformance.reference.optim.RefLion;
import dev.diffopt.conformance.reference.optim.RefNAdam;
import dev.diffopt.conformance.reference.optim.RefOptimizer;
import dev.diffopt.conformance.reference.optim.RefRAdam;
import dev.diffopt.conformance.reference.optim.RefRmsProp;
import dev.diffopt.conformance.reference.optim.RefSgd;
import dev.diffopt.optim.AdaBelief;
import dev.diffopt.optim.Adadelta;
import dev.diffopt.optim.Adagrad;
import dev.diffopt.optim.Adam;
import dev.diffopt.optim.AdamW;
import dev.diffopt.optim.Adamax;
import dev.diffopt.optim.Adan;
import dev.diffopt.optim.Lamb;
import dev.diffopt.optim.Lion;
import dev.diffopt.optim.NAdam;
import dev.diffopt.optim.RAdam;
import dev.diffopt.optim.RmsProp;
import dev.diffopt.optim.Sgd;
import dev.diffopt.transform.GradientTransformation;
import java.util.List;
import java.util.function.DoubleFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The option sets the optimizer suites run, each written once: for every optimizer of {@link
 * dev.diffopt.optim}, the diffopt optimizer and its float64 reference (written out by hand, so
 * that the defaults of the options are checked too), with a learning rate for the parabola and one
 * for Rosenbrock.
 *
 * <p>{@code xCases()} is the table of the family suites ({@link SgdAdamFamilySuite}, {@link
 * AdaptiveFamilySuite}), whose option sets together turn on every option. Where {@link
 * FusedUpdatesSuite} runs a shorter table, mostly the same option sets with some of them merged
 * into one, it is {@code xFusedCases()}; for the other optimizers it runs {@code xCases()}.
 *
 * <p>Test ids number the entries of a table in order: append to a table, never insert into it or
 * reorder it. The learning rates are explained in the family suites' class comments.
 */
final class OptimizerCases {
  private OptimizerCases() {}

  /**
   * One option set of one optimizer.
   *
   * @param label the options that differ from the defaults, as test names show them
   * @param lrParabola the learning rate on the parabola
   * @param lrRosenbrock the learning rate on Rosenbrock
   * @param options the optimizer's {@code Options} record at a learning rate
   * @param optimizer the diffopt optimizer at a learning rate
   * @param reference a new float64 reference optimizer at a learning rate
   */
  public record Case(
      String label,
      double lrParabola,
      double lrRosenbrock,
      DoubleFunction<? extends Record> options,
      DoubleFunction<GradientTransformation> optimizer,
      DoubleFunction<RefOptimizer> reference) {

    /** The same option set under another label. */
    public Case withLabel(String newLabel) {
      return new Case(newLabel, lrParabola, lrRosenbrock, options, optimizer, reference);
    }
  }

  private static <O extends Record> Case of(
      String label, double lrParabola, double lrRosenbrock, DoubleFunction<O> options,
      Function<O, GradientTransformation> optimizer, DoubleFunction<RefOptimizer> reference) {
    return new Case(label, lrParabola, lrRosenbrock, options,
        lr -> optimizer.apply(options.apply(lr)), reference);
  }

  // ================================================================ SGD

  private static Case sgd(String label, double lrParabola, double lrRosenbrock,
      UnaryOperator<Sgd.Options.Builder> set, DoubleFunction<RefOptimizer> reference) {
    return of(label, lrParabola, lrRosenbrock,
        lr -> set.apply(Sgd.Options.builder().lr(lr)).build(), Sgd::of, reference);
  }

  private static final Case SGD_PLAIN = sgd("plain", 0.02, 1e-4,
      b -> b,
      lr -> new RefSgd(lr, 0, 0, 0, false, false));
  private static final Case SGD_MOMENTUM = sgd("momentum=0.9", 0.02, 1e-4,
      b -> b.momentum(0.9),
      lr -> new RefSgd(lr, 0.9, 0, 0, false, false));
  private static final Case SGD_DAMPENING = sgd("momentum=0.9, dampening=0.5", 0.02, 1e-4,
      b -> b.momentum(0.9).dampening(0.5),
      lr -> new RefSgd(lr, 0.9, 0.5, 0, false, false));
  private static final Case SGD_NESTEROV = sgd("momentum=0.8, nesterov", 0.02, 1e-4,
      b -> b.momentum(0.8).nesterov(true),
      lr -> new RefSgd(lr, 0.8, 0, 0, true, false));
  private static final Case SGD_DECAY_DAMPENING =
      sgd("weightDecay=0.1, momentum=0.5, dampening=0.1", 0.02, 1e-4,
          b -> b.weightDecay(0.1).momentum(0.5).dampening(0.1),
          lr -> new RefSgd(lr, 0.5, 0.1, 0.1, false, false));
  /** Maximizing climbs Rosenbrock's quartic: a smaller learning rate there. */
  private static final Case SGD_MAXIMIZE =
      sgd("maximize, weightDecay=0.05, momentum=0.3", 0.01, 2e-5,
          b -> b.maximize(true).weightDecay(0.05).momentum(0.3),
          lr -> new RefSgd(lr, 0.3, 0, 0.05, false, true));

  /** SGD: plain, momentum, dampening, Nesterov, weight decay, maximize. */
  public static List<Case> sgdCases() {
    return List.of(SGD_PLAIN, SGD_MOMENTUM, SGD_DAMPENING, SGD_NESTEROV, SGD_DECAY_DAMPENING,
        SGD_MAXIMIZE);
  }

  /** SGD for the fused suite: {@link #sgdCases()} without weight decay with dampening. */
  public static List<Case> sgdFusedCases() {
    return List.of(SGD_PLAIN, SGD_MOMENTUM, SGD_DAMPENING, SGD_NESTEROV, SGD_MAXIMIZE);
  }

  // ================================================================ Adam

  private static Case adam(String label, double lrParabola, double lrRosenbrock,
      UnaryOperator<Adam.Options.Builder> set, DoubleFunction<RefOptimizer> reference) {
    return of(label, lrParabola, lrRosenbrock,
        lr -> set.apply(Adam.Options.builder().lr(lr)).build(), Adam::of, reference);
  }

  private static final Case ADAM_DEFAULTS = adam("defaults", 0.02, 1e-3,
      b -> b,
      lr -> new RefAdam(lr, 0.9, 0.999, 1e-8, 0, 0, false, false));
  private static final Case ADAM_MOMENTS = adam("b1=0.8, b2=0.99, eps=1e-6", 0.02, 1e-3,
      b -> b.b1(0.8).b2(0.99).eps(1e-6),
      lr -> new RefAdam(lr, 0.8, 0.99, 1e-6, 0, 0, false, false));
  private static final Case ADAM_AMSGRAD = adam("amsgrad", 0.02, 1e-3,
      b -> b.amsgrad(true),
      lr -> new RefAdam(lr, 0.9, 0.999, 1e-8, 0, 0, true, false));
  private static final Case ADAM_DECAY = adam("weightDecay=0.1", 0.02, 1e-3,
      b -> b.weightDecay(0.1),
      lr -> new RefAdam(lr, 0.9, 0.999, 1e-8, 0, 0.1, false, false));
  private static final Case ADAM_DECAY_MOMENTS =
      adam("weightDecay=0.1, b1=0.8, b2=0.99, eps=1e-6", 0.02, 1e-3,
          b -> b.weightDecay(0.1).b1(0.8).b2(0.99).eps(1e-6),
          lr -> new RefAdam(lr, 0.8, 0.99, 1e-6, 0, 0.1, false, false));
  private static final Case ADAM_MAXIMIZE = adam("maximize, amsgrad, weightDecay=0.01", 0.02, 1e-3,
      b -> b.maximize(true).amsgrad(true).weightDecay(0.01),
      lr -> new RefAdam(lr, 0.9, 0.999, 1e-8, 0, 0.01, true, true));
  private static final Case ADAM_EPS_ROOT = adam("epsRoot=1e-8", 0.02, 1e-3,
      b -> b.epsRoot(1e-8),
      lr -> new RefAdam(lr, 0.9, 0.999, 1e-8, 1e-8, 0, false, false));

  /** Adam: the moments, AMSGrad, weight decay, maximize, ε inside the root. */
  public static List<Case> adamCases() {
    return List.of(ADAM_DEFAULTS, ADAM_MOMENTS, ADAM_AMSGRAD, ADAM_DECAY, ADAM_MAXIMIZE,
        ADAM_EPS_ROOT);
  }

  /** Adam for the fused suite: {@link #adamCases()} with the moments and weight decay merged. */
  public static List<Case> adamFusedCases() {
    return List.of(ADAM_DEFAULTS, ADAM_AMSGRAD, ADAM_DECAY_MOMENTS, ADAM_MAXIMIZE, ADAM_EPS_ROOT);
  }

  // ================================================================ AdamW

  private static Case adamw(String label, double lrParabola, double lrRosenbrock,
      UnaryOperator<AdamW.Options.Builder> set, DoubleFunction<RefOptimizer> reference) {
    return of(label, lrParabola, lrRosenbrock,
        lr -> set.apply(AdamW.Options.builder().lr(lr)).build(), AdamW::of, reference);
  }

  private static final Case ADAMW_DEFAULTS = adamw("defaults (weightDecay=1e-2)", 0.02, 1e-3,
      b -> b,
      lr -> new RefAdamW(lr, 0.9, 0.999, 1e-8, 0, 1e-2, false, false));
  private static final Case ADAMW_MOMENTS =
      adamw("weightDecay=0.5, b1=0.8, b2=0.99, eps=1e-6", 0.02, 1e-3,
          b -> b.weightDecay(0.5).b1(0.8).b2(0.99).eps(1e-6),
          lr -> new RefAdamW(lr, 0.8, 0.99, 1e-6, 0, 0.5, false, false));
  private static final Case ADAMW_AMSGRAD = adamw("amsgrad, weightDecay=0.1", 0.02, 1e-3,
      b -> b.amsgrad(true).weightDecay(0.1),
      lr -> new RefAdamW(lr, 0.9, 0.999, 1e-8, 0, 0.1, true, false));
  private static final Case ADAMW_MAXIMIZE = adamw("maximize, epsRoot=1e-8", 0.02, 1e-3,
      b -> b.maximize(true).epsRoot(1e-8),
      lr -> new RefAdamW(lr, 0.9, 0.999, 1e-8, 1e-8, 1e-2, false, true));
  private static final Case ADAMW_NO_DECAY = adamw("weightDecay=0", 0.02, 1e-3,
      b -> b.weightDecay(0),
      lr -> new RefAdamW(lr, 0.9, 0.999, 1e-8, 0, 0, false, false));

  /** AdamW: the default decay, the moments, AMSGrad, maximize, ε inside the root, no decay. */
  public static List<Case> adamwCases() {
    return List.of(ADAMW_DEFAULTS, ADAMW_MOMENTS, ADAMW_AMSGRAD, ADAMW_MAXIMIZE, ADAMW_NO_DECAY);
  }

  /** AdamW for the fused suite: {@link #adamwCases()} without the moments and without decay. */
  public static List<Case> adamwFusedCases() {
    return List.of(ADAMW_DEFAULTS, ADAMW_AMSGRAD, ADAMW_MAXIMIZE);
  }

  // ================================================================ RMSProp

  private static Case rmsprop(String label, double lrParabola, double lrRosenbrock,
      UnaryOperator<RmsProp.Options.Builder> set, DoubleFunction<RefOptimizer> reference) {
    return of(label, lrParabola, lrRosenbrock,
        lr -> set.apply(RmsProp.Options.builder().lr(lr)).build(), RmsProp::of, reference);
  }

  private static final Case RMSPROP_DEFAULTS = rmsprop("defaults", 0.01, 1e-3,
      b -> b,
      lr -> new RefRmsProp(lr, 0.99, 1e-8, 0, 0, false, false));
  private static final Case RMSPROP_ALPHA_EPS = rmsprop("alpha=0.9, eps=1e-6", 0.01, 1e-3,
      b -> b.alpha(0.9).eps(1e-6),
      lr -> new RefRmsProp(lr, 0.9, 1e-6, 0, 0, false, false));
  private static final Case RMSPROP_CENTERED = rmsprop("centered", 0.01, 1e-3,
      b -> b.centered(true),
      lr -> new RefRmsProp(lr, 0.99, 1e-8, 0, 0, true, false));
  private static final Case RMSPROP_MOMENTUM = rmsprop("momentum=0.9", 0.01, 1e-4,
      b -> b.momentum(0.9),
      lr -> new RefRmsProp(lr, 0.99, 1e-8, 0, 0.9, false, false));
  private static final Case RMSPROP_CENTERED_MOMENTUM =
      rmsprop("centered, momentum=0.5, weightDecay=0.1", 0.01, 1e-4,
          b -> b.centered(true).momentum(0.5).weightDecay(0.1),
          lr -> new RefRmsProp(lr, 0.99, 1e-8, 0.1, 0.5, true, false));
  private static final Case RMSPROP_MAXIMIZE = rmsprop("maximize, weightDecay=0.01", 0.01, 1e-3,
      b -> b.maximize(true).weightDecay(0.01),
      lr -> new RefRmsProp(lr, 0.99, 1e-8, 0.01, 0, false, true));
  private static final Case RMSPROP_MAXIMIZE_ALPHA_EPS =
      rmsprop("maximize, weightDecay=0.01, alpha=0.9, eps=1e-6", 0.01, 1e-3,
          b -> b.maximize(true).weightDecay(0.01).alpha(0.9).eps(1e-6),
          lr -> new RefRmsProp(lr, 0.9, 1e-6, 0.01, 0, false, true));

  /** RMSProp: α and ε, centered, momentum, weight decay, maximize. */
  public static List<Case> rmspropCases() {
    return List.of(RMSPROP_DEFAULTS, RMSPROP_ALPHA_EPS, RMSPROP_CENTERED, RMSPROP_MOMENTUM,
        RMSPROP_CENTERED_MOMENTUM, RMSPROP_MAXIMIZE);
  }

  /** RMSProp for the fused suite: {@link #rmspropCases()} with α and ε merged into maximize. */
  public static List<Case> rmspropFusedCases() {
    return List.of(RMSPROP_DEFAULTS, RMSPROP_CENTERED, RMSPROP_MOMENTUM,
        RMSPROP_CENTERED_MOMENTUM, RMSPROP_MAXIMIZE_ALPHA_EPS);
  }

  // ================================================================ NAdam

  private static Case nadam(String label, double lrParabola, double lrRosenbrock,
      UnaryOperator<NAdam.Options.Builder> set, DoubleFunction<RefOptimizer> reference) {
    return of(label, lrParabola, lrRosenbrock,
        lr -> set.apply(NAdam.Options.builder().lr(lr)).build(), NAdam::of, reference);
  }

  private static final Case NADAM_DEFAULTS = nadam("defaults", 0.02, 1e-3,
      b -> b,
      lr -> new RefNAdam(lr, 0.9, 0.999, 1e-8, 0, 4e-3, false));
  private static final Case NADAM_MOMENTS =
      nadam("momentumDecay=0.05, b1=0.8, b2=0.99, eps=1e-6", 0.02, 1e-3,
          b -> b.momentumDecay(0.05).b1(0.8).b2(0.99).eps(1e-6),
          lr -> new RefNAdam(lr, 0.8, 0.99, 1e-6, 0, 0.05, false));
  private static final Case NADAM_DECAY = nadam("weightDecay=0.1", 0.02, 1e-3,
      b -> b.weightDecay(0.1),
      lr -> new RefNAdam(lr, 0.9, 0.999, 1e-8, 0.1, 4e-3, false));
  private static final Case NADAM_MOMENTS_DECAY =
      nadam("momentumDecay=0.05, b1=0.8, b2=0.99, eps=1e-6, weightDecay=0.1", 0.02, 1e-3,
          b -> b.momentumDecay(0.05).b1(0.8).b2(0.99).eps(1e-6).weightDecay(0.1),
          lr -> new RefNAdam(lr, 0.8, 0.99, 1e-6, 0.1, 0.05, false));
  private static final Case NADAM_MAXIMIZE = nadam("maximize, weightDecay=0.01", 0.02, 1e-3,
      b -> b.maximize(true).weightDecay(0.01),
      lr -> new RefNAdam(lr, 0.9, 0.999, 1e-8, 0.01, 4e-3, true));

  /** NAdam: the moments with the momentum decay, weight decay, maximize. */
  public static List<Case> nadamCases() {
    return List.of(NADAM_DEFAULTS, NADAM_MOMENTS, NADAM_DECAY, NADAM_MAXIMIZE);
  }

  /** NAdam for the fused suite: {@link #nadamCases()} with the moments and decay merged. */
  public static List<Case> nadamFusedCases() {
    return List.of(NADAM_DEFAULTS, NADAM_MOMENTS_DECAY, NADAM_MAXIMIZE);
  }

  // ================================================================ RAdam

  private static Case radam(String label, double lrParabola, double lrRosenbrock,
      UnaryOperator<RAdam.Options.Builder> set, DoubleFunction<RefOptimizer> reference) {
    return of(label, lrParabola, lrRosenbrock,
        lr -> set.apply(RAdam.Options.builder().lr(lr)).build(), RAdam::of, reference);
  }

  private static final Case RADAM_DEFAULTS = radam("defaults (adaptive from step 6)", 0.02, 1e-3,
      b -> b,
      lr -> new RefRAdam(lr, 0.9, 0.999, 1e-8, 0, false));
  private static final Case RADAM_MOMENTS = radam("b1=0.8, b2=0.99, eps=1e-6", 0.02, 1e-3,
      b -> b.b1(0.8).b2(0.99).eps(1e-6),
      lr -> new RefRAdam(lr, 0.8, 0.99, 1e-6, 0, false));
  private static final Case RADAM_MOMENTS_DECAY =
      radam("b1=0.8, b2=0.99, eps=1e-6, weightDecay=0.1", 0.02, 1e-3,
          b -> b.b1(0.8).b2(0.99).eps(1e-6).weightDecay(0.1),
          lr -> new RefRAdam(lr, 0.8, 0.99, 1e-6, 0.1, false));
  private static final Case RADAM_NEVER_ADAPTIVE =
      radam("b2=0.5 (rho_inf <= 5: never adaptive)", 0.01, 1e-4,
          b -> b.b2(0.5),
          lr -> new RefRAdam(lr, 0.9, 0.5, 1e-8, 0, false));
  private static final Case RADAM_DECAY = radam("weightDecay=0.1", 0.02, 1e-3,
      b -> b.weightDecay(0.1),
      lr -> new RefRAdam(lr, 0.9, 0.999, 1e-8, 0.1, false));
  private static final Case RADAM_MAXIMIZE = radam("maximize, weightDecay=0.01", 0.02, 1e-4,
      b -> b.maximize(true).weightDecay(0.01),
      lr -> new RefRAdam(lr, 0.9, 0.999, 1e-8, 0.01, true));

  /** RAdam: the moments, never adaptive (b2 = 0.5), weight decay, maximize. */
  public static List<Case> radamCases() {
    return List.of(RADAM_DEFAULTS, RADAM_MOMENTS, RADAM_NEVER_ADAPTIVE, RADAM_DECAY,
        RADAM_MAXIMIZE);
  }

  /** RAdam for the fused suite: {@link #radamCases()} with the moments and decay merged. */
  public static List<Case> radamFusedCases() {
    return List.of(RADAM_DEFAULTS, RADAM_MOMENTS_DECAY,
        RADAM_NEVER_ADAPTIVE.withLabel("b2=0.5 (never adaptive)"), RADAM_MAXIMIZE);
  }

  // ================================================================ Adamax

  private static Case adamax(String label, double lrParabola, double lrRosenbrock,
      UnaryOperator<Adamax.Options.Builder> set, DoubleFunction<RefOptimizer> reference) {
    return of(label, lrParabola, lrRosenbrock,
        lr -> set.apply(Adamax.Options.builder().lr(lr)).build(), Adamax::of, reference);
  }

  private static final Case ADAMAX_DEFAULTS = adamax("defaults", 0.02, 1e-3,
      b -> b,
      lr -> new RefAdamax(lr, 0.9, 0.999, 1e-8, 0, false));
  private static final Case ADAMAX_MOMENTS = adamax("b1=0.8, b2=0.99, eps=1e-6", 0.02, 1e-3,
      b -> b.b1(0.8).b2(0.99).eps(1e-6),
      lr -> new RefAdamax(lr, 0.8, 0.99, 1e-6, 0, false));
  private static final Case ADAMAX_MOMENTS_DECAY =
      adamax("b1=0.8, b2=0.99, eps=1e-6, weightDecay=0.1", 0.02, 1e-3,
          b -> b.b1(0.8).b2(0.99).eps(1e-6).weightDecay(0.1),
          lr -> new RefAdamax(lr, 0.8, 0.99, 1e-6, 0.1, false));
  private static final Case ADAMAX_DECAY = adamax("weightDecay=0.1", 0.02, 1e-3,
      b -> b.weightDecay(0.1),
      lr -> new RefAdamax(lr, 0.9, 0.999, 1e-8, 0.1, false));
  private static final Case ADAMAX_MAXIMIZE = adamax("maximize, weightDecay=0.01", 0.02, 1e-3,
      b -> b.maximize(true).weightDecay(0.01),
      lr -> new RefAdamax(lr, 0.9, 0.999, 1e-8, 0.01, true));

  /** Adamax: the moments, weight decay, maximize. */
  public static List<Case> adamaxCases() {
    return List.of(ADAMAX_DEFAULTS, ADAMAX_MOMENTS, ADAMAX_DECAY, ADAMAX_MAXIMIZE);
  }

  /** Adamax for the fused suite: {@link #adamaxCases()} with the moments and decay merged. */
  public static List<Case> adamaxFusedCases() {
    return List.of(ADAMAX_DEFAULTS, ADAMAX_MOMENTS_DECAY, ADAMAX_MAXIMIZE);
  }

  // ================================================================ the adaptive family
  //
  // One learning rate on both objectives. The second case of each optimizer sets every option
  // away from its default, with ε large enough (1e-5 to 1e-3) that where ε enters the formula
  // changes the trajectory by far more than the float64 tolerance. The fused suite runs the same
  // tables.

  private static Case adagrad(String label, double lr,
      UnaryOperator<Adagrad.Options.Builder> set, DoubleFunction<RefOptimizer> reference) {
    return of(label, lr, lr,
        at -> set.apply(Adagrad.Options.builder().lr(at)).build(), Adagrad::of, reference);
  }

  /** Adagrad: learning-rate decay, weight decay, initial accumulator, ε, maximize. */
  public static List<Case> adagradCases() {
    return List.of(
        adagrad("defaults", 0.1,
            b -> b,
            lr -> new RefAdagrad(lr, 0, 0, 0, 1e-10, false)),
        adagrad("lrDecay=0.05, weightDecay=0.1, initialAccumulatorValue=0.5, eps=1e-3", 0.1,
            b -> b.lrDecay(0.05).weightDecay(0.1).initialAccumulatorValue(0.5).eps(1e-3),
            lr -> new RefAdagrad(lr, 0.05, 0.1, 0.5, 1e-3, false)),
        adagrad("maximize, weightDecay=0.01", 0.05,
            b -> b.weightDecay(0.01).maximize(true),
            lr -> new RefAdagrad(lr, 0, 0.01, 0, 1e-10, true)));
  }

  private static Case adadelta(String label, double lr,
      UnaryOperator<Adadelta.Options.Builder> set, DoubleFunction<RefOptimizer> reference) {
    return of(label, lr, lr,
        at -> set.apply(Adadelta.Options.builder().lr(at)).build(), Adadelta::of, reference);
  }

  /** Adadelta: ρ, ε, weight decay, maximize. */
  public static List<Case> adadeltaCases() {
    return List.of(
        adadelta("defaults", 1.0,
            b -> b,
            lr -> new RefAdadelta(lr, 0.9, 1e-6, 0, false)),
        adadelta("rho=0.8, eps=1e-5, weightDecay=0.1", 0.5,
            b -> b.rho(0.8).eps(1e-5).weightDecay(0.1),
            lr -> new RefAdadelta(lr, 0.8, 1e-5, 0.1, false)),
        adadelta("rho=0.95, maximize", 1.0,
            b -> b.rho(0.95).maximize(true),
            lr -> new RefAdadelta(lr, 0.95, 1e-6, 0, true)));
  }

  private static Case lion(String label, double lr,
      UnaryOperator<Lion.Options.Builder> set, DoubleFunction<RefOptimizer> reference) {
    return of(label, lr, lr,
        at -> set.apply(Lion.Options.builder().lr(at)).build(), Lion::of, reference);
  }

  /**
   * Lion: the two βs, weight decay, maximize. lr 1e-3 and 20 steps: no coordinate gets near a
   * sign change (see {@link AdaptiveFamilySuite}'s class comment).
   */
  public static List<Case> lionCases() {
    return List.of(
        lion("defaults", 1e-3,
            b -> b,
            lr -> new RefLion(lr, 0.9, 0.99, 0, false)),
        lion("b1=0.8, b2=0.95, weightDecay=0.1", 1e-3,
            b -> b.b1(0.8).b2(0.95).weightDecay(0.1),
            lr -> new RefLion(lr, 0.8, 0.95, 0.1, false)),
        lion("maximize", 1e-3,
            b -> b.maximize(true),
            lr -> new RefLion(lr, 0.9, 0.99, 0, true)));
  }

  private static Case lamb(String label, double lr,
      UnaryOperator<Lamb.Options.Builder> set, DoubleFunction<RefOptimizer> reference) {
    return of(label, lr, lr,
        at -> set.apply(Lamb.Options.builder().lr(at)).build(), Lamb::of, reference);
  }

  /** LAMB: the moments, ε, weight decay, maximize. */
  public static List<Case> lambCases() {
    return List.of(
        lamb("defaults", 1e-2,
            b -> b,
            lr -> new RefLamb(lr, 0.9, 0.999, 1e-6, 0, false)),
        lamb("b1=0.8, b2=0.99, eps=1e-3, weightDecay=0.1", 1e-2,
            b -> b.b1(0.8).b2(0.99).eps(1e-3).weightDecay(0.1),
            lr -> new RefLamb(lr, 0.8, 0.99, 1e-3, 0.1, false)),
        lamb("maximize", 1e-2,
            b -> b.maximize(true),
            lr -> new RefLamb(lr, 0.9, 0.999, 1e-6, 0, true)));
  }

  private static Case adaBelief(String label, double lr,
      UnaryOperator<AdaBelief.Options.Builder> set, DoubleFunction<RefOptimizer> reference) {
    return of(label, lr, lr,
        at -> set.apply(AdaBelief.Options.builder().lr(at)).build(), AdaBelief::of, reference);
  }

  /** AdaBelief: the moments, ε, weight decay, maximize. */
  public static List<Case> adaBeliefCases() {
    return List.of(
        adaBelief("defaults", 1e-2,
            b -> b,
            lr -> new RefAdaBelief(lr, 0.9, 0.999, 1e-16, 0, false)),
        adaBelief("b1=0.8, b2=0.99, eps=1e-4, weightDecay=0.1", 1e-2,
            b -> b.b1(0.8).b2(0.99).eps(1e-4).weightDecay(0.1),
            lr -> new RefAdaBelief(lr, 0.8, 0.99, 1e-4, 0.1, false)),
        adaBelief("maximize", 1e-2,
            b -> b.maximize(true),
            lr -> new RefAdaBelief(lr, 0.9, 0.999, 1e-16, 0, true)));
  }

  private static Case adan(String label, double lr,
      UnaryOperator<Adan.Options.Builder> set, DoubleFunction<RefOptimizer> reference) {
    return of(label, lr, lr,
        at -> set.apply(Adan.Options.builder().lr(at)).build(), Adan::of, reference);
  }

  /** Adan: the three βs, ε, weight decay, maximize. The reference takes the paper's β = 1 − b. */
  public static List<Case> adanCases() {
    return List.of(
        adan("defaults", 1e-2,
            b -> b,
            lr -> new RefAdan(lr, 1 - 0.98, 1 - 0.92, 1 - 0.99, 1e-8, 0, false)),
        adan("b1=0.9, b2=0.85, b3=0.95, eps=1e-3, weightDecay=0.1", 1e-2,
            b -> b.b1(0.9).b2(0.85).b3(0.95).eps(1e-3).weightDecay(0.1),
            lr -> new RefAdan(lr, 1 - 0.9, 1 - 0.85, 1 - 0.95, 1e-3, 0.1, false)),
        adan("maximize", 1e-2,
            b -> b.maximize(true),
            lr -> new RefAdan(lr, 1 - 0.98, 1 - 0.92, 1 - 0.99, 1e-8, 0, true)));
  }
}
