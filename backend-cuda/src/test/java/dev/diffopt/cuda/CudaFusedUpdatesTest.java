package dev.diffopt.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.optim.Adam;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.transform.Chain;
import dev.diffopt.transform.ClipByGlobalNorm;
import dev.diffopt.transform.GradientTransformation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What {@link CudaFusedUpdates#prepare} declines, and why, decided on the host alone: the tensors
 * here are handles without device memory (never read, written or closed), so no GPU is needed.
 */
@DisplayName("fused updates: which parameters and chains are fused, and why not (no GPU needed)")
class CudaFusedUpdatesTest {
  private static final GradientTransformation ADAM = Adam.of(0.01);

  private final CudaTensorOps ops = new CudaTensorOps(null);
  private final CudaFusedUpdates fused = new CudaFusedUpdates(ops);

  private static Tensor tensor(CudaTensorOps ops, DType dtype, long... dims) {
    return new CudaTensor(ops, new DevicePointer(), Shape.of(dims), dtype);
  }

  @Test
  @DisplayName("WHYNOT-01 distinct float32 tensors of this backend under a recognized chain fuse")
  void fusable() {
    List<Tensor> params = List.of(tensor(ops, DType.FLOAT32, 2, 3), tensor(ops, DType.FLOAT32, 0),
        tensor(ops, DType.FLOAT32));
    assertNull(fused.whyNot(ADAM, params));
    assertNull(fused.whyNot(ADAM, Map.of("w", params.get(0))));
  }

  @Test
  @DisplayName("WHYNOT-02 each refusal names the parameter and the reason; prepare is then empty")
  void refusals() {
    Tensor a = tensor(ops, DType.FLOAT32, 4);
    Tensor d = tensor(ops, DType.FLOAT64, 4);
    Tensor foreign = tensor(new CudaTensorOps(null), DType.FLOAT32, 4);
    assertReason("there are no parameters", ADAM, List.of());
    assertReason("every parameter is empty", ADAM,
        List.of(tensor(ops, DType.FLOAT32, 0), tensor(ops, DType.FLOAT32, 3, 0)));
    assertReason("parameter 1 appears twice", ADAM, List.of(a, a));
    assertReason("parameter 1 is float64 but parameter 0 is float32", ADAM, List.of(a, d));
    assertReason("parameter 0 is int32", ADAM, List.of(tensor(ops, DType.INT32, 2)));
    assertReason("parameter 1 (CudaTensor(FLOAT32(4,)))", ADAM, List.of(a, foreign));
    assertReason("is not a tensor of this cuda backend", ADAM, List.of(a, foreign));
    GradientTransformation clipped = Chain.of(ClipByGlobalNorm.of(1.0), Adam.of(0.01));
    String why = fused.whyNot(clipped, List.of(a));
    assertEquals(dev.diffopt.optim.fused.FusedPlan.whyNot(clipped), why);
    assertTrue(fused.prepare(clipped, List.of(a)).isEmpty());
    assertTrue(fused.prepare(ADAM, List.of(a, d)).isEmpty());
    assertThrows(NullPointerException.class, () -> fused.whyNot(null, List.of(a)));
    assertThrows(NullPointerException.class, () -> fused.whyNot(ADAM, null));
  }

  @Test
  @DisplayName("WHYNOT-03 float64 fuses too, but never mixed with float32")
  void float64() {
    Tensor a = tensor(ops, DType.FLOAT32, 4);
    Tensor d = tensor(ops, DType.FLOAT64, 4);
    Tensor e = tensor(ops, DType.FLOAT64, 2, 2);
    assertNull(fused.whyNot(ADAM, List.of(d, e)));
    assertReason("parameter 1 is float32 but parameter 0 is float64; a fused step takes "
        + "one dtype", ADAM, List.of(d, a));
    assertTrue(fused.toString().contains("float64"), fused.toString());
  }

  private void assertReason(String expected, GradientTransformation t, Object params) {
    String why = fused.whyNot(t, params);
    assertTrue(why != null && why.contains(expected), "expected '" + expected + "' in: " + why);
  }
}
