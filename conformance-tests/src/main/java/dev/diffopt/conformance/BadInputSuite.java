package dev.diffopt.conformance;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.Backends;
import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.spi.Backend;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input gives a clear exception of the documented type whose message names the operation and
 * the offending values (shapes, dtypes, axes, the path in a tree) — never a JVM crash, never a
 * silent wrong number — and the backend keeps working afterwards: every case ends with a small
 * operation that must succeed. Message fragments are matched case-insensitively.
 *
 * <p>Ids are {@code ERR-NN}.
 */
public abstract class BadInputSuite extends BackendSuite {

  private TensorOps ops() {
    return backend().ops();
  }

  private Tensor f32(Shape shape) {
    double[] d = new double[Math.toIntExact(shape.size())];
    for (int i = 0; i < d.length; i++) {
      d[i] = 0.5 + i;
    }
    return ops().fromDoubles(d, shape, DType.FLOAT32);
  }

  /**
   * {@code body} throws {@code type} (or a subclass) whose message contains every fragment;
   * returns the exception.
   */
  private static <T extends Throwable> T expect(
      Class<T> type, Executable body, String... fragments) {
    T e = assertThrows(type, body);
    String message = e.getMessage();
    assertNotNull(message, () -> type.getSimpleName() + " without a message: " + e);
    String lower = message.toLowerCase(Locale.ROOT);
    for (String f : fragments) {
      assertTrue(lower.contains(f.toLowerCase(Locale.ROOT)),
          () -> "the message should contain '" + f + "' but is: " + message);
    }
    return e;
  }

  /** After an error the backend still computes: 1 + 0.5 and 2 + 0.5 in a fresh scope. */
  @AfterEach
  @SuppressWarnings("try") // the scope is used only for its close()
  void backendStillWorks() {
    try (Scope scope = backend().scope()) {
      Tensor a = ops().fromDoubles(new double[] {1, 2}, Shape.of(2), DType.FLOAT32);
      Tensor b = ops().full(Shape.of(2), 0.5, DType.FLOAT32);
      assertArrayEquals(new double[] {1.5, 2.5}, ops().toDoubleArray(ops().add(a, b)), 0.0,
          "the backend must keep working after a rejected call");
    }
  }

  // ---------------------------------------------------------------- shapes and dtypes

  @Test
  @DisplayName("ERR-01 add of (2, 3) and (4,) names both shapes")
  void addShapeMismatch() {
    Tensor a = f32(Shape.of(2, 3));
    Tensor b = f32(Shape.of(4));
    expect(IllegalArgumentException.class, () -> ops().add(a, b), "add", "(2, 3)", "(4,)");
  }

  @Test
  @DisplayName("ERR-02 mul of float32 and float64 names both dtypes")
  void mulDtypeMismatch() {
    require(Capability.FLOAT64);
    Tensor a = f32(Shape.of(3));
    Tensor b = ops().fromDoubles(new double[] {1, 2, 3}, Shape.of(3), DType.FLOAT64);
    expect(IllegalArgumentException.class, () -> ops().mul(a, b), "mul", "FLOAT32", "FLOAT64");
  }

  @Test
  @DisplayName("ERR-03 sub of float32 and int64 names both dtypes (no implicit promotion)")
  void subDtypeMismatchInt() {
    Tensor a = f32(Shape.of(3));
    Tensor b = ops().fromDoubles(new double[] {1, 2, 3}, Shape.of(3), DType.INT64);
    expect(IllegalArgumentException.class, () -> ops().sub(a, b), "sub", "FLOAT32", "INT64");
  }

  @Test
  @DisplayName("ERR-04 matmul (2, 3) @ (4, 5) names both shapes")
  void matmulInnerMismatch() {
    Tensor a = f32(Shape.of(2, 3));
    Tensor b = f32(Shape.of(4, 5));
    expect(IllegalArgumentException.class, () -> ops().matmul(a, b), "matmul", "(2, 3)",
        "(4, 5)");
    Tensor v = f32(Shape.of(4));
    expect(IllegalArgumentException.class, () -> ops().matmul(a, v), "matmul", "(2, 3)", "(4,)");
  }

  @Test
  @DisplayName("ERR-05 matmul of a 3-d operand is rejected with its shape")
  void matmulRank3() {
    Tensor a = f32(Shape.of(2, 2, 2));
    Tensor b = f32(Shape.of(2, 2));
    expect(IllegalArgumentException.class, () -> ops().matmul(a, b), "matmul", "(2, 2, 2)");
  }

  @Test
  @DisplayName("ERR-06 reshape (2, 3) to (4,) names both shapes")
  void reshapeSize() {
    Tensor a = f32(Shape.of(2, 3));
    expect(IllegalArgumentException.class, () -> ops().reshape(a, Shape.of(4)), "reshape",
        "(2, 3)", "(4,)");
  }

  @Test
  @DisplayName("ERR-07 transpose by [0, 0], [1, 0, 2] and [0, 2] is not a permutation of 2 axes")
  void transposeBadPermutation() {
    Tensor a = f32(Shape.of(2, 3));
    expect(IllegalArgumentException.class, () -> ops().transpose(a, 0, 0), "transpose",
        "[0, 0]", "(2, 3)");
    expect(IllegalArgumentException.class, () -> ops().transpose(a, 1, 0, 2), "transpose",
        "[1, 0, 2]");
    expect(IllegalArgumentException.class, () -> ops().transpose(a, 0, 2), "transpose",
        "[0, 2]");
  }

  @Test
  @DisplayName("ERR-08 sum over axis 2 or -3 of (2, 3) names the axis and the shape")
  void sumAxisOutOfRange() {
    Tensor a = f32(Shape.of(2, 3));
    expect(IllegalArgumentException.class, () -> ops().sum(a, new int[] {2}, false), "sum",
        "2", "(2, 3)");
    expect(IllegalArgumentException.class, () -> ops().sum(a, new int[] {-3}, true), "sum",
        "-3", "(2, 3)");
  }

  @Test
  @DisplayName("ERR-09 max over the repeated axes [1, -1] is rejected")
  void maxRepeatedAxis() {
    Tensor a = f32(Shape.of(2, 3));
    expect(IllegalArgumentException.class, () -> ops().max(a, new int[] {1, -1}, false), "max",
        "[1, -1]");
  }

  @Test
  @DisplayName("ERR-10 where with a float32 condition names the dtype")
  void whereNonBoolCondition() {
    Tensor c = f32(Shape.of(3));
    Tensor a = f32(Shape.of(3));
    expect(IllegalArgumentException.class, () -> ops().where(c, a, a), "where", "BOOL",
        "FLOAT32");
  }

  @Test
  @DisplayName("ERR-11 where whose operands do not broadcast names the shapes")
  void whereShapes() {
    Tensor c = ops().fromDoubles(new double[] {1, 0, 1, 0, 1, 0}, Shape.of(2, 3), DType.BOOL);
    Tensor a = f32(Shape.of(4));
    Tensor b = f32(Shape.scalar());
    expect(IllegalArgumentException.class, () -> ops().where(c, a, b), "where", "(4,)");
  }

  @Test
  @DisplayName("ERR-12 broadcastTo (2, 3) to (3,) and (3,) to (2, 4) name both shapes")
  void broadcastToIncompatible() {
    Tensor a = f32(Shape.of(2, 3));
    expect(IllegalArgumentException.class, () -> ops().broadcastTo(a, Shape.of(3)),
        "broadcastTo", "(2, 3)", "(3,)");
    Tensor v = f32(Shape.of(3));
    expect(IllegalArgumentException.class, () -> ops().broadcastTo(v, Shape.of(2, 4)),
        "broadcastTo", "(3,)", "(2, 4)");
  }

  // ---------------------------------------------------------------- creation

  @Test
  @DisplayName("ERR-13 fromDoubles with 5 values for shape (2, 3) names both counts and the shape")
  void fromDoublesWrongLength() {
    expect(IllegalArgumentException.class,
        () -> ops().fromDoubles(new double[5], Shape.of(2, 3), DType.FLOAT32), "5", "(2, 3)", "6");
  }

  @Test
  @DisplayName("ERR-14 full with NaN is rejected")
  void fullNaN() {
    expect(IllegalArgumentException.class,
        () -> ops().full(Shape.of(2), Double.NaN, DType.FLOAT32), "NaN");
  }

  @Test
  @DisplayName("ERR-15 randomUniform with low >= high names the interval")
  void randomUniformEmptyInterval() {
    expect(IllegalArgumentException.class,
        () -> ops().randomUniform(Shape.of(2), DType.FLOAT32, 2, 1, 0), "2.0", "1.0");
  }

  @Test
  @DisplayName("ERR-16 a negative dimension in Shape.of is rejected with the value")
  void negativeDimension() {
    expect(IllegalArgumentException.class, () -> Shape.of(2, -1), "-1");
  }

  @Test
  @DisplayName("ERR-17 item() of a (2, 3) tensor names the shape")
  void itemOfMany() {
    Tensor a = f32(Shape.of(2, 3));
    expect(IllegalArgumentException.class, () -> ops().item(a), "(2, 3)");
    expect(IllegalArgumentException.class, a::item, "(2, 3)");
  }

  @Test
  @DisplayName("ERR-18 sqrt of int64 and exp of bool need a floating-point tensor")
  void nonFloatingUnary() {
    Tensor i = ops().fromDoubles(new double[] {1, 4}, Shape.of(2), DType.INT64);
    expect(IllegalArgumentException.class, () -> ops().sqrt(i), "sqrt", "INT64");
    Tensor b = ops().fromDoubles(new double[] {1, 0}, Shape.of(2), DType.BOOL);
    expect(IllegalArgumentException.class, () -> ops().exp(b), "exp", "BOOL");
  }

  // ---------------------------------------------------------------- lifetime and ownership

  @Test
  @DisplayName("ERR-19 every kind of op on a closed tensor throws IllegalStateException saying closed")
  void closedTensor() {
    Tensor live = f32(Shape.of(2, 2));
    Tensor t = f32(Shape.of(2, 2));
    t.close();
    assertTrue(t.isClosed(), "isClosed() after close()");
    assertDoesNotThrow(t::close, "close() is idempotent");
    Tensor cond = ops().fromDoubles(new double[] {1, 0, 1, 0}, Shape.of(2, 2), DType.BOOL);
    Map<String, Executable> calls = new java.util.LinkedHashMap<>();
    calls.put("add", () -> ops().add(live, t));
    calls.put("exp", () -> ops().exp(t));
    calls.put("sum", () -> ops().sum(t, new int[] {0}, false));
    calls.put("max", () -> ops().max(t, new int[0], false));
    calls.put("reshape", () -> ops().reshape(t, Shape.of(4)));
    calls.put("transpose", () -> ops().transpose(t, 1, 0));
    calls.put("broadcastTo", () -> ops().broadcastTo(t, Shape.of(3, 2, 2)));
    calls.put("matmul", () -> ops().matmul(live, t));
    calls.put("cast", () -> ops().cast(t, DType.INT64));
    calls.put("where", () -> ops().where(cond, t, live));
    calls.put("toDoubleArray", () -> ops().toDoubleArray(t));
    calls.put("toFloatArray", () -> ops().toFloatArray(t));
    List<Executable> checks = new ArrayList<>();
    for (Map.Entry<String, Executable> call : calls.entrySet()) {
      checks.add(() -> expect(IllegalStateException.class, call.getValue(), "closed"));
    }
    assertAll("a closed tensor passed to each op", checks.stream());
  }

  @Test
  @DisplayName("ERR-20 a tensor used after its scope closed throws IllegalStateException saying closed")
  @SuppressWarnings("try") // the scope is used only for its close()
  void tensorAfterScope() {
    Tensor escaped;
    try (Scope inner = backend().scope()) {
      escaped = f32(Shape.of(3));
    }
    assertTrue(escaped.isClosed(), "the scope closed the tensor it owned");
    Tensor t = escaped;
    expect(IllegalStateException.class, () -> ops().exp(t), "closed");
    expect(IllegalStateException.class, () -> ops().toDoubleArray(t), "closed");
  }

  @Test
  @DisplayName("ERR-21 a Tensor implemented outside the backend is rejected naming the op")
  void foreignTensorImplementation() {
    Tensor mine = f32(Shape.of(2));
    Tensor alien = new AlienTensor(ops());
    expect(IllegalArgumentException.class, () -> ops().add(mine, alien), "add");
    expect(IllegalArgumentException.class, () -> ops().exp(alien), "exp");
  }

  @Test
  @DisplayName("ERR-22 a tensor of another instance of the same backend is rejected naming the op")
  void tensorOfAnotherBackendInstance() {
    Backend other;
    try {
      other = Backends.create(backend().name(), Map.of());
    } catch (RuntimeException e) {
      Assumptions.abort("skipped: cannot create a second '" + backend().name()
          + "' backend through Backends.create: " + e);
      return;
    }
    try {
      Assumptions.assumeTrue(other != backend(), "skipped: Backends.create returned the same instance");
      Tensor foreign = other.ops().fromDoubles(new double[] {1, 2}, Shape.of(2), DType.FLOAT32);
      Tensor mine = f32(Shape.of(2));
      expect(IllegalArgumentException.class, () -> ops().add(mine, foreign), "add");
      expect(IllegalArgumentException.class, () -> ops().exp(foreign), "exp");
    } finally {
      other.close();
    }
  }

  @Test
  @DisplayName("ERR-23 Backends.get of an unknown name lists the installed backend")
  void unknownBackend() {
    Assumptions.assumeTrue(
        Backends.providers().stream().anyMatch(p -> p.name().equals(backend().name())),
        () -> "skipped: backend '" + backend().name() + "' is not registered as a provider");
    expect(IllegalArgumentException.class, () -> Backends.get("no-such-backend"),
        "no-such-backend", backend().name());
  }

  // ---------------------------------------------------------------- autodiff misuse

  private Autodiff autodiff() {
    require(Capability.AUTODIFF);
    return backend().autodiff();
  }

  @Test
  @DisplayName("ERR-24 valueAndGrad of a function returning a (2, 3) tensor names the shape")
  void nonScalarLoss() {
    Autodiff ad = autodiff();
    Tensor p = f32(Shape.of(2, 3));
    Function<Tensor, Tensor> notALoss = x -> ops().mul(x, x);
    expect(IllegalArgumentException.class, () -> ad.valueAndGrad(notALoss, p, false), "(2, 3)");
  }

  @Test
  @DisplayName("ERR-25 valueAndGrad over a tree with a String leaf names the path [1]")
  void nonTensorLeaf() {
    Autodiff ad = autodiff();
    List<Object> params = List.of(f32(Shape.of(2)), "not a tensor");
    Function<List<Object>, Tensor> fn = ps -> ops().sum((Tensor) ps.get(0));
    expect(IllegalArgumentException.class, () -> ad.valueAndGrad(fn, params, false), "[1]");
  }

  @Test
  @DisplayName("ERR-26 valueAndGrad with an int64 parameter says it must be floating-point")
  void intParameter() {
    Autodiff ad = autodiff();
    Tensor p = ops().fromDoubles(new double[] {1, 2}, Shape.of(2), DType.INT64);
    Function<Tensor, Tensor> fn = x -> ops().sum(ops().cast(x, DType.FLOAT32));
    expect(IllegalArgumentException.class, () -> ad.valueAndGrad(fn, p, false), "floating",
        "INT64");
  }

  @Test
  @DisplayName("ERR-27 vjp with a cotangent of the wrong shape names both shapes")
  void vjpCotangentShape() {
    Autodiff ad = autodiff();
    Tensor p = f32(Shape.of(2, 3));
    Tensor cotangent = f32(Shape.of(3, 2));
    Function<Tensor, Tensor> fn = x -> ops().mul(x, x);
    expect(IllegalArgumentException.class, () -> ad.vjp(fn, p, cotangent, false), "(2, 3)",
        "(3, 2)");
  }

  @Test
  @DisplayName("ERR-28 vjp with cotangents of another tree structure names the differing path")
  void vjpCotangentStructure() {
    Autodiff ad = autodiff();
    List<Tensor> p = List.of(f32(Shape.of(2)), f32(Shape.of(2)));
    Function<List<Tensor>, Map<String, Tensor>> fn =
        x -> Map.of("a", ops().mul(x.get(0), x.get(1)), "b", x.get(0));
    Map<String, Tensor> cotangents = Map.of("a", f32(Shape.of(2)), "c", f32(Shape.of(2)));
    expect(dev.diffopt.tree.TreeMismatchException.class,
        () -> ad.vjp(fn, p, cotangents, false), "cotangents", "{a=*, b=*}", "{a=*, c=*}");
  }

  @Test
  @DisplayName("ERR-29 hvp with a direction of another structure than the params names both")
  void hvpDirectionStructure() {
    Autodiff ad = autodiff();
    List<Tensor> p = List.of(f32(Shape.of(2)), f32(Shape.of(2)));
    List<Tensor> v = List.of(f32(Shape.of(2)));
    Function<List<Tensor>, Tensor> fn = x -> ops().sum(ops().mul(x.get(0), x.get(1)));
    expect(dev.diffopt.tree.TreeMismatchException.class, () -> ad.hvp(fn, p, v, false), "hvp",
        "[*, *]", "[*]");
  }

  @Test
  @DisplayName("ERR-30 assign to a tensor of another shape or dtype names both")
  void assignMismatch() {
    Tensor target = f32(Shape.of(2, 3));
    expect(IllegalArgumentException.class, () -> ops().assign(target, f32(Shape.of(3, 2))),
        "assign", "(2, 3)", "(3, 2)");
    Tensor ints = ops().zeros(Shape.of(2, 3), DType.INT64);
    expect(IllegalArgumentException.class, () -> ops().assign(target, ints), "assign", "FLOAT32",
        "INT64");
  }

  /** A tensor no backend created: shape (2,), float32, never closed. */
  private static final class AlienTensor implements Tensor {
    private final TensorOps ops;

    AlienTensor(TensorOps ops) {
      this.ops = ops;
    }

    @Override
    public Shape shape() {
      return Shape.of(2);
    }

    @Override
    public DType dtype() {
      return DType.FLOAT32;
    }

    @Override
    public TensorOps ops() {
      return ops;
    }

    @Override
    public boolean isClosed() {
      return false;
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
      return "AlienTensor float32(2,)";
    }
  }
}
