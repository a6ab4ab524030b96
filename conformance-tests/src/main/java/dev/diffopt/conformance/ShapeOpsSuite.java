package dev.diffopt.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.diffopt.conformance.reference.RefTensor;
import dev.diffopt.conformance.reference.Reference;
import dev.diffopt.conformance.reference.Samples;
import dev.diffopt.conformance.reference.Tolerance;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Shape and linear-algebra primitives ({@code reshape}, {@code transpose}, {@code broadcastTo},
 * {@code matmul}, {@code cast}) against the float64 reference.
 */
public abstract class ShapeOpsSuite extends OpsSuite {
  // ================================================================ shape and linear algebra

  @TestFactory
  @DisplayName("OPS-RESHAPE reshape keeps row-major order")
  Stream<DynamicTest> reshape() {
    Shape[][] cases = {
      {Shape.of(2, 3, 4), Shape.of(4, 6)},
      {Shape.of(2, 3, 4), Shape.of(24)},
      {Shape.of(6), Shape.of(1, 6, 1)},
      {Shape.of(1), Shape.scalar()},
      {Shape.scalar(), Shape.of(1, 1)},
    };
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (Shape[] c : cases) {
      for (DType dtype : FLOATS) {
        String id = id("RESHAPE", ++n);
        tests.add(test(id, "reshape " + c[0] + " to " + c[1] + " in " + name(dtype), dtype,
            ops -> {
              RefTensor x = Samples.uniform(c[0], dtype, -2, 2, seed(id, 1));
              Tensor tx = put(x);
              assertMatches(Reference.reshape(x, c[1]), ops.reshape(tx, c[1]));
              assertUnchanged(x, tx);
            }));
      }
    }
    for (DType dtype : FLOATS) {
      String id = id("RESHAPE", ++n);
      tests.add(test(id, "reshape of a transposed (3, 4) to (12,) follows the transposed order in "
          + name(dtype), dtype, ops -> {
            RefTensor x = Samples.uniform(Shape.of(3, 4), dtype, -2, 2, seed(id, 1));
            RefTensor expected = Reference.reshape(Reference.transpose(x, 1, 0), Shape.of(12));
            assertMatches(expected, ops.reshape(ops.transpose(put(x), 1, 0), Shape.of(12)));
          }));
    }
    String id = id("RESHAPE", ++n);
    tests.add(test(id, "reshape (2, 3) to (3, 2) in int64", DType.INT64, ops -> {
      RefTensor x = Samples.integers(Shape.of(2, 3), DType.INT64, -9, 9, seed(id, 1));
      assertMatches(Reference.reshape(x, Shape.of(3, 2)), ops.reshape(put(x), Shape.of(3, 2)));
    }));
    return tests.stream();
  }

  @TestFactory
  @DisplayName("OPS-TRANSPOSE transpose of rank 0 to 3; results feed other ops in logical order")
  Stream<DynamicTest> transpose() {
    Object[][] cases = {
      {Shape.of(3, 4), new int[] {1, 0}},
      {Shape.of(2, 3, 4), new int[] {0, 1, 2}},
      {Shape.of(2, 3, 4), new int[] {2, 0, 1}},
      {Shape.of(2, 3, 4), new int[] {1, 0, 2}},
      {Shape.of(2, 3, 4), new int[] {2, 1, 0}},
      {Shape.of(2, 3, 4), new int[] {0, 2, 1}},
      {Shape.of(5), new int[] {0}},
      {Shape.scalar(), new int[0]},
    };
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (Object[] c : cases) {
      Shape shape = (Shape) c[0];
      int[] perm = (int[]) c[1];
      for (DType dtype : FLOATS) {
        String id = id("TRANSPOSE", ++n);
        String title = "transpose " + shape + " by " + Arrays.toString(perm) + " in " + name(dtype);
        tests.add(test(id, title, dtype, ops -> {
          RefTensor x = Samples.uniform(shape, dtype, -2, 2, seed(id, 1));
          Tensor tx = put(x);
          assertMatches(Reference.transpose(x, perm), ops.transpose(tx, perm.clone()));
          assertUnchanged(x, tx);
        }));
      }
    }
    for (DType dtype : FLOATS) {
      String id = id("TRANSPOSE", ++n);
      tests.add(test(id, "add(transpose (2, 3, 4) by [2, 0, 1], (4, 2, 3)) in " + name(dtype),
          dtype, ops -> {
            RefTensor x = Samples.uniform(Shape.of(2, 3, 4), dtype, -2, 2, seed(id, 1));
            RefTensor y = Samples.uniform(Shape.of(4, 2, 3), dtype, -2, 2, seed(id, 2));
            RefTensor expected = Reference.add(Reference.transpose(x, 2, 0, 1), y);
            assertMatches(expected, ops.add(ops.transpose(put(x), 2, 0, 1), put(y)));
          }));
    }
    String id = id("TRANSPOSE", ++n);
    tests.add(test(id, "transpose (2, 3) int64", DType.INT64, ops -> {
      RefTensor x = Samples.integers(Shape.of(2, 3), DType.INT64, -9, 9, seed(id, 1));
      assertMatches(Reference.transpose(x, 1, 0), ops.transpose(put(x), 1, 0));
    }));
    return tests.stream();
  }

  @TestFactory
  @DisplayName("OPS-BROADCASTTO broadcastTo repeats along broadcast dimensions")
  Stream<DynamicTest> broadcastTo() {
    Shape[][] cases = {
      {Shape.of(3), Shape.of(2, 3)},
      {Shape.of(2, 1), Shape.of(2, 3)},
      {Shape.scalar(), Shape.of(2, 3)},
      {Shape.of(1, 3, 1), Shape.of(2, 3, 4)},
      {Shape.of(2, 3), Shape.of(2, 3)},
      {Shape.of(3), Shape.of(4, 2, 3)},
    };
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (Shape[] c : cases) {
      for (DType dtype : FLOATS) {
        String id = id("BROADCASTTO", ++n);
        tests.add(test(id, "broadcastTo " + c[0] + " to " + c[1] + " in " + name(dtype), dtype,
            ops -> {
              RefTensor x = Samples.uniform(c[0], dtype, -2, 2, seed(id, 1));
              Tensor tx = put(x);
              assertMatches(Reference.broadcastTo(x, c[1]), ops.broadcastTo(tx, c[1]));
              assertUnchanged(x, tx);
            }));
      }
    }
    String id = id("BROADCASTTO", ++n);
    tests.add(test(id, "broadcastTo (2, 1) to (2, 3) in bool", DType.BOOL, ops -> {
      RefTensor x = RefTensor.of(new double[] {1, 0}, Shape.of(2, 1), DType.BOOL);
      assertMatches(Reference.broadcastTo(x, Shape.of(2, 3)),
          ops.broadcastTo(put(x), Shape.of(2, 3)));
    }));
    return tests.stream();
  }

  @TestFactory
  @DisplayName("OPS-MATMUL matmul of 1-d and 2-d operands")
  Stream<DynamicTest> matmul() {
    Shape[][] cases = {
      {Shape.of(3, 4), Shape.of(4, 5)},
      {Shape.of(4), Shape.of(4, 5)},
      {Shape.of(3, 4), Shape.of(4)},
      {Shape.of(4), Shape.of(4)},
      {Shape.of(1, 1), Shape.of(1, 1)},
      {Shape.of(5, 1), Shape.of(1, 5)},
      {Shape.of(1, 7), Shape.of(7, 1)},
    };
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (Shape[] c : cases) {
      for (DType dtype : FLOATS) {
        String id = id("MATMUL", ++n);
        tests.add(test(id, "matmul " + c[0] + " @ " + c[1] + " in " + name(dtype), dtype, ops -> {
          Gen gen = dtype == DType.FLOAT32 ? uniform(0.5, 1.5) : uniform(-2, 2);
          RefTensor a = gen.make(c[0], dtype, seed(id, 1));
          RefTensor b = gen.make(c[1], dtype, seed(id, 2));
          Tensor ta = put(a);
          Tensor tb = put(b);
          assertMatches(Reference.matmul(a, b), ops.matmul(ta, tb));
          assertUnchanged(a, ta);
          assertUnchanged(b, tb);
        }));
      }
    }
    for (DType dtype : FLOATS) {
      String id = id("MATMUL", ++n);
      tests.add(test(id, "matmul of a transposed (4, 3) with (4, 5) in " + name(dtype), dtype,
          ops -> {
            Gen gen = dtype == DType.FLOAT32 ? uniform(0.5, 1.5) : uniform(-2, 2);
            RefTensor a = gen.make(Shape.of(4, 3), dtype, seed(id, 1));
            RefTensor b = gen.make(Shape.of(4, 5), dtype, seed(id, 2));
            RefTensor expected = Reference.matmul(Reference.transpose(a, 1, 0), b);
            assertMatches(expected, ops.matmul(ops.transpose(put(a), 1, 0), put(b)));
          }));
    }
    return tests.stream();
  }

  @TestFactory
  @DisplayName("OPS-CAST cast between every pair of dtypes (exact)")
  Stream<DynamicTest> cast() {
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (DType from : DType.values()) {
      for (DType to : DType.values()) {
        String id = id("CAST", ++n);
        tests.add(test(id, "cast " + name(from) + " to " + name(to), List.of(from, to), ops -> {
          RefTensor x = castSource(from);
          Tensor tx = put(x);
          assertEquals(from, tx.dtype(), "source dtype");
          assertMatches(Reference.cast(x, to), ops.cast(tx, to), Tolerance.EXACT);
          assertUnchanged(x, tx);
        }));
      }
    }
    return tests.stream();
  }

  /**
   * Source values for casts: fractions of both signs (truncation toward zero), 0, values that
   * float32 rounds (0.1, and the round-half-even ties 1 + 2^-24 and 1 + 3 * 2^-24), integers.
   */
  private static RefTensor castSource(DType from) {
    double[] values = from.isFloating()
        ? new double[] {-3.75, -2.5, -1, -0.5, 0, 0.1, 0.5, 0.9999, 1, 2.7, 123.456,
            1 + 0x1p-24, 1 + 3 * 0x1p-24, -7, 1e-3, 65504.5}
        : from == DType.BOOL
            ? new double[] {0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1}
            : new double[] {-3, -1, 0, 1, 2, 7, 100, -100, 5, 0, 1, 1, -2, 3, 42, 65504};
    return RefTensor.of(values, Shape.of(4, 4), from);
  }
}
