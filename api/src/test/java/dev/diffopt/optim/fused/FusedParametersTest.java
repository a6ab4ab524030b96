package dev.diffopt.optim.fused;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.diffopt.optim.Adam;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.transform.Chain;
import dev.diffopt.transform.ClipByGlobalNorm;
import dev.diffopt.transform.GradientTransformation;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The shared parameter checks, in order, with a backend's own checks passed in (no backend). */
class FusedParametersTest {
  private static final GradientTransformation ADAM = Adam.of(0.01);

  private static final Predicate<Tensor> MINE = p -> p instanceof StubTensor t
      && t.name.equals("mine");
  private static final FusedParameters.Check FLOAT32 = (params, i) ->
      params.get(i).dtype() == DType.FLOAT32 ? null : "parameter " + i + " is not float32";

  private static String whyNot(Object params) {
    return FusedParameters.whyNot(ADAM, params, "test", MINE, FLOAT32,
        all -> all.size() > 3 ? "more than 3" : null);
  }

  private final Tensor a = new StubTensor("mine", DType.FLOAT32, false);
  private final Tensor b = new StubTensor("mine", DType.FLOAT32, false);

  @Test
  void fusable() {
    assertNull(whyNot(List.of(a, b)));
    assertNull(FusedParameters.whyNot(ADAM, List.of(a), "test", MINE, FLOAT32));
  }

  @Test
  void reasonsInOrder() {
    GradientTransformation clipped = Chain.of(ClipByGlobalNorm.of(1.0), ADAM);
    assertEquals(FusedPlan.whyNot(clipped),
        FusedParameters.whyNot(clipped, List.of(a), "test", MINE, FLOAT32));
    assertEquals("there are no parameters", whyNot(List.of()));
    assertEquals("parameter 1 (theirs) is not a tensor of this test backend",
        whyNot(List.of(a, new StubTensor("theirs", DType.FLOAT64, true))));
    assertEquals("parameter 1 is closed",
        whyNot(List.of(a, new StubTensor("mine", DType.FLOAT64, true))));
    assertEquals("parameter 1 is not float32",
        whyNot(List.of(a, new StubTensor("mine", DType.FLOAT64, false), a)));
    assertEquals("parameter 2 appears twice", whyNot(List.of(a, b, a)));
    Tensor c = new StubTensor("mine", DType.FLOAT32, false);
    Tensor d = new StubTensor("mine", DType.FLOAT32, false);
    assertEquals("more than 3", whyNot(List.of(a, b, c, d)));
  }

  @Test
  void nullArguments() {
    NullPointerException e = assertThrows(NullPointerException.class, () -> whyNot(null));
    assertEquals("transformation and params must not be null", e.getMessage());
    assertThrows(NullPointerException.class,
        () -> FusedParameters.whyNot(null, List.of(a), "test", MINE, FLOAT32));
  }
}
