package dev.diffopt.cuda;

import static dev.diffopt.cuda.StepScalars.DECOUPLED;
import static dev.diffopt.cuda.StepScalars.F_DECOUPLED;
import static dev.diffopt.cuda.StepScalars.F_L2;
import static dev.diffopt.cuda.StepScalars.F_NESTEROV;
import static dev.diffopt.cuda.StepScalars.F_PROXIMAL;
import static dev.diffopt.cuda.StepScalars.F_TRACE;
import static dev.diffopt.cuda.StepScalars.F_TRACE_FIRST;
import static dev.diffopt.cuda.StepScalars.L2;
import static dev.diffopt.cuda.StepScalars.LR;
import static dev.diffopt.cuda.StepScalars.MOMENTUM;
import static dev.diffopt.cuda.StepScalars.PROXIMAL;
import static dev.diffopt.cuda.StepScalars.PROXIMAL_DENOMINATOR;
import static dev.diffopt.cuda.StepScalars.SIGN;
import static dev.diffopt.cuda.StepScalars.UNDAMPED;

import dev.diffopt.optim.fused.Float32Scalars;
import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.optim.fused.FusedSlots;
import dev.diffopt.schedule.InverseTimeDecay;
import dev.diffopt.tensor.DType;
import dev.diffopt.transform.Trace;
import java.util.ArrayList;
import java.util.List;

/**
 * The host side of one update rule of {@code fused.cu}: which kernel runs it, how many state slots
 * it takes (the core's, in the order of {@link FusedSlots#slotTrees}, which also names its step
 * counter; the momentum trace, when there is one, is the slot after the core's), and the scalars
 * it passes, set once ({@link #constants}) and per step ({@link #begin}). The parts every rule
 * shares (maximize, L2 and decoupled decay, the trace, the learning rate, the proximal decay) are
 * set here, the core's by each subclass. Step scalars that need {@code exp}, {@code log} or {@code
 * pow} are computed by the kernel from the step counter (see {@link StepScalars}).
 */
abstract class FusedRule {
  /** The kernels of every rule, without the dtype suffix, for the PTX check. */
  static final List<String> KERNELS = List.of("sgd", "adam", "rmsprop", "adagrad", "adadelta",
      "adamax", "radam", "nadam", "lion", "adabelief", "adan", "lamb_moments", "lamb_norms",
      "lamb_apply");

  final FusedPlan plan;
  private final int coreSlots;

  FusedRule(FusedPlan plan, int coreSlots) {
    this.plan = plan;
    this.coreSlots = coreSlots;
  }

  /**
   * The host side of {@code plan}'s rule.
   *
   * @param plan a recognized plan
   * @return a fresh rule (NAdam's keeps a host mirror of its μ product)
   */
  static FusedRule of(FusedPlan plan) {
    return switch (plan.rule()) {
      case SGD -> new SgdRule(plan);
      case ADAM, LAMB -> new AdamRule(plan);
      case RMSPROP, RMSPROP_CENTERED -> new RmsPropRule(plan);
      case ADAGRAD -> new AdagradRule(plan);
      case ADADELTA -> new AdadeltaRule(plan);
      case ADAMAX -> new AdamaxRule(plan);
      case RADAM -> new RAdamRule(plan);
      case NADAM -> new NAdamRule(plan);
      case LION -> new LionRule(plan);
      case ADABELIEF -> new AdaBeliefRule(plan);
      case ADAN -> new AdanRule(plan);
    };
  }

  /** Every kernel name of {@code fused.cu}, e.g. {@code fused_adam_f32}. */
  static List<String> kernelNames() {
    List<String> names = new ArrayList<>();
    for (String suffix : List.of("f32", "f64")) {
      for (String k : KERNELS) {
        names.add("fused_" + k + "_" + suffix);
      }
    }
    return names;
  }

  /** The kernel's name without prefix and suffix ({@code "adam"}); LAMB overrides its two. */
  abstract String kernel();

  /**
   * Whether the rule takes LAMB's passes ({@code lamb_moments}, {@code lamb_norms}, {@code
   * lamb_apply}).
   */
  boolean twoPass() {
    return false;
  }

  /** The core's slots. */
  final int coreSlots() {
    return coreSlots;
  }

  /** All slots: the core's and the trace's. */
  final int slots() {
    return coreSlots + (plan.momentum() != null ? 1 : 0);
  }

  /** Sets the plan's constant scalars and flags, the shared ones and the rule's. */
  final void constants(StepScalars s) {
    s.set(SIGN, plan.maximize() ? -1 : 1);
    s.set(L2, plan.weightDecay());
    s.flag(F_L2, plan.weightDecay() != 0);
    s.set(DECOUPLED, plan.decoupledWeightDecay());
    s.flag(F_DECOUPLED, plan.decoupledWeightDecay() != 0);
    Trace trace = plan.momentum();
    s.flag(F_TRACE, trace != null);
    s.set(MOMENTUM, trace == null ? 0 : trace.momentum());
    s.set(UNDAMPED, trace == null ? 1 : 1 - trace.dampening());
    s.flag(F_NESTEROV, trace != null && trace.nesterov());
    s.set(PROXIMAL, plan.proximalDecay());
    s.set(PROXIMAL_DENOMINATOR, 1 + plan.proximalDecay());
    s.flag(F_PROXIMAL, plan.proximalDecay() != 0);
    s.slots(slots());
    ruleConstants(s);
  }

  /** The core's hyper-parameters and static flags. */
  abstract void ruleConstants(StepScalars s);

  /**
   * Sets the scalars of the next step from the counters' values before it.
   *
   * @param s the scalars
   * @param dtype the parameters' dtype
   * @param coreCount the core's counter (0 when it has none)
   * @param traceCount the trace's counter (0 when there is none)
   * @param lrCount the learning-rate step's counter
   */
  final void begin(StepScalars s, DType dtype, long coreCount, long traceCount, long lrCount) {
    s.set(LR, learningRateFactor(plan, lrCount, dtype));
    Trace trace = plan.momentum();
    s.flag(F_TRACE_FIRST, trace != null && trace.dampening() != 0 && traceCount == 0);
    beginRule(s, coreCount);
  }

  /** The core's per-step flags, {@code count} its counter before the step. */
  void beginRule(StepScalars s, long count) {}

  /**
   * The factor {@code −η_t} that {@code ScaleByLearningRate} multiplies updates by, in {@code
   * dtype} as the op-by-op path computes it (only basic operations, so host and device agree):
   * {@link Float32Scalars#learningRateFactor} for float32, the same formula in double for float64.
   *
   * @param plan the plan (constant {@code lr} or {@code lrSchedule})
   * @param count the learning-rate step's counter before this step
   * @param dtype float32 or float64
   * @return {@code −η_t}
   */
  static double learningRateFactor(FusedPlan plan, long count, DType dtype) {
    if (dtype == DType.FLOAT32) {
      return Float32Scalars.learningRateFactor(plan, count);
    }
    InverseTimeDecay schedule = plan.lrSchedule();
    if (schedule == null) {
      return -plan.lr();
    }
    return -(schedule.initValue() / (1.0 + (double) count * schedule.decayRate()));
  }

  /** {@code −ln β}, from which the kernel computes {@code 1 − βᵗ} (+∞ for β = 0: 1). */
  static double negativeLog(double beta) {
    return -Math.log(beta);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + plan.rule() + ")";
  }
}
