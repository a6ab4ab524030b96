package dev.diffopt.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.schedule.Schedule;
import dev.diffopt.schedule.Schedules;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * Every built-in {@link Schedule} against a float64 formula written here in plain Java, at every
 * step from 0 past the last boundary, evaluated on the backend from a 0-d INT64 count in FLOAT64
 * (when the backend has it; {@code |a − e| ≤ 1e-12·(|e| + m)}) and in FLOAT32 ({@code |a − e| ≤
 * 1e-6·|e| + 1e-7·m}), where {@code m} is the largest magnitude the schedule takes: the absolute
 * part covers float32 cancellation where a schedule passes through 0 (e.g. {@code 1 + cos x} near
 * the end of a cosine decay). Also the result's dtype and shape, and argument
 * validation; the golden {@code schedules.json} cases of TorchOpt run in {@link
 * dev.diffopt.conformance.golden.GoldenSuite}.
 */
public abstract class ScheduleSuite extends BackendSuite {
  private static final double F64_TOL = 1e-12;
  private static final double F32_RTOL = 1e-6;
  private static final double F32_ATOL = 1e-7;

  private TensorOps ops;

  @BeforeEach
  void setUpOps() {
    ops = backend().ops();
  }

  /** The dtypes to run in: FLOAT64 where the backend has it, and FLOAT32. */
  private List<DType> dtypes() {
    return backend().has(Capability.FLOAT64)
        ? List.of(DType.FLOAT64, DType.FLOAT32)
        : List.of(DType.FLOAT32);
  }

  private Tensor count(long step) {
    return ops.full(Shape.scalar(), step, DType.INT64);
  }

  /** Checks {@code schedule} against {@code reference} at steps {@code 0..lastStep}. */
  private void check(String what, Schedule schedule, LongToDoubleFunction reference, long lastStep) {
    double m = 0;
    for (long t = 0; t <= lastStep; t++) {
      m = Math.max(m, Math.abs(reference.applyAsDouble(t)));
    }
    for (DType dtype : dtypes()) {
      for (long t = 0; t <= lastStep; t++) {
        double expected = reference.applyAsDouble(t);
        Tensor v = schedule.value(count(t), dtype);
        assertEquals(dtype, v.dtype(), what + ": dtype of the value");
        assertEquals(Shape.scalar(), v.shape(), what + ": shape of the value");
        double actual = v.item();
        double tol =
            dtype == DType.FLOAT64
                ? F64_TOL * (Math.abs(expected) + m)
                : F32_RTOL * Math.abs(expected) + F32_ATOL * m;
        if (!(Math.abs(actual - expected) <= tol)) {
          throw new AssertionFailedError(
              what + " (" + schedule + ") in " + dtype + " at step " + t + ": got " + actual
                  + ", expected " + expected + " (|diff| " + Math.abs(actual - expected)
                  + " > " + tol + ")");
        }
      }
    }
  }

  // ------------------------------------------------------------------ float64 Java formulas

  private static double polynomial(
      long t, double init, double end, double power, long steps, long begin) {
    double tau = Math.min(Math.max(t - begin, 0), steps);
    return (init - end) * Math.pow(1 - tau / (double) steps, power) + end;
  }

  private static double exponential(
      long t, double init, double rate, long steps, long begin, boolean staircase, Double end) {
    long d = t - begin;
    double v;
    if (d <= 0) {
      v = init;
    } else {
      double p = staircase ? Math.floorDiv(d, steps) : d / (double) steps;
      v = init * Math.pow(rate, p);
    }
    if (end != null) {
      v = rate < 1 ? Math.max(v, end) : Math.min(v, end);
    }
    return v;
  }

  private static double cosine(long t, double init, long steps, double alpha, double exponent) {
    double tau = Math.min(t, steps);
    double c = 0.5 * (1 + Math.cos(Math.PI * tau / steps));
    return init * ((1 - alpha) * Math.pow(c, exponent) + alpha);
  }

  private static double warmupCosine(
      long t, double init, double peak, long warmup, long decay, double end, double exponent) {
    if (t < warmup) {
      return init + (peak - init) * t / (double) warmup;
    }
    double alpha = peak == 0 ? 0 : end / peak;
    return cosine(t - warmup, peak, decay - warmup, alpha, exponent);
  }

  // ------------------------------------------------------------------ cases

  @Test
  @DisplayName("SCHED-CONST-01 constant: the same value at every step")
  void constant() {
    check("constant", Schedules.constant(0.3), t -> 0.3, 20);
    check("constant negative", Schedules.constant(-2.5), t -> -2.5, 3);
  }

  @Test
  @DisplayName("SCHED-LINEAR-01 linear with transitionBegin: flat, ramp, flat (TorchOpt's case)")
  void linearWithBegin() {
    check("linear(0.1, 0.001, 10, 2)", Schedules.linear(0.1, 0.001, 10, 2),
        t -> polynomial(t, 0.1, 0.001, 1, 10, 2), 24);
  }

  @Test
  @DisplayName("SCHED-LINEAR-02 linear warm-up from 0 to 1 over 5 steps, increasing")
  void linearIncreasing() {
    check("linear(0, 1, 5)", Schedules.linear(0, 1, 5), t -> Math.min(t, 5) / 5.0, 9);
  }

  @Test
  @DisplayName("SCHED-POLY-01 polynomial power 2 over 12 steps")
  void polynomialSquare() {
    check("polynomial(1, 0.01, 2, 12)", Schedules.polynomial(1.0, 0.01, 2.0, 12),
        t -> polynomial(t, 1.0, 0.01, 2.0, 12, 0), 16);
  }

  @Test
  @DisplayName("SCHED-POLY-02 polynomial power 0.5 starting at step 3 (boundaries 3 and 10)")
  void polynomialSqrtWithBegin() {
    check("polynomial(2, 0.5, 0.5, 7, 3)", Schedules.polynomial(2.0, 0.5, 0.5, 7, 3),
        t -> polynomial(t, 2.0, 0.5, 0.5, 7, 3), 14);
  }

  @Test
  @DisplayName("SCHED-EXP-01 smooth exponential decay with transitionBegin")
  void exponentialSmooth() {
    check("exponentialDecay(0.5, 0.9, 3, 1)",
        Schedules.exponentialDecay(0.5, 0.9, 3, 1, false, null),
        t -> exponential(t, 0.5, 0.9, 3, 1, false, null), 24);
    check("exponentialDecay(1, 0.5, 4)", Schedules.exponentialDecay(1.0, 0.5, 4),
        t -> exponential(t, 1.0, 0.5, 4, 0, false, null), 20);
  }

  @Test
  @DisplayName("SCHED-EXP-02 staircase exponential decay bounded below by endValue")
  void exponentialStaircaseBounded() {
    check("exponentialDecay(0.5, 0.5, 4, staircase, end 0.1)",
        Schedules.exponentialDecay(0.5, 0.5, 4, 0, true, 0.1),
        t -> exponential(t, 0.5, 0.5, 4, 0, true, 0.1), 24);
  }

  @Test
  @DisplayName("SCHED-EXP-03 staircase with transitionBegin: the floor is exact at every boundary")
  void exponentialStaircaseWithBegin() {
    check("exponentialDecay(3, 0.7, 5, begin 3, staircase)",
        Schedules.exponentialDecay(3.0, 0.7, 5, 3, true, null),
        t -> exponential(t, 3.0, 0.7, 5, 3, true, null), 30);
  }

  @Test
  @DisplayName("SCHED-EXP-04 growth (decayRate > 1) bounded above by endValue")
  void exponentialGrowthBounded() {
    check("exponentialDecay(0.1, 1.5, 2, end 1)",
        Schedules.exponentialDecay(0.1, 1.5, 2, 0, false, 1.0),
        t -> exponential(t, 0.1, 1.5, 2, 0, false, 1.0), 20);
  }

  @Test
  @DisplayName("SCHED-COS-01 cosine decay to zero over 10 steps, then flat")
  void cosineToZero() {
    check("cosineDecay(1, 10)", Schedules.cosineDecay(1.0, 10), t -> cosine(t, 1.0, 10, 0, 1), 14);
  }

  @Test
  @DisplayName("SCHED-COS-02 cosine decay with alpha 0.1 and exponent 2")
  void cosineAlphaExponent() {
    check("cosineDecay(0.5, 8, 0.1)", Schedules.cosineDecay(0.5, 8, 0.1),
        t -> cosine(t, 0.5, 8, 0.1, 1), 12);
    check("cosineDecay(0.5, 8, 0.1, 2)", Schedules.cosineDecay(0.5, 8, 0.1, 2.0),
        t -> cosine(t, 0.5, 8, 0.1, 2), 12);
  }

  @Test
  @DisplayName("SCHED-WCOS-01 warm-up 5 steps to the peak, cosine to endValue at step 20")
  void warmupCosine() {
    check("warmupCosineDecay(0, 1, 5, 20, 0.1)", Schedules.warmupCosineDecay(0.0, 1.0, 5, 20, 0.1),
        t -> warmupCosine(t, 0.0, 1.0, 5, 20, 0.1, 1), 25);
  }

  @Test
  @DisplayName("SCHED-WCOS-02 warm-up of 0 steps is the cosine part alone; exponent and zero peak")
  void warmupCosineEdges() {
    check("warmupCosineDecay(0.2, 0.8, 0, 6, 0.05)",
        Schedules.warmupCosineDecay(0.2, 0.8, 0, 6, 0.05),
        t -> warmupCosine(t, 0.2, 0.8, 0, 6, 0.05, 1), 9);
    check("warmupCosineDecay(0.1, 2, 3, 9, 0.5, exponent 3)",
        Schedules.warmupCosineDecay(0.1, 2.0, 3, 9, 0.5, 3.0),
        t -> warmupCosine(t, 0.1, 2.0, 3, 9, 0.5, 3), 12);
    check("warmupCosineDecay(1, 0, 2, 5, 0)", Schedules.warmupCosineDecay(1.0, 0.0, 2, 5, 0.0),
        t -> warmupCosine(t, 1.0, 0.0, 2, 5, 0.0, 1), 7);
  }

  @Test
  @DisplayName("SCHED-PIECE-01 piecewise constant: scales apply from their boundary on")
  void piecewise() {
    Map<Integer, Double> bs = new TreeMap<>(Map.of(5, 0.5, 10, 0.1, 15, 2.0));
    check("piecewiseConstant(0.1, {5: 0.5, 10: 0.1, 15: 2})", Schedules.piecewiseConstant(0.1, bs),
        t -> 0.1 * (t >= 5 ? 0.5 : 1) * (t >= 10 ? 0.1 : 1) * (t >= 15 ? 2 : 1), 18);
    check("piecewiseConstant(0.7, {})", Schedules.piecewiseConstant(0.7, Map.of()), t -> 0.7, 3);
    check("piecewiseConstant(1, {0: 0.25})", Schedules.piecewiseConstant(1.0, Map.of(0, 0.25)),
        t -> 0.25, 3);
  }

  @Test
  @DisplayName("SCHED-JOIN-01 join: each schedule sees the count minus its boundary")
  void join() {
    Schedule joined =
        Schedules.join(
            List.of(Schedules.constant(1.0), Schedules.linear(1.0, 0.2, 5),
                Schedules.cosineDecay(0.2, 4)),
            3, 8);
    check("join(constant, linear, cosine; 3, 8)", joined,
        t -> t < 3 ? 1.0 : t < 8 ? polynomial(t - 3, 1.0, 0.2, 1, 5, 0) : cosine(t - 8, 0.2, 4, 0, 1),
        15);
  }

  @Test
  @DisplayName("SCHED-JOIN-02 join of one schedule is that schedule; joins nest")
  void joinEdges() {
    check("join(exponential)", Schedules.join(List.of(Schedules.exponentialDecay(2.0, 0.5, 3))),
        t -> exponential(t, 2.0, 0.5, 3, 0, false, null), 8);
    Schedule inner = Schedules.join(List.of(Schedules.constant(3.0), Schedules.linear(3.0, 1.0, 2)), 2);
    Schedule outer = Schedules.join(List.of(Schedules.constant(5.0), inner), 4);
    check("join(constant, join(constant, linear))", outer,
        t -> t < 4 ? 5.0 : t < 6 ? 3.0 : polynomial(t - 6, 3.0, 1.0, 1, 2, 0), 10);
  }

  @Test
  @DisplayName("SCHED-LARGE-01 counts far past the last boundary stay at the end values")
  void largeCounts() {
    long t = 1_000_000;
    for (DType dtype : dtypes()) {
      assertEquals(0.001, Schedules.linear(0.1, 0.001, 10, 2).value(count(t), dtype).item(),
          1e-6 * 0.001, "linear at " + t + " in " + dtype);
      assertEquals(0.1, Schedules.cosineDecay(1.0, 10, 0.1).value(count(t), dtype).item(),
          1e-6 * 0.1, "cosine at " + t + " in " + dtype);
      assertEquals(0.1, Schedules.exponentialDecay(0.5, 0.5, 4, 0, true, 0.1).value(count(t), dtype)
          .item(), 1e-6 * 0.1, "bounded exponential at " + t + " in " + dtype);
    }
  }

  @Test
  @DisplayName("SCHED-VALUEAT-01 valueAt reads the value at a host step; it rejects negative steps")
  void valueAt() {
    DType dtype = dtypes().get(0);
    Schedule s = Schedules.linear(1.0, 0.0, 4);
    assertEquals(0.5, s.valueAt(ops, 2, dtype), 1e-6);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> s.valueAt(ops, -1, dtype));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
  }

  @Test
  @DisplayName("SCHED-BAD-01 a non-INT64 count, a non-floating dtype and a null count are rejected")
  void badCountsAndDtypes() {
    Schedule s = Schedules.cosineDecay(1.0, 10);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class,
            () -> s.value(ops.scalar(1, DType.FLOAT32), DType.FLOAT32));
    assertTrue(e.getMessage().contains("INT64") && e.getMessage().contains("FLOAT32"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> s.value(count(1), DType.INT64));
    assertTrue(e.getMessage().contains("floating") && e.getMessage().contains("INT64"),
        e.getMessage());
    assertThrows(NullPointerException.class, () -> s.value(null, DType.FLOAT32));
  }

  @Test
  @DisplayName("SCHED-BAD-02 invalid arguments are rejected, naming the option and the value")
  void badArguments() {
    expectBad(() -> Schedules.linear(0.1, 0.0, 0), "transitionSteps", "0");
    expectBad(() -> Schedules.linear(0.1, 0.0, 5, -2), "transitionBegin", "-2");
    expectBad(() -> Schedules.polynomial(Double.NaN, 0.0, 1.0, 5), "initValue", "NaN");
    expectBad(() -> Schedules.polynomial(1, 0.0, -1.0, 5), "power", "-1.0");
    expectBad(() -> Schedules.exponentialDecay(1, 0.0, 5), "decayRate", "0.0");
    expectBad(() -> Schedules.exponentialDecay(1, 0.5, 5, 0, false, Double.POSITIVE_INFINITY),
        "endValue", "Infinity");
    expectBad(() -> Schedules.cosineDecay(1, 0), "decaySteps", "0");
    expectBad(() -> Schedules.cosineDecay(1, 10, 1.5), "alpha", "1.5");
    expectBad(() -> Schedules.warmupCosineDecay(0, 1, 10, 10, 0), "decaySteps", "10");
    expectBad(() -> Schedules.warmupCosineDecay(0, 1, -1, 10, 0), "warmupSteps", "-1");
    expectBad(() -> Schedules.piecewiseConstant(1, Map.of(5, -0.5)), "scale", "-0.5");
    expectBad(() -> Schedules.piecewiseConstant(1, Map.of(-3, 0.5)), "boundary", "-3");
    expectBad(() -> Schedules.piecewiseConstant(1, Map.of(2.5, 0.5)), "boundary", "2.5");
    expectBad(() -> Schedules.join(List.of(Schedules.constant(1)), 3), "boundar", "[3]");
    expectBad(
        () -> Schedules.join(List.of(Schedules.constant(1), Schedules.constant(2),
            Schedules.constant(3)), 5, 2),
        "non-decreasing", "[5, 2]");
    expectBad(() -> Schedules.join(List.of()), "at least one", "none");
  }

  private static void expectBad(Runnable r, String option, String value) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().contains(option) && e.getMessage().contains(value),
        "message should name " + option + " and " + value + ": " + e.getMessage());
  }
}
