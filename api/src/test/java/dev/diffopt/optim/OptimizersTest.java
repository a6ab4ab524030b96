package dev.diffopt.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.transform.Chain;
import dev.diffopt.transform.ClipByGlobalNorm;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Identity;
import dev.diffopt.transform.ScaleByAdam;
import dev.diffopt.transform.ScaleByLearningRate;
import dev.diffopt.transform.Transforms;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptimizersTest {
  @Test
  void oneLinersAreTheOptimizersOwnChains() {
    assertEquals(Sgd.of(0.1), Optimizers.sgd(0.1));
    assertEquals(Adam.of(1e-3), Optimizers.adam(1e-3));
    assertEquals(AdamW.of(1e-3), Optimizers.adamw(1e-3));
    assertEquals(Adagrad.of(1e-2), Optimizers.adagrad(1e-2));
    assertEquals(RmsProp.of(1e-2), Optimizers.rmsprop(1e-2));
    assertEquals(Adadelta.of(1.0), Optimizers.adadelta(1.0));
    assertEquals(Adamax.of(2e-3), Optimizers.adamax(2e-3));
    assertEquals(RAdam.of(1e-3), Optimizers.radam(1e-3));
    assertEquals(NAdam.of(2e-3), Optimizers.nadam(2e-3));
    assertEquals(Lion.of(1e-4), Optimizers.lion(1e-4));
    assertEquals(Lamb.of(1e-3), Optimizers.lamb(1e-3));
    assertEquals(AdaBelief.of(1e-3), Optimizers.adabelief(1e-3));
    assertEquals(Adan.of(1e-3), Optimizers.adan(1e-3));
  }

  @Test
  void adamIsItsChainOfBuildingBlocks() {
    GradientTransformation expected = new Chain(List.of(
        new ScaleByAdam(0.9, 0.999, 1e-8, 0, false), ScaleByLearningRate.constant(1e-3)));
    assertEquals(expected, Optimizers.adam(1e-3));
  }

  @Test
  void chainFlattensNestedChainsAndDropsIdentities() {
    GradientTransformation inner = Transforms.chain(
        Transforms.clipByGlobalNorm(1.0), Transforms.identity(), Transforms.scaleByLearningRate(0.1));
    GradientTransformation outer = Transforms.chain(Transforms.identity(), inner,
        Transforms.scale(2.0));
    assertInstanceOf(Chain.class, outer);
    assertEquals(3, ((Chain) outer).parts().size(), "nested chain spliced in, identities dropped");
    assertEquals(ClipByGlobalNorm.of(1.0), ((Chain) outer).parts().get(0));
    assertEquals(Transforms.chain(Transforms.scale(2.0)), Transforms.scale(2.0),
        "a chain of one part is that part");
    assertInstanceOf(Identity.class, Transforms.chain());
  }

  @Test
  void badOptionsNameTheValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Optimizers.adam(-1));
    assertTrue(e.getMessage().contains("lr") && e.getMessage().contains("-1"), e.getMessage());
    IllegalArgumentException b1 = assertThrows(IllegalArgumentException.class,
        () -> Adam.Options.builder().b1(1.5).build());
    assertEquals("b1 must be in [0, 1), got 1.5", b1.getMessage());
  }
}
