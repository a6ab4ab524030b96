package dev.diffopt.optim.fused;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.diffopt.optim.AdaBelief;
import dev.diffopt.optim.Adadelta;
import dev.diffopt.optim.Adagrad;
import dev.diffopt.optim.Adam;
import dev.diffopt.optim.Adamax;
import dev.diffopt.optim.Adan;
import dev.diffopt.optim.Lamb;
import dev.diffopt.optim.Lion;
import dev.diffopt.optim.NAdam;
import dev.diffopt.optim.RAdam;
import dev.diffopt.optim.RmsProp;
import dev.diffopt.optim.Sgd;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.transform.Chain;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.ScaleByAdadelta;
import dev.diffopt.transform.ScaleByAdam;
import dev.diffopt.transform.ScaleByAdamax;
import dev.diffopt.transform.ScaleByAdan;
import dev.diffopt.transform.ScaleByBelief;
import dev.diffopt.transform.ScaleByLearningRate;
import dev.diffopt.transform.ScaleByLion;
import dev.diffopt.transform.ScaleByNadam;
import dev.diffopt.transform.ScaleByRAdam;
import dev.diffopt.transform.ScaleByRms;
import dev.diffopt.transform.ScaleByRss;
import dev.diffopt.transform.ScaleByStddev;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each rule's slots, in kernel order, its core counter and NAdam's μ product (no backend). */
class FusedSlotsTest {
  private final Tensor count = counter("count");
  private final Tensor product = counter("product");

  private static Tensor counter(String name) {
    return new StubTensor(name, DType.INT64, false);
  }

  private static FusedPlan plan(GradientTransformation t) {
    return FusedPlan.recognize(t).orElseThrow(() -> new AssertionError(FusedPlan.whyNot(t)));
  }

  private static void assertSlots(GradientTransformation t, Object state, List<Object> slots,
      Tensor expectedCounter) {
    FusedPlan plan = plan(t);
    // the core's state among the others of a chain, as init makes it
    Object chained =
        new Chain.State(List.of(state, new ScaleByLearningRate.State(counter("lr"))));
    assertEquals(slots, FusedSlots.slotTrees(plan, chained), plan.rule().toString());
    assertSame(expectedCounter, FusedSlots.coreCounter(plan, chained), plan.rule().toString());
  }

  @Test
  void adamFamily() {
    assertSlots(Adam.of(Adam.Options.builder().lr(0.1).amsgrad(true).build()),
        new ScaleByAdam.State("m", "v", "vmax", count), List.of("m", "v", "vmax"), count);
    assertSlots(Adam.of(0.1), new ScaleByAdam.State("m", "v", null, count), List.of("m", "v"),
        count);
    assertSlots(Lamb.of(0.1), new ScaleByAdam.State("m", "v", null, count), List.of("m", "v"),
        count);
    assertSlots(Adamax.of(0.1), new ScaleByAdamax.State("m", "w", count), List.of("m", "w"),
        count);
    assertSlots(RAdam.of(0.1), new ScaleByRAdam.State("m", "v", count), List.of("m", "v"),
        count);
    assertSlots(AdaBelief.of(0.1), new ScaleByBelief.State("m", "s", count), List.of("m", "s"),
        count);
    assertSlots(Adan.of(0.1), new ScaleByAdan.State("m", "d", "n", "g", count),
        List.of("m", "d", "n", "g"), count);
  }

  @Test
  void nadamProduct() {
    Object state = new ScaleByNadam.State("m", "v", product, count);
    assertSlots(NAdam.of(0.1), state, List.of("m", "v"), count);
    assertSame(product, FusedSlots.muProduct(plan(NAdam.of(0.1)), state));
    assertNull(FusedSlots.muProduct(plan(Adam.of(0.1)), new ScaleByAdam.State("m", "v", null,
        count)));
  }

  @Test
  void withoutCounter() {
    assertSlots(Sgd.of(0.1), new ScaleByLearningRate.State(counter("lr")), List.of(), null);
    assertSlots(RmsProp.of(0.1), new ScaleByRms.State("v"), List.of("v"), null);
    assertSlots(RmsProp.of(RmsProp.Options.builder().lr(0.1).centered(true).build()),
        new ScaleByStddev.State("m", "v"), List.of("m", "v"), null);
    assertSlots(Adagrad.of(0.1), new ScaleByRss.State("S"), List.of("S"), null);
    assertSlots(Adadelta.of(0.1), new ScaleByAdadelta.State("v", "a"), List.of("v", "a"), null);
    assertSlots(Lion.of(0.1), new ScaleByLion.State("m"), List.of("m"), null);
  }

  @Test
  void missingCoreState() {
    FusedPlan adam = plan(Adam.of(0.1));
    Object state = new ScaleByLearningRate.State(count);
    assertThrows(IllegalArgumentException.class, () -> FusedSlots.slotTrees(adam, state));
    assertThrows(IllegalArgumentException.class, () -> FusedSlots.coreCounter(adam, state));
  }
}
