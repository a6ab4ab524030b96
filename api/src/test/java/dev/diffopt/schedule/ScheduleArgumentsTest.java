package dev.diffopt.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.tensor.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Argument validation and value semantics of the built-in schedules (no backend needed). */
class ScheduleArgumentsTest {

  private static void bad(Executable call, String option, String value) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(
        e.getMessage().contains(option) && e.getMessage().contains(value),
        "message should name " + option + " and " + value + ": " + e.getMessage());
  }

  @Test
  void constantNeedsAFiniteValue() {
    bad(() -> Schedules.constant(Double.NaN), "value", "NaN");
    bad(() -> new Constant(Double.POSITIVE_INFINITY), "value", "Infinity");
    assertEquals(0.5, Schedules.constant(0.5).value());
  }

  @Test
  void polynomialArguments() {
    bad(() -> Schedules.polynomial(Double.NaN, 0, 1, 5), "initValue", "NaN");
    bad(() -> Schedules.polynomial(1, Double.NEGATIVE_INFINITY, 1, 5), "endValue", "-Infinity");
    bad(() -> Schedules.polynomial(1, 0, 0, 5), "power", "0.0");
    bad(() -> Schedules.polynomial(1, 0, Double.NaN, 5), "power", "NaN");
    bad(() -> Schedules.polynomial(1, 0, 1, 0), "transitionSteps", "0");
    bad(() -> Schedules.polynomial(1, 0, 1, -4), "transitionSteps", "-4");
    bad(() -> Schedules.polynomial(1, 0, 1, 5, -1), "transitionBegin", "-1");
    bad(() -> Schedules.linear(1, 0, 0), "transitionSteps", "0");
  }

  @Test
  void linearIsPolynomialOfPowerOne() {
    assertEquals(new PolynomialSchedule(0.1, 0.001, 1.0, 10, 2), Schedules.linear(0.1, 0.001, 10, 2));
    assertEquals(Schedules.linear(1, 0, 3), Schedules.polynomial(1, 0, 1, 3, 0));
    assertNotEquals(Schedules.linear(1, 0, 3), Schedules.polynomial(1, 0, 2, 3, 0));
  }

  @Test
  void exponentialDecayArguments() {
    bad(() -> Schedules.exponentialDecay(Double.NaN, 0.5, 3), "initValue", "NaN");
    bad(() -> Schedules.exponentialDecay(1, 0, 3), "decayRate", "0.0");
    bad(() -> Schedules.exponentialDecay(1, -0.5, 3), "decayRate", "-0.5");
    bad(() -> Schedules.exponentialDecay(1, 0.5, 0), "transitionSteps", "0");
    bad(() -> Schedules.exponentialDecay(1, 0.5, 3, -2, false, null), "transitionBegin", "-2");
    bad(() -> Schedules.exponentialDecay(1, 0.5, 3, 0, true, Double.NaN), "endValue", "NaN");
    ExponentialDecay d = Schedules.exponentialDecay(1, 0.5, 3, 1, true, 0.1);
    assertEquals(new ExponentialDecay(1, 0.5, 3, 1, true, 0.1), d);
    assertEquals(0.1, d.endValue());
    assertEquals(null, Schedules.exponentialDecay(1, 0.5, 3).endValue());
  }

  @Test
  void cosineArguments() {
    bad(() -> Schedules.cosineDecay(Double.NaN, 10), "initValue", "NaN");
    bad(() -> Schedules.cosineDecay(1, 0), "decaySteps", "0");
    bad(() -> Schedules.cosineDecay(1, 10, -0.1), "alpha", "-0.1");
    bad(() -> Schedules.cosineDecay(1, 10, 1.1), "alpha", "1.1");
    bad(() -> Schedules.cosineDecay(1, 10, 0.1, 0), "exponent", "0.0");
    assertEquals(new CosineDecay(1, 10, 0.0, 1.0), Schedules.cosineDecay(1, 10));
    assertEquals(new CosineDecay(1, 10, 0.2), Schedules.cosineDecay(1, 10, 0.2, 1.0));
  }

  @Test
  void warmupCosineArguments() {
    bad(() -> Schedules.warmupCosineDecay(Double.NaN, 1, 2, 10, 0), "initValue", "NaN");
    bad(() -> Schedules.warmupCosineDecay(0, Double.NaN, 2, 10, 0), "peakValue", "NaN");
    bad(() -> Schedules.warmupCosineDecay(0, 1, -2, 10, 0), "warmupSteps", "-2");
    bad(() -> Schedules.warmupCosineDecay(0, 1, 10, 10, 0), "decaySteps", "10");
    bad(() -> Schedules.warmupCosineDecay(0, 1, 12, 10, 0), "warmupSteps", "12");
    bad(() -> Schedules.warmupCosineDecay(0, 1, 2, 10, Double.NaN), "endValue", "NaN");
    bad(() -> Schedules.warmupCosineDecay(0, 1, 2, 10, 0, -1), "exponent", "-1.0");
    assertEquals(new WarmupCosineDecay(0, 1, 2, 10, 0.1, 1.0),
        Schedules.warmupCosineDecay(0, 1, 2, 10, 0.1));
  }

  @Test
  void piecewiseConstantArguments() {
    bad(() -> Schedules.piecewiseConstant(Double.NaN, Map.of()), "initValue", "NaN");
    bad(() -> Schedules.piecewiseConstant(1, Map.of(3, -1.0)), "scale", "-1.0");
    bad(() -> Schedules.piecewiseConstant(1, Map.of(3, Double.POSITIVE_INFINITY)), "scale", "Infinity");
    bad(() -> Schedules.piecewiseConstant(1, Map.of(-3, 0.5)), "boundary", "-3");
    bad(() -> Schedules.piecewiseConstant(1, Map.of(1.5, 0.5)), "boundary", "1.5");
    Map<Number, Number> dup = new HashMap<>();
    dup.put(3, 0.5);
    dup.put(3L, 0.25);
    bad(() -> Schedules.piecewiseConstant(1, dup), "duplicate", "3");
    assertThrows(NullPointerException.class, () -> Schedules.piecewiseConstant(1, null));
    Map<Number, Number> withNull = new HashMap<>();
    withNull.put(3, null);
    assertThrows(NullPointerException.class, () -> Schedules.piecewiseConstant(1, withNull));
  }

  @Test
  void piecewiseConstantCopiesSortedAndUnmodifiable() {
    Map<Integer, Double> m = new HashMap<>(Map.of(20, 0.1, 10, 0.5));
    PiecewiseConstant p = Schedules.piecewiseConstant(1.0, m);
    m.put(30, 0.0);
    assertEquals(List.of(10L, 20L), new ArrayList<>(p.boundariesAndScales().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> p.boundariesAndScales().put(5L, 1.0));
    assertEquals(p, Schedules.piecewiseConstant(1.0, Map.of(10L, 0.5, 20, 0.1)));
  }

  @Test
  void joinArguments() {
    Schedule c = Schedules.constant(1);
    bad(() -> Schedules.join(List.of()), "at least one", "none");
    bad(() -> Schedules.join(List.of(c, c), List.of()), "boundar", "[]");
    bad(() -> Schedules.join(List.of(c), 4), "boundar", "[4]");
    bad(() -> Schedules.join(List.of(c, c), -1), "boundary", "-1");
    bad(() -> Schedules.join(List.of(c, c, c), 5, 3), "non-decreasing", "[5, 3]");
    List<Schedule> withNull = new ArrayList<>();
    withNull.add(c);
    withNull.add(null);
    assertThrows(NullPointerException.class, () -> Schedules.join(withNull, 1));
    assertThrows(NullPointerException.class, () -> Schedules.join(null, 1));
    JoinSchedules j = Schedules.join(List.of(c, Schedules.linear(1, 0, 3)), 5);
    assertEquals(List.of(5L), j.boundaries());
    assertEquals(j, Schedules.join(List.of(c, Schedules.linear(1, 0, 3)), List.of(5L)));
    assertEquals(List.of(2L, 2L), Schedules.join(List.of(c, c, c), 2, 2).boundaries(), "equal boundaries");
  }

  @Test
  void valueRejectsANullCountBeforeTouchingAnyBackend() {
    for (Schedule s : List.of(Schedules.constant(1), Schedules.linear(1, 0, 3),
        Schedules.exponentialDecay(1, 0.5, 3), Schedules.cosineDecay(1, 3),
        Schedules.warmupCosineDecay(0, 1, 1, 3, 0), Schedules.piecewiseConstant(1, Map.of()),
        Schedules.join(List.of(Schedules.constant(1))))) {
      NullPointerException e =
          assertThrows(NullPointerException.class, () -> s.value(null, DType.FLOAT32));
      assertTrue(e.getMessage().contains("count"), e.getMessage());
    }
  }
}
