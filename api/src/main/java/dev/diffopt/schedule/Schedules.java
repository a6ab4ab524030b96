package dev.diffopt.schedule;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Static factories for the built-in {@link Schedule}s, named after optax's and TorchOpt's
 * functions. Every schedule is a record (so equal arguments give equal schedules), validates its
 * arguments eagerly (an {@link IllegalArgumentException} naming the option and its value) and
 * computes its value with tensor operations on the INT64 count, cast to the requested dtype, with
 * no host read: schedules run inside staged steps.
 *
 * <p>Steps are {@code long}s; the value used for the first update is the one at count 0. Values
 * are computed in the requested dtype: in FLOAT32 the count is exact up to 2²⁴ and the result
 * carries float32 rounding (the kit checks FLOAT32 against a float64 formula to {@code 1e-6}
 * relative, plus {@code 1e-7} of the schedule's largest magnitude where it crosses zero).
 */
public final class Schedules {
  private Schedules() {}

  /**
   * {@code s(t) = value}.
   *
   * @param value the value, finite
   * @return the schedule
   * @see Constant
   */
  public static Constant constant(double value) {
    return new Constant(value);
  }

  /**
   * Linear interpolation from {@code initValue} to {@code endValue} over {@code transitionSteps}
   * steps: {@code s(t) = (init − end)·(1 − min(t, T)/T) + end}.
   *
   * @param initValue init
   * @param endValue end
   * @param transitionSteps T, {@code >= 1}
   * @return the schedule (a polynomial of power 1)
   * @see PolynomialSchedule
   */
  public static PolynomialSchedule linear(double initValue, double endValue, long transitionSteps) {
    return new PolynomialSchedule(initValue, endValue, 1.0, transitionSteps, 0);
  }

  /**
   * Linear interpolation from {@code initValue} to {@code endValue} over {@code transitionSteps}
   * steps starting at {@code transitionBegin} (optax and TorchOpt {@code linear_schedule}).
   *
   * @param initValue init
   * @param endValue end
   * @param transitionSteps the transition length, {@code >= 1}
   * @param transitionBegin the transition start, {@code >= 0}
   * @return the schedule (a polynomial of power 1)
   * @see PolynomialSchedule
   */
  public static PolynomialSchedule linear(
      double initValue, double endValue, long transitionSteps, long transitionBegin) {
    return new PolynomialSchedule(initValue, endValue, 1.0, transitionSteps, transitionBegin);
  }

  /**
   * Polynomial decay starting at step 0: {@code s(t) = (init − end)·(1 − min(t, T)/T)^power + end}.
   *
   * @param initValue init
   * @param endValue end
   * @param power the exponent, {@code > 0}
   * @param transitionSteps T, {@code >= 1}
   * @return the schedule
   * @see PolynomialSchedule
   */
  public static PolynomialSchedule polynomial(
      double initValue, double endValue, double power, long transitionSteps) {
    return new PolynomialSchedule(initValue, endValue, power, transitionSteps, 0);
  }

  /**
   * Polynomial decay (optax and TorchOpt {@code polynomial_schedule}).
   *
   * @param initValue init
   * @param endValue end
   * @param power the exponent, {@code > 0}
   * @param transitionSteps the transition length, {@code >= 1}
   * @param transitionBegin the transition start, {@code >= 0}
   * @return the schedule
   * @see PolynomialSchedule
   */
  public static PolynomialSchedule polynomial(
      double initValue, double endValue, double power, long transitionSteps, long transitionBegin) {
    return new PolynomialSchedule(initValue, endValue, power, transitionSteps, transitionBegin);
  }

  /**
   * Smooth exponential decay from step 0 without bound: {@code s(t) = init·rate^(t/T)}.
   *
   * @param initValue init
   * @param decayRate the rate, {@code > 0}
   * @param transitionSteps T, {@code >= 1}
   * @return the schedule
   * @see ExponentialDecay
   */
  public static ExponentialDecay exponentialDecay(
      double initValue, double decayRate, long transitionSteps) {
    return new ExponentialDecay(initValue, decayRate, transitionSteps, 0, false, null);
  }

  /**
   * Exponential decay (optax and TorchOpt {@code exponential_decay}).
   *
   * @param initValue init
   * @param decayRate the rate, {@code > 0}
   * @param transitionSteps the steps per factor of the rate, {@code >= 1}
   * @param transitionBegin the start of the decay, {@code >= 0}
   * @param staircase whether to decay in discrete intervals
   * @param endValue the bound, or {@code null} for none
   * @return the schedule
   * @see ExponentialDecay
   */
  public static ExponentialDecay exponentialDecay(
      double initValue,
      double decayRate,
      long transitionSteps,
      long transitionBegin,
      boolean staircase,
      Double endValue) {
    return new ExponentialDecay(
        initValue, decayRate, transitionSteps, transitionBegin, staircase, endValue);
  }

  /**
   * Cosine decay to zero: {@code s(t) = init·½(1 + cos(π·min(t, D)/D))}.
   *
   * @param initValue init
   * @param decaySteps D, {@code >= 1}
   * @return the schedule
   * @see CosineDecay
   */
  public static CosineDecay cosineDecay(double initValue, long decaySteps) {
    return new CosineDecay(initValue, decaySteps, 0.0, 1.0);
  }

  /**
   * Cosine decay to {@code alpha·initValue} (optax {@code cosine_decay_schedule}).
   *
   * @param initValue init
   * @param decaySteps D, {@code >= 1}
   * @param alpha the final fraction, in [0, 1]
   * @return the schedule
   * @see CosineDecay
   */
  public static CosineDecay cosineDecay(double initValue, long decaySteps, double alpha) {
    return new CosineDecay(initValue, decaySteps, alpha, 1.0);
  }

  /**
   * Cosine decay with an exponent on the cosine factor.
   *
   * @param initValue init
   * @param decaySteps D, {@code >= 1}
   * @param alpha the final fraction, in [0, 1]
   * @param exponent the exponent, {@code > 0}
   * @return the schedule
   * @see CosineDecay
   */
  public static CosineDecay cosineDecay(
      double initValue, long decaySteps, double alpha, double exponent) {
    return new CosineDecay(initValue, decaySteps, alpha, exponent);
  }

  /**
   * Linear warm-up from {@code initValue} to {@code peakValue} over {@code warmupSteps}, then
   * cosine decay to {@code endValue} at {@code decaySteps} (optax {@code
   * warmup_cosine_decay_schedule}; {@code decaySteps} includes the warm-up).
   *
   * @param initValue init
   * @param peakValue peak
   * @param warmupSteps W, {@code >= 0}
   * @param decaySteps D, {@code > W}
   * @param endValue end
   * @return the schedule
   * @see WarmupCosineDecay
   */
  public static WarmupCosineDecay warmupCosineDecay(
      double initValue, double peakValue, long warmupSteps, long decaySteps, double endValue) {
    return new WarmupCosineDecay(initValue, peakValue, warmupSteps, decaySteps, endValue, 1.0);
  }

  /**
   * {@link #warmupCosineDecay(double, double, long, long, double)} with an exponent on the cosine
   * factor.
   *
   * @param initValue init
   * @param peakValue peak
   * @param warmupSteps W, {@code >= 0}
   * @param decaySteps D, {@code > W}
   * @param endValue end
   * @param exponent the exponent, {@code > 0}
   * @return the schedule
   */
  public static WarmupCosineDecay warmupCosineDecay(
      double initValue,
      double peakValue,
      long warmupSteps,
      long decaySteps,
      double endValue,
      double exponent) {
    return new WarmupCosineDecay(initValue, peakValue, warmupSteps, decaySteps, endValue, exponent);
  }

  /**
   * {@code s(t) = init·Π_{b ≤ t} scale_b} (optax {@code piecewise_constant_schedule}), e.g. {@code
   * piecewiseConstant(0.1, Map.of(100, 0.1, 200, 0.1))} for 0.1, then 0.01 from step 100, then
   * 0.001 from step 200.
   *
   * @param initValue init
   * @param boundariesAndScales boundary (whole number {@code >= 0}) → scale ({@code >= 0})
   * @return the schedule
   * @see PiecewiseConstant
   */
  public static PiecewiseConstant piecewiseConstant(
      double initValue, Map<? extends Number, ? extends Number> boundariesAndScales) {
    return PiecewiseConstant.of(initValue, boundariesAndScales);
  }

  /**
   * Schedules joined at boundaries (optax {@code join_schedules}); after boundary {@code i} the
   * next schedule sees {@code t − boundaries[i]}.
   *
   * @param schedules the schedules, at least one
   * @param boundaries one fewer than the schedules, non-decreasing, {@code >= 0}
   * @return the schedule
   * @see JoinSchedules
   */
  public static JoinSchedules join(List<? extends Schedule> schedules, List<Long> boundaries) {
    if (schedules == null) {
      throw new NullPointerException("schedules is null");
    }
    return new JoinSchedules(List.copyOf(schedules), boundaries);
  }

  /**
   * {@link #join(List, List)} with the boundaries as an array.
   *
   * @param schedules the schedules, at least one
   * @param boundaries one fewer than the schedules, non-decreasing, {@code >= 0}
   * @return the schedule
   */
  public static JoinSchedules join(List<? extends Schedule> schedules, long... boundaries) {
    if (boundaries == null) {
      throw new NullPointerException("boundaries is null");
    }
    return join(schedules, Arrays.stream(boundaries).boxed().toList());
  }

  // ------------------------------------------------------------------ shared by the schedules

  /** Checks the count (INT64, non-null) and the requested dtype (floating). */
  static void checkCount(Tensor count, DType dtype, Schedule who) {
    if (count == null) {
      throw new NullPointerException(
          who + ": count is null (a tree without tensor leaves has no counter)");
    }
    if (count.dtype() != DType.INT64) {
      throw new IllegalArgumentException(
          who + ": count must be an INT64 tensor, got " + count.dtype());
    }
    if (dtype == null || !dtype.isFloating()) {
      throw new IllegalArgumentException(
          who + ": the schedule's dtype must be floating, got " + dtype);
    }
  }

  /** The checked count cast to {@code dtype}. */
  static Tensor countAs(Tensor count, DType dtype, Schedule who) {
    checkCount(count, dtype, who);
    return count.ops().cast(count, dtype);
  }

  /** {@code (½·(1 + cos(π·clip(t, 0, steps)/steps)))^exponent} in {@code dtype}. */
  static Tensor cosineFactor(TensorOps ops, Tensor t, long steps, double exponent, DType dtype) {
    Tensor tau = ops.minimum(ops.maximum(t, ops.scalar(0, dtype)), ops.scalar(steps, dtype));
    Tensor cos = ops.cos(ops.mul(tau, ops.scalar(Math.PI / steps, dtype)));
    Tensor c = ops.mul(ops.add(cos, ops.scalar(1, dtype)), ops.scalar(0.5, dtype));
    return exponent == 1 ? c : ops.pow(c, ops.scalar(exponent, dtype));
  }

  /** {@code value >= 0}. */
  static long nonNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0, got " + value);
    }
    return value;
  }

  /** {@code value >= 1}. */
  static long atLeastOne(String name, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + value);
    }
    return value;
  }

  /** A whole, non-negative number of steps given as any {@link Number}. */
  static long wholeSteps(String name, Number value) {
    double d = value.doubleValue();
    long l = value.longValue();
    if (!(d == l)) {
      throw new IllegalArgumentException(name + " must be a whole number of steps, got " + value);
    }
    return nonNegative(name, l);
  }

  /**
   * {@code init / (1 + t·decayRate)}, {@code torch.optim.Adagrad}'s {@code lr_decay} (see {@link
   * InverseTimeDecay}).
   *
   * @param initValue the value at step 0
   * @param decayRate the decay per step, {@code >= 0}
   * @return the schedule
   */
  public static InverseTimeDecay inverseTimeDecay(double initValue, double decayRate) {
    return new InverseTimeDecay(initValue, decayRate);
  }
}
