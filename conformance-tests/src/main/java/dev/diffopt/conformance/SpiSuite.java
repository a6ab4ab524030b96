package dev.diffopt.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.Backends;
import dev.diffopt.spi.BackendProvider;
import dev.diffopt.spi.Capability;
import dev.diffopt.spi.UnsupportedCapabilityException;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Discovery through {@link java.util.ServiceLoader} and the {@code Backend} contract. */
public abstract class SpiSuite extends BackendSuite {

  private Optional<BackendProvider> provider() {
    return Backends.providers().stream()
        .filter(p -> p.name().equals(backend().name()))
        .findFirst();
  }

  @Test
  @DisplayName("SPI-01 the backend has a lower-case name and reports its capabilities")
  void nameAndCapabilities() {
    String name = backend().name();
    assertNotNull(name);
    assertFalse(name.isBlank(), "name must not be blank");
    assertEquals(name.toLowerCase(Locale.ROOT), name, "names are lower case");
    assertNotNull(backend().capabilities());
    for (Capability c : Capability.values()) {
      assertEquals(backend().capabilities().contains(c), backend().has(c), "has(" + c + ")");
    }
  }

  @Test
  @DisplayName("SPI-02 the provider is discovered by ServiceLoader and reports itself available")
  void discovered() {
    BackendProvider p =
        provider()
            .orElseThrow(
                () -> new AssertionError(
                    "no provider named '" + backend().name() + "' among "
                        + Backends.registry().describeInstalled()));
    assertTrue(p.availability().available(), "availability: " + p.availability().reason());
    assertTrue(p.artifact().contains(":"), "artifact is groupId:artifactId, got " + p.artifact());
  }

  @Test
  @DisplayName("SPI-03 Backends.get(name) is case-insensitive and returns one shared instance")
  void lookupByName() {
    var first = Backends.get(backend().name());
    var second = Backends.get(backend().name().toUpperCase(Locale.ROOT));
    assertSame(first, second);
    assertEquals(backend().name(), first.name());
  }

  @Test
  @DisplayName("SPI-04 autodiff() matches the AUTODIFF capability")
  void autodiffCapability() {
    if (backend().has(Capability.AUTODIFF)) {
      assertSame(backend().ops(), backend().autodiff().ops(), "autodiff uses the backend's ops");
    } else {
      UnsupportedCapabilityException e =
          assertThrows(UnsupportedCapabilityException.class, () -> backend().autodiff());
      assertEquals(Capability.AUTODIFF, e.capability());
      assertTrue(e.getMessage().contains(backend().name()), e.getMessage());
    }
  }

  @Test
  @DisplayName("SPI-05 a scope closes what it created and keep() hands tensors to the parent")
  void scopes() {
    TensorOps ops = backend().ops();
    Tensor kept;
    Tensor dropped;
    try (Scope outer = backend().scope()) {
      try (Scope inner = backend().scope()) {
        kept = ops.ones(Shape.of(3), DType.FLOAT32);
        dropped = ops.zeros(Shape.of(3), DType.FLOAT32);
        assertSame(inner, Scope.current());
        inner.keep(kept);
      }
      assertTrue(dropped.isClosed(), "tensor of the closed scope is closed");
      assertFalse(kept.isClosed(), "kept tensor survives its scope");
      assertArrayEquals(new double[] {1, 1, 1}, ops.toDoubleArray(kept));
    }
    assertTrue(kept.isClosed(), "kept tensor is closed with the enclosing scope");
  }

  @Test
  @DisplayName("SPI-06 a tensor created outside any scope stays open until closed by hand")
  void ownedByCaller() throws Exception {
    Tensor[] holder = new Tensor[1];
    Thread t = new Thread(() -> holder[0] = backend().ops().full(Shape.of(2), 4.0, DType.FLOAT32));
    t.start();
    t.join();
    assertFalse(holder[0].isClosed());
    assertArrayEquals(new double[] {4, 4}, backend().ops().toDoubleArray(holder[0]));
    holder[0].close();
    holder[0].close();
    assertTrue(holder[0].isClosed(), "close is idempotent");
  }

  @Test
  @DisplayName("SPI-07 stage(fn) computes what fn computes")
  void stage() {
    TensorOps ops = backend().ops();
    Function<Tensor, Tensor> fn = x -> ops.mul(ops.add(x, 1.0), 2.0);
    Function<Tensor, Tensor> staged = backend().stage(fn);
    for (double v : new double[] {0.5, -3.0}) {
      Tensor x = ops.full(Shape.of(2, 2), v, DType.FLOAT32);
      assertArrayEquals(ops.toDoubleArray(fn.apply(x)), ops.toDoubleArray(staged.apply(x)));
    }
  }

  @Test
  @DisplayName("SPI-08 FLOAT64 capability: float64 values round-trip bit for bit")
  void float64RoundTrip() {
    require(Capability.FLOAT64);
    double[] values = {0.1, Math.PI, -1e-300, 1e300, Math.nextUp(1.0)};
    Tensor t = backend().ops().fromDoubles(values, Shape.of(5), DType.FLOAT64);
    assertEquals(DType.FLOAT64, t.dtype());
    assertArrayEquals(values, backend().ops().toDoubleArray(t), 0.0);
  }

  @Test
  @DisplayName("SPI-09 every tensor reports the backend's ops, its shape and its dtype")
  void tensorMetadata() {
    Tensor t = backend().ops().zeros(Shape.of(2, 3, 4), DType.FLOAT32);
    assertSame(backend().ops(), t.ops());
    assertEquals(Shape.of(2, 3, 4), t.shape());
    assertEquals(24, t.size());
    assertEquals(DType.FLOAT32, t.dtype());
  }
}
