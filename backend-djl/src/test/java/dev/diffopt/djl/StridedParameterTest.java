package dev.diffopt.djl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.Backends;
import dev.diffopt.djl.fused.DjlFusedUpdates;
import dev.diffopt.optim.Adam;
import dev.diffopt.optim.Optimizer;
import dev.diffopt.spi.Backend;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A transposed DJL tensor is a strided view of libtorch storage: the Vector API kernels read
 * storage in order, so such a parameter must not be fused (the kit checks the numbers; this checks
 * the decision and its reason).
 */
@DisplayName("djl: a strided (transposed) parameter is not fused")
class StridedParameterTest {
  @Test
  @DisplayName("DJL-FUSED-STRIDED-01 Optimizer.of declines, saying the parameter is not contiguous")
  void transposedIsNotFused() {
    Backend djl = Backends.get(DjlBackendProvider.NAME);
    Assumptions.assumeTrue(djl.has(Capability.FUSED_UPDATES),
        "skipped: fused kernels are off (run with --add-modules jdk.incubator.vector)");
    try (Scope scope = Scope.open()) {
      Tensor t = djl.ops().transpose(djl.ops().fromDoubles(new double[] {1, 2, 3, 4, 5, 6},
          Shape.of(3, 2), DType.FLOAT32), 1, 0);
      List<Tensor> params = List.of(t);
      DjlFusedUpdates fused = (DjlFusedUpdates) djl.fusedUpdates().orElseThrow();
      String why = fused.whyNot(Adam.of(0.02), params);
      assertTrue(why != null && why.contains("not contiguous"), String.valueOf(why));
      try (Optimizer o = Optimizer.of(djl, Adam.of(0.02), params)) {
        assertFalse(o.isFused());
      }
    }
  }
}
