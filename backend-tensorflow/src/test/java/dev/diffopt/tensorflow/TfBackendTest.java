package dev.diffopt.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.diffopt.Backends;
import dev.diffopt.spi.Backend;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What is particular to the TensorFlow backend: discovery, options, logging and staging. */
@DisplayName("tensorflow backend: discovery, options, native logging and staging")
class TfBackendTest {
  private static final Backend BACKEND = Backends.get(TfBackendProvider.NAME);
  private final TensorOps ops = BACKEND.ops();
  private Scope scope;

  @BeforeEach
  void open() {
    scope = Scope.open();
  }

  @AfterEach
  void close() {
    scope.close();
  }

  private Tensor vector(double... values) {
    return ops.fromDoubles(values, Shape.of(values.length), DType.FLOAT64);
  }

  /** libc's getenv: what the native library sees, not Java's copy of the environment. */
  private interface LibC extends Library {
    String getenv(String name);
  }

  @Test
  @DisplayName("TF-SPI-01 found by name through ServiceLoader, with its capabilities")
  void discovery() {
    assertEquals("tensorflow", BACKEND.name());
    assertTrue(BACKEND.has(dev.diffopt.spi.Capability.HIGHER_ORDER));
    assertTrue(BACKEND.has(dev.diffopt.spi.Capability.FLOAT64));
    assertTrue(BACKEND.toString().contains("TensorFlow 2.18"), BACKEND.toString());
  }

  @Test
  @DisplayName("TF-SPI-02 bad options are refused with the offending value")
  void badOptions() {
    TfBackendProvider provider = new TfBackendProvider();
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> provider.create(Map.of("thread", "2")));
    assertTrue(unknown.getMessage().contains("[thread]"), unknown.getMessage());
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> provider.create(Map.of("threads", "0")));
    assertTrue(zero.getMessage().contains("got 0"), zero.getMessage());
    IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
        () -> provider.create(Map.of("threads", "two")));
    assertTrue(text.getMessage().contains("'two'"), text.getMessage());
  }

  @Test
  @DisplayName("TF-LOG-01 TF_CPP_MIN_LOG_LEVEL is set in the process environment before loading")
  void nativeLoggingQuiet() {
    String level = Native.load("c", LibC.class).getenv(NativeLogging.VARIABLE);
    String preset = System.getenv(NativeLogging.VARIABLE);
    assertEquals(preset != null ? preset : NativeLogging.DEFAULT_LEVEL, level);
  }

  @Test
  @DisplayName("TF-STAGE-01 one graph per input signature: reused for equal shapes, new for others")
  void graphPerSignature() {
    Function<Tensor, Tensor> fn = t -> ops.mul(ops.tanh(t), t);
    StagedFunction<Tensor, Tensor> staged = (StagedFunction<Tensor, Tensor>) BACKEND.stage(fn);
    assertSame(staged, BACKEND.stage(fn), "staging a function again returns its staged function");
    staged.apply(vector(1, 2));
    staged.apply(vector(3, 4));
    assertEquals(1, staged.graphCount());
    assertTrue(staged.lastBuildNanos() > 0 && staged.lastFirstRunNanos() > 0);
    Tensor three = vector(0.5, -1, 2);
    double[] got = staged.apply(three).toDoubleArray();
    assertEquals(2, staged.graphCount(), "a new shape traces a new graph");
    assertArrayEquals(fn.apply(three).toDoubleArray(), got, 0);
    staged.apply(ops.cast(three, DType.FLOAT32));
    assertEquals(3, staged.graphCount(), "a new dtype traces a new graph");
  }

  @Test
  @DisplayName("TF-STAGE-02 a symbolic tensor kept past its function is refused with a message")
  void symbolicTensorsDoNotEscape() {
    Tensor[] leaked = new Tensor[1];
    BACKEND.stage((Tensor t) -> {
      leaked[0] = ops.exp(t);
      return leaked[0];
    }).apply(vector(1));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> ops.add(leaked[0], vector(1)));
    assertTrue(e.getMessage().contains("closed") || e.getMessage().contains("staged function"),
        e.getMessage());
  }

  @Test
  @DisplayName("TF-STAGE-03 reading values or assigning inside a staged function is refused")
  void noHostEffectsWhileTracing() {
    Tensor target = vector(0, 0);
    IllegalStateException read = assertThrows(IllegalStateException.class,
        () -> BACKEND.stage((Tensor t) -> vector(ops.toDoubleArray(ops.exp(t)))).apply(vector(1)));
    assertTrue(read.getMessage().contains("traced"), read.getMessage());
    IllegalStateException write = assertThrows(IllegalStateException.class,
        () -> BACKEND.stage((Tensor t) -> {
          ops.assign(target, t);
          return t;
        }).apply(vector(1, 2)));
    assertTrue(write.getMessage().contains("assign"), write.getMessage());
  }

  @Test
  @DisplayName("TF-STAGE-04 a closed tensor read from a closure gives an error naming the fix")
  void closedCapture() {
    Tensor captured = ops.fromDoubles(new double[] {2}, Shape.scalar(), DType.FLOAT64);
    Function<Tensor, Tensor> staged = BACKEND.stage((Tensor t) -> ops.mul(t, captured));
    staged.apply(vector(1));
    captured.close();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> staged.apply(vector(1)));
    assertTrue(e.getMessage().contains("pass it as an argument"), e.getMessage());
  }

  @Test
  @DisplayName("TF-STAGE-05 a staged function called inside another one is inlined into its graph")
  void nestedStaging() {
    Function<Tensor, Tensor> inner = BACKEND.stage((Tensor t) -> ops.sin(t));
    StagedFunction<Tensor, Tensor> outer =
        (StagedFunction<Tensor, Tensor>) BACKEND.stage((Tensor t) -> ops.mul(inner.apply(t), t));
    Tensor x = vector(0.3, 1.1);
    double[] got = outer.apply(x).toDoubleArray();
    assertArrayEquals(new double[] {Math.sin(0.3) * 0.3, Math.sin(1.1) * 1.1}, got, 1e-15);
    assertEquals(0, ((StagedFunction<?, ?>) inner).graphCount(), "inlined, not traced alone");
  }

  @Test
  @DisplayName("TF-EAGER-01 eager ops reuse one kernel per op and signature, whatever the values")
  void eagerKernelsDoNotGrowWithValues() {
    TfBackend tf = (TfBackend) BACKEND;
    Tensor x = vector(1, 2, 3);
    ops.add(ops.full(Shape.of(3), 0.5, DType.FLOAT64), x);
    int before = tf.eagerKernelCount();
    for (int i = 0; i < 100; i++) {
      try (Scope s = Scope.open()) {
        Tensor y = ops.add(ops.full(Shape.of(3), i * 0.25, DType.FLOAT64), x);
        assertArrayEquals(new double[] {1 + i * 0.25, 2 + i * 0.25, 3 + i * 0.25},
            y.toDoubleArray(), 0);
      }
    }
    assertEquals(before, tf.eagerKernelCount());
  }

  @Test
  @DisplayName("TF-GRAD-01 outside a stage a gradient stages itself and returns host tensors")
  void transparentGradient() {
    Tensor x = vector(0.2, -0.4);
    List<Tensor> g = BACKEND.autodiff().grad((List<Tensor> p) -> ops.sum(ops.tanh(p.get(0))),
        List.of(x));
    TfTensor t = (TfTensor) g.get(0);
    assertTrue(!t.isSymbolic(), "an eager result");
    double[] expected = {1 - Math.pow(Math.tanh(0.2), 2), 1 - Math.pow(Math.tanh(-0.4), 2)};
    assertArrayEquals(expected, t.toDoubleArray(), 1e-15);
  }

  @Test
  @DisplayName("TF-GRAD-02 a parameter reached only through stopGradient gets zeros, not an error")
  void gradientOnlyThroughStopGradient() {
    Tensor x = vector(1, 2);
    List<Tensor> g = BACKEND.autodiff().grad((List<Tensor> p) -> {
      Tensor s = BACKEND.autodiff().stopGradient(p.get(0));
      return ops.sum(ops.mul(s, s));
    }, List.of(x));
    assertArrayEquals(new double[] {0, 0}, g.get(0).toDoubleArray(), 0);
  }
}
