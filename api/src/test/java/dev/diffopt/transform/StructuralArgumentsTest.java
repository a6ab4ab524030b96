package dev.diffopt.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.schedule.Schedules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Argument validation, value semantics and tensor-free behaviour (trees without leaves) of the
 * structural transformations; no backend needed.
 */
class StructuralArgumentsTest {

  private static IllegalArgumentException bad(Executable call, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "message should contain '" + f + "': " + e.getMessage());
    }
    return e;
  }

  @Test
  void scaleBySchedule() {
    assertThrows(NullPointerException.class, () -> new ScaleBySchedule(null));
    assertEquals(new ScaleBySchedule(Schedules.linear(1, 0, 3)),
        new ScaleBySchedule(Schedules.linear(1, 0, 3)));
    ScaleBySchedule s = new ScaleBySchedule(Schedules.constant(2));
    Object state = s.init(List.of());
    assertNull(((ScaleBySchedule.State) state).count(), "no leaves, no counter");
    assertEquals(List.of(), s.update(List.of(), state).updates());
  }

  @Test
  void clipByGlobalNorm() {
    bad(() -> ClipByGlobalNorm.of(0), "maxNorm", "0.0");
    bad(() -> ClipByGlobalNorm.of(-1), "maxNorm", "-1.0");
    bad(() -> ClipByGlobalNorm.optax(Double.POSITIVE_INFINITY), "maxNorm", "Infinity");
    bad(() -> new ClipByGlobalNorm(1, Double.NaN), "eps", "NaN");
    bad(() -> new ClipByGlobalNorm(1, -1), "eps", "-1.0");
    assertEquals(new ClipByGlobalNorm(2, 1e-6), ClipByGlobalNorm.of(2));
    assertEquals(new ClipByGlobalNorm(2, 0), ClipByGlobalNorm.optax(2));
    assertNotEquals(ClipByGlobalNorm.of(2), ClipByGlobalNorm.optax(2));
    List<Object> empty = List.of();
    assertSame(empty, ClipByGlobalNorm.of(1).update(empty, new ClipByGlobalNorm.State()).updates());
  }

  @Test
  void clipByValue() {
    bad(() -> new ClipByValue(1, 0), "min 1.0", "max 0.0");
    bad(() -> new ClipByValue(Double.NaN, 0), "NaN");
    bad(() -> new ClipByValue(0, Double.NaN), "NaN");
    bad(() -> ClipByValue.symmetric(-0.5), "delta", "-0.5");
    bad(() -> ClipByValue.symmetric(Double.NaN), "delta", "NaN");
    assertEquals(new ClipByValue(-2, 2), ClipByValue.symmetric(2));
    new ClipByValue(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    new ClipByValue(1, 1);
  }

  @Test
  void nanToNum() {
    bad(() -> NanToNum.of(Double.NaN, 1, -1), "nan", "NaN");
    bad(() -> NanToNum.of(0, Double.NaN, -1), "posInf", "NaN");
    bad(() -> NanToNum.of(0, 1, Double.NaN), "negInf", "NaN");
    assertEquals(new NanToNum(0, null, null), NanToNum.defaults());
    assertEquals(
        new NanToNum(0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY), NanToNum.zeroNans());
  }

  @Test
  void masked() {
    assertThrows(NullPointerException.class, () -> Masked.of(null, true));
    assertThrows(NullPointerException.class, () -> Masked.of(new Identity(), null));
    assertThrows(NullPointerException.class, () -> Masked.where(new Identity(), null));
    assertThrows(NullPointerException.class, () -> Masked.by(new Identity(), null));
    bad(() -> Masked.of(new Identity(), Map.of("w", "yes")), "Boolean", "String", "'w'");
    bad(() -> Masked.of(new Identity(), List.of(true, 1)), "Boolean", "Integer", "[1]");
    assertEquals(Masked.of(new Scale(2), Map.of("w", true, "b", false)),
        Masked.of(new Scale(2), Map.of("b", false, "w", true)));
    // a tree without leaves: the inner state is built for an empty tree
    Masked m = Masked.of(new ScaleBySchedule(Schedules.constant(1)), Map.of());
    Object state = m.init(Map.of());
    assertTrue(((Masked.State) state).inner() instanceof ScaleBySchedule.State);
    assertEquals(Map.of(), m.update(Map.of(), state).updates());
    bad(() -> Masked.of(new Identity(), Map.of("x", true)).init(Map.of("y", List.of())),
        "prefix");
  }

  @Test
  void partition() {
    assertThrows(NullPointerException.class, () -> Partition.of(null, "a"));
    assertThrows(NullPointerException.class, () -> Partition.of(Map.of("a", new Identity()), null));
    assertThrows(NullPointerException.class, () -> Partition.by(Map.of("a", new Identity()), null));
    bad(() -> Partition.of(Map.of(), "a"), "empty");
    bad(() -> Partition.of(Map.of("a", new Identity()), "b"), "b at <root>", "[a]");
    bad(() -> Partition.of(Map.of("a", new Identity()), Map.of("w", 3)), "String", "Integer");
    Map<String, GradientTransformation> withNull = new HashMap<>();
    withNull.put("a", null);
    assertThrows(NullPointerException.class, () -> Partition.of(withNull, "a"));
    Partition p = Partition.of(new HashMap<>(Map.of("z", new Identity(), "a", new Scale(2))), "a");
    assertEquals(List.of("a", "z"), new ArrayList<>(p.transforms().keySet()), "sorted by label");
    assertThrows(UnsupportedOperationException.class, () -> p.transforms().put("b", new Identity()));
    assertEquals(p, Partition.of(Map.of("a", new Scale(2), "z", new Identity()), "a"));
    Object state = p.init(List.of());
    assertEquals(List.of("a", "z"), new ArrayList<>(((Partition.State) state).innerStates().keySet()));
    assertEquals(List.of(), p.update(List.of(), state).updates());
    bad(() -> p.update(List.of(), new Partition.State(Map.of("a", new Scale.State()))), "[a, z]", "[a]");
  }

  @Test
  void multiSteps() {
    assertThrows(NullPointerException.class, () -> new MultiSteps(null, 2));
    bad(() -> new MultiSteps(new Identity(), 0), "everyK", "0");
    bad(() -> new MultiSteps(new Identity(), -3), "everyK", "-3");
    assertEquals(new MultiSteps(new Scale(2), 4), new MultiSteps(new Scale(2), 4));
    // a tree without leaves: no counters, the inner transformation is applied directly
    MultiSteps m = new MultiSteps(new ScaleBySchedule(Schedules.constant(1)), 3);
    MultiSteps.State s = (MultiSteps.State) m.init(List.of());
    assertNull(s.miniStep());
    assertNull(MultiSteps.emitted(s));
    Step<List<Object>> step = m.update(List.of(), s);
    assertEquals(List.of(), step.updates());
    assertTrue(((MultiSteps.State) step.state()).inner() instanceof ScaleBySchedule.State);
  }

  @Test
  void injectHyperparams() {
    assertThrows(NullPointerException.class, () -> InjectHyperparams.of(null, Map.of("lr", 0.1)));
    assertThrows(NullPointerException.class, () -> InjectHyperparams.of(h -> new Identity(), null));
    assertThrows(NullPointerException.class, () -> InjectHyperparams.learningRate(null, 0.1));
    bad(() -> InjectHyperparams.learningRate(new Identity(), "0.1"), "learningRate", "String");
    bad(() -> InjectHyperparams.learningRate(new Identity(), Double.POSITIVE_INFINITY),
        "learningRate", "Infinity");
    bad(() -> InjectHyperparams.learningRate(new Identity(), null), "learningRate", "null");
    bad(() -> InjectHyperparams.learningRateAndWeightDecay(new Identity(), 0.1, Float.NaN),
        "weightDecay", "NaN");
    assertEquals(InjectHyperparams.learningRate(new Identity(), 0.1),
        InjectHyperparams.learningRate(new Identity(), 0.1));
    assertEquals(InjectHyperparams.learningRate(new Scale(2), Schedules.linear(1, 0, 3)),
        InjectHyperparams.learningRate(new Scale(2), Schedules.linear(1, 0, 3)));
    assertNotEquals(InjectHyperparams.learningRate(new Identity(), 0.1),
        InjectHyperparams.learningRateAndWeightDecay(new Identity(), 0.1, 0.0));
    assertEquals(1.0, InjectHyperparams.learningRate(new Identity(), 1).initial().get("learningRate"),
        "numbers are kept as doubles");
    bad(() -> InjectHyperparams.learningRate(new Identity(), 0.1).init(List.of()),
        "learningRate", "floating tensor leaf");
    bad(() -> InjectHyperparams.learningRate(new Identity(), 0.1).update(List.of(), new Identity.State()),
        "InjectHyperparams", "init()");
  }
}
