package dev.diffopt.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.diffopt.Backends;
import dev.diffopt.spi.Backend;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What is specific to the DJL backend, beyond the conformance kit. */
class DjlBackendProviderTest {
  private final DjlBackendProvider provider = new DjlBackendProvider();

  @Test
  void isTheDefaultBackendAndKeepsDjlOffline() {
    assertEquals("djl", Backends.get().name());
    assertTrue(provider.availability().available(), provider.availability().reason());
    assertEquals("true", System.getProperty("ai.djl.offline"));
    assertEquals("dev.diffopt:diffopt-backend-djl", provider.artifact());
  }

  @Test
  void rejectsUnknownOptionsNamingTheKnownOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> provider.create(Map.of("thread", "2")));
    assertEquals("unknown djl backend option(s) [thread]; known: [threads]", e.getMessage());
  }

  @Test
  void rejectsBadThreadCounts() {
    IllegalArgumentException zero =
        assertThrows(IllegalArgumentException.class, () -> provider.create(Map.of("threads", "0")));
    assertEquals("djl option threads must be >= 1, got 0", zero.getMessage());
    IllegalArgumentException text =
        assertThrows(
            IllegalArgumentException.class, () -> provider.create(Map.of("threads", "two")));
    assertEquals("djl option threads must be an integer, got 'two'", text.getMessage());
  }

  @Test
  void sharesArraysWithDjlWithoutCopies() {
    DjlBackend backend = (DjlBackend) Backends.get("djl");
    try (Scope scope = backend.scope()) {
      DjlTensor t =
          (DjlTensor) backend.ops().fromDoubles(new double[] {1, 2, 3}, Shape.of(3), DType.FLOAT64);
      NDArray array = t.ndArray();
      Tensor doubled = backend.wrap(array.mul(2));
      assertArrayEquals(new double[] {2, 4, 6}, doubled.toDoubleArray());
      assertSame(array, t.ndArray());
    }
  }

  @Test
  void aTensorOfAnotherDjlBackendInstanceIsRejected() {
    Backend other = Backends.create("djl", Map.of());
    try (Scope scope = other.scope()) {
      Tensor foreign = other.ops().ones(Shape.of(2), DType.FLOAT32);
      Tensor local = Backends.get("djl").ops().ones(Shape.of(2), DType.FLOAT32);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> local.add(foreign));
      assertTrue(e.getMessage().contains("does not belong to this djl backend"), e.getMessage());
    }
    other.close();
  }
}
