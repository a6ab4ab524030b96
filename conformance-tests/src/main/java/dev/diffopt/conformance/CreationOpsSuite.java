package dev.diffopt.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.conformance.reference.RefTensor;
import dev.diffopt.conformance.reference.Reference;
import dev.diffopt.conformance.reference.Samples;
import dev.diffopt.conformance.reference.Tolerance;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Creation and host copies ({@code fromDoubles}, {@code full} and friends, {@code toDoubleArray},
 * {@code item}) and seeded random creation (reproducibility and moments).
 */
public abstract class CreationOpsSuite extends OpsSuite {
  // ================================================================ creation and host copies

  @TestFactory
  @DisplayName("OPS-FROMDOUBLES fromDoubles converts like cast and round-trips through toDoubleArray")
  Stream<DynamicTest> fromDoubles() {
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    double[] data = {-2.7, -0.5, 0, 0.1, 1, 2.5};
    for (DType dtype : DType.values()) {
      String id = id("FROMDOUBLES", ++n);
      tests.add(test(id, "fromDoubles (2, 3) as " + name(dtype), dtype, ops -> {
        Tensor t = ops.fromDoubles(data.clone(), Shape.of(2, 3), dtype);
        assertMatches(RefTensor.of(data, Shape.of(2, 3), dtype), t, Tolerance.EXACT);
      }));
    }
    Shape[] odd = {Shape.scalar(), Shape.of(0), Shape.of(2, 0, 3)};
    for (Shape shape : odd) {
      String id = id("FROMDOUBLES", ++n);
      tests.add(test(id, "fromDoubles " + shape + " as float32", DType.FLOAT32, ops -> {
        RefTensor x = Samples.uniform(shape, DType.FLOAT32, -1, 1, seed(id, 1));
        assertMatches(x, ops.fromDoubles(x.data(), shape, DType.FLOAT32), Tolerance.EXACT);
      }));
    }
    String id = id("FROMDOUBLES", ++n);
    tests.add(test(id, "fromDoubles copies: changing the array afterwards changes nothing",
        DType.FLOAT32, ops -> {
          double[] d = {1, 2, 3};
          Tensor t = ops.fromDoubles(d, Shape.of(3), DType.FLOAT32);
          d[0] = 99;
          assertArrayEquals(new double[] {1, 2, 3}, ops.toDoubleArray(t), 0.0);
        }));
    return tests.stream();
  }

  @TestFactory
  @DisplayName("OPS-FULL full, zeros, ones, scalar, zerosLike, onesLike in every dtype")
  Stream<DynamicTest> full() {
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (DType dtype : DType.values()) {
      double value = dtype.isFloating() ? -2.5 : dtype == DType.BOOL ? 1 : -7;
      for (Shape shape : new Shape[] {Shape.of(2, 3), Shape.scalar()}) {
        String id = id("FULL", ++n);
        tests.add(test(id, "full " + shape + " with " + value + " in " + name(dtype), dtype,
            ops -> assertMatches(constant(shape, value, dtype), ops.full(shape, value, dtype))));
      }
    }
    for (DType dtype : FLOATS) {
      for (double inf : new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
        String id = id("FULL", ++n);
        tests.add(test(id, "full (2,) with " + inf + " in " + name(dtype), dtype,
            ops -> assertMatches(constant(Shape.of(2), inf, dtype),
                ops.full(Shape.of(2), inf, dtype))));
      }
    }
    for (DType dtype : DType.values()) {
      Shape shape = Shape.of(3, 2);
      tests.add(test(id("ZEROS", dtype.ordinal() + 1), "zeros (3, 2) in " + name(dtype), dtype,
          ops -> assertMatches(constant(shape, 0, dtype), ops.zeros(shape, dtype))));
      tests.add(test(id("ONES", dtype.ordinal() + 1), "ones (3, 2) in " + name(dtype), dtype,
          ops -> assertMatches(constant(shape, 1, dtype), ops.ones(shape, dtype))));
      double v = dtype.isFloating() ? 0.375 : 1;
      tests.add(test(id("SCALAR", dtype.ordinal() + 1), "scalar " + v + " in " + name(dtype),
          dtype, ops -> assertMatches(constant(Shape.scalar(), v, dtype), ops.scalar(v, dtype))));
      tests.add(test(id("ZEROSLIKE", dtype.ordinal() + 1), "zerosLike (3, 2) " + name(dtype),
          dtype, ops -> {
            Tensor like = ops.full(shape, 1, dtype);
            assertMatches(constant(shape, 0, dtype), ops.zerosLike(like));
          }));
      tests.add(test(id("ONESLIKE", dtype.ordinal() + 1), "onesLike (3, 2) " + name(dtype),
          dtype, ops -> {
            Tensor like = ops.full(shape, 0, dtype);
            assertMatches(constant(shape, 1, dtype), ops.onesLike(like));
          }));
    }
    return tests.stream();
  }

  private static RefTensor constant(Shape shape, double value, DType dtype) {
    double[] d = new double[Math.toIntExact(shape.size())];
    Arrays.fill(d, value);
    return RefTensor.of(d, shape, dtype);
  }

  @TestFactory
  @DisplayName("OPS-HOST fromFloats, toFloatArray and item")
  Stream<DynamicTest> hostCopies() {
    List<DynamicTest> tests = new ArrayList<>();
    tests.add(test("OPS-FROMFLOATS-01", "fromFloats (2, 2) is float32 with exactly those values",
        DType.FLOAT32, ops -> {
          float[] f = {1.5f, -0.1f, 3.4028235e38f, 1.4e-45f};
          Tensor t = ops.fromFloats(f, Shape.of(2, 2));
          RefTensor expected = RefTensor.of(new double[] {f[0], f[1], f[2], f[3]}, Shape.of(2, 2),
              DType.FLOAT32);
          assertMatches(expected, t, Tolerance.EXACT);
        }));
    tests.add(test("OPS-TOFLOATARRAY-01", "toFloatArray of float32 is exact", DType.FLOAT32,
        ops -> {
          float[] f = {1.5f, -0.1f, 7e-3f};
          assertArrayEquals(f, ops.toFloatArray(ops.fromFloats(f, Shape.of(3))), 0f);
        }));
    tests.add(test("OPS-TOFLOATARRAY-02", "toFloatArray of float64 rounds like (float)",
        DType.FLOAT64, ops -> {
          double[] d = {0.1, 1 + 0x1p-24, -1e-50, 1.0 / 3};
          float[] expected = {(float) d[0], (float) d[1], (float) d[2], (float) d[3]};
          assertArrayEquals(expected,
              ops.toFloatArray(ops.fromDoubles(d, Shape.of(4), DType.FLOAT64)), 0f);
        }));
    tests.add(test("OPS-TOFLOATARRAY-03", "toFloatArray of int64 and bool", DType.INT64, ops -> {
      assertArrayEquals(new float[] {-3, 0, 42},
          ops.toFloatArray(ops.fromDoubles(new double[] {-3, 0, 42}, Shape.of(3), DType.INT64)),
          0f);
      assertArrayEquals(new float[] {1, 0},
          ops.toFloatArray(ops.fromDoubles(new double[] {1, 0}, Shape.of(2), DType.BOOL)), 0f);
    }));
    Object[][] items = {
      {Shape.scalar(), DType.FLOAT64, 0.1},
      {Shape.scalar(), DType.FLOAT32, 0.1},
      {Shape.of(1), DType.FLOAT32, -2.5},
      {Shape.of(1, 1, 1), DType.FLOAT64, 1e300},
      {Shape.scalar(), DType.INT64, -12345.0},
      {Shape.of(1), DType.BOOL, 1.0},
      {Shape.scalar(), DType.INT32, 7.0},
    };
    int n = 0;
    for (Object[] c : items) {
      Shape shape = (Shape) c[0];
      DType dtype = (DType) c[1];
      double v = (Double) c[2];
      tests.add(test(id("ITEM", ++n), "item of " + shape + " " + name(dtype), dtype, ops -> {
        Tensor t = ops.fromDoubles(new double[] {v}, shape, dtype);
        assertEquals(RefTensor.convert(v, dtype), ops.item(t), 0.0);
        assertEquals(RefTensor.convert(v, dtype), t.item(), 0.0);
      }));
    }
    return tests.stream();
  }

  @TestFactory
  @DisplayName("OPS-RESULT results are new tensors: closing one leaves the input usable")
  Stream<DynamicTest> resultsAreIndependent() {
    Object[][] cases = {
      {"reshape", (Op1) (ops, x) -> ops.reshape(x, Shape.of(6))},
      {"transpose", (Op1) (ops, x) -> ops.transpose(x, 1, 0)},
      {"broadcastTo to the same shape", (Op1) (ops, x) -> ops.broadcastTo(x, Shape.of(2, 3))},
      {"cast to the same dtype", (Op1) (ops, x) -> ops.cast(x, DType.FLOAT32)},
      {"sum over all axes with keepDims", (Op1) (ops, x) -> ops.sum(x, new int[0], true)},
    };
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (Object[] c : cases) {
      Op1 op = (Op1) c[1];
      String id = id("RESULT", ++n);
      tests.add(test(id, (String) c[0] + ": closing the result keeps the input open",
          DType.FLOAT32, ops -> {
            RefTensor x = Samples.uniform(Shape.of(2, 3), DType.FLOAT32, -1, 1, seed(id, 1));
            Tensor tx = put(x);
            Tensor result = op.apply(ops, tx);
            assertTrue(result != tx, "the result must be a new tensor, not the input");
            result.close();
            assertTrue(result.isClosed(), "the result reports closed");
            assertFalse(tx.isClosed(), "closing the result closed the input");
            assertUnchanged(x, tx);
          }));
    }
    return tests.stream();
  }

  @TestFactory
  @DisplayName("OPS-ASSIGN assign overwrites the target in place, bit for bit")
  Stream<DynamicTest> assign() {
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (DType dtype : List.of(DType.FLOAT64, DType.FLOAT32, DType.INT64, DType.BOOL)) {
      String id = id("ASSIGN", ++n);
      tests.add(test(id, "assign a (2, 3) " + name(dtype) + " tensor, incl. a transposed source",
          dtype, ops -> {
            RefTensor a = Samples.uniform(Shape.of(2, 3), dtype, -5, 5, seed(id, 1));
            RefTensor b = Samples.uniform(Shape.of(3, 2), dtype, -5, 5, seed(id, 2));
            Tensor target = put(a);
            Tensor original = put(b);
            Tensor source = ops.transpose(original, 1, 0);
            ops.assign(target, source);
            assertUnchanged(b, original);
            source.close();
            original.close();
            // a copy, not an alias: the target keeps its values after the source is freed
            ops.fromDoubles(new double[6], Shape.of(2, 3), dtype);
            assertMatches(Reference.transpose(b, 1, 0), target, Tolerance.EXACT);
          }));
    }
    String id = id("ASSIGN", ++n);
    tests.add(test(id, "assign keeps special values: NaN, ±Inf, -0.0 in float64", DType.FLOAT64,
        ops -> {
          double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0};
          Tensor target = ops.zeros(Shape.of(4), DType.FLOAT64);
          ops.assign(target, ops.fromDoubles(special, Shape.of(4), DType.FLOAT64));
          double[] got = ops.toDoubleArray(target);
          for (int i = 0; i < special.length; i++) {
            assertEquals(Double.doubleToRawLongBits(special[i]), Double.doubleToRawLongBits(got[i]),
                "element " + i);
          }
        }));
    return tests.stream();
  }

  @TestFactory
  @DisplayName("OPS-TENSOR the fluent Tensor methods delegate to the ops")
  Stream<DynamicTest> fluent() {
    return Stream.of(test("OPS-TENSOR-01", "add, sub, mul, div, add(c), mul(c), neg on Tensor",
        DType.FLOAT32, ops -> {
          RefTensor a = Samples.uniform(Shape.of(2, 3), DType.FLOAT32, -2, 2, 1);
          RefTensor b = Samples.signedMagnitude(Shape.of(3), DType.FLOAT32, 0.5, 2, 2);
          Tensor ta = put(a);
          Tensor tb = put(b);
          assertMatches(Reference.add(a, b), ta.add(tb));
          assertMatches(Reference.sub(a, b), ta.sub(tb));
          assertMatches(Reference.mul(a, b), ta.mul(tb));
          assertMatches(Reference.div(a, b), ta.div(tb));
          assertMatches(Reference.add(a, RefTensor.scalar(2, DType.FLOAT32)), ta.add(2.0));
          assertMatches(Reference.mul(a, RefTensor.scalar(-3, DType.FLOAT32)), ta.mul(-3.0));
          assertMatches(Reference.neg(a), ta.neg());
        }),
        test("OPS-TENSOR-02", "matmul, sum, mean, reshape, size, toDoubleArray on Tensor",
            DType.FLOAT32, ops -> {
              RefTensor a = Samples.uniform(Shape.of(2, 3), DType.FLOAT32, 0.5, 1.5, 3);
              RefTensor b = Samples.uniform(Shape.of(3, 2), DType.FLOAT32, 0.5, 1.5, 4);
              Tensor ta = put(a);
              assertMatches(Reference.matmul(a, b), ta.matmul(put(b)));
              assertMatches(Reference.sum(a, new int[0], false), ta.sum());
              assertMatches(Reference.mean(a, new int[0], false), ta.mean());
              assertMatches(Reference.reshape(a, Shape.of(3, 2)), ta.reshape(3, 2));
              assertEquals(6, ta.size());
              assertArrayEquals(a.data(), ta.toDoubleArray(), 0.0);
              assertTrue(ta.ops() == ops, "tensor.ops() is the backend's ops");
            }));
  }

  // ================================================================ random creation

  private static final int DRAWS = 100_000;

  @TestFactory
  @DisplayName("OPS-RANDOM randomNormal and randomUniform: reproducible, right shape, right moments")
  Stream<DynamicTest> random() {
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (DType dtype : FLOATS) {
      tests.add(test(id("RANDOM", ++n), "randomNormal: same seed gives the same values, another "
          + "seed others, in " + name(dtype), dtype, ops -> {
            Shape shape = Shape.of(4, 5);
            Tensor a = ops.randomNormal(shape, dtype, 42);
            Tensor b = ops.randomNormal(shape, dtype, 42);
            Tensor c = ops.randomNormal(shape, dtype, 43);
            assertEquals(shape, a.shape());
            assertEquals(dtype, a.dtype());
            assertArrayEquals(ops.toDoubleArray(a), ops.toDoubleArray(b), 0.0);
            assertFalse(Arrays.equals(ops.toDoubleArray(a), ops.toDoubleArray(c)),
                "seeds 42 and 43 gave identical samples");
          }));
      tests.add(test(id("RANDOM", ++n), "randomUniform: same seed gives the same values, another "
          + "seed others, in " + name(dtype), dtype, ops -> {
            Shape shape = Shape.of(3, 2, 2);
            Tensor a = ops.randomUniform(shape, dtype, -1, 2, 7);
            Tensor b = ops.randomUniform(shape, dtype, -1, 2, 7);
            Tensor c = ops.randomUniform(shape, dtype, -1, 2, 8);
            assertEquals(shape, a.shape());
            assertEquals(dtype, a.dtype());
            assertArrayEquals(ops.toDoubleArray(a), ops.toDoubleArray(b), 0.0);
            assertFalse(Arrays.equals(ops.toDoubleArray(a), ops.toDoubleArray(c)),
                "seeds 7 and 8 gave identical samples");
          }));
      tests.add(test(id("RANDOM", ++n), "randomNormal equals SplittableRandom(seed).nextGaussian() "
          + "(same numbers on every backend) in " + name(dtype), dtype, ops -> {
            SplittableRandom r = new SplittableRandom(123);
            double[] expected = new double[10];
            for (int i = 0; i < expected.length; i++) {
              expected[i] = r.nextGaussian();
            }
            assertMatches(RefTensor.of(expected, Shape.of(2, 5), dtype),
                ops.randomNormal(Shape.of(2, 5), dtype, 123), Tolerance.EXACT);
          }));
      tests.add(test(id("RANDOM", ++n), "randomUniform equals SplittableRandom(seed).nextDouble(lo, "
          + "hi) (same numbers on every backend) in " + name(dtype), dtype, ops -> {
            SplittableRandom r = new SplittableRandom(321);
            double[] expected = new double[10];
            for (int i = 0; i < expected.length; i++) {
              expected[i] = r.nextDouble(-3, 5);
            }
            assertMatches(RefTensor.of(expected, Shape.of(10), dtype),
                ops.randomUniform(Shape.of(10), dtype, -3, 5, 321), Tolerance.EXACT);
          }));
      tests.add(test(id("RANDOM", ++n), "randomNormal: mean and variance of " + DRAWS
          + " draws within 5 standard errors of 0 and 1 in " + name(dtype), dtype, ops -> {
            double[] x = ops.toDoubleArray(ops.randomNormal(Shape.of(DRAWS), dtype, 2024));
            double[] mv = meanAndVariance(x);
            // SE(mean) = sigma / sqrt(n); SE(variance) = sigma^2 sqrt(2 / n) for a normal
            double seMean = 1 / Math.sqrt(DRAWS);
            double seVar = Math.sqrt(2.0 / DRAWS);
            assertEquals(0, mv[0], 5 * seMean, "sample mean");
            assertEquals(1, mv[1], 5 * seVar, "sample variance");
          }));
      tests.add(test(id("RANDOM", ++n), "randomUniform [-2, 3): all draws in range, mean and "
          + "variance of " + DRAWS + " draws within 5 standard errors in " + name(dtype), dtype,
          ops -> {
            double lo = -2;
            double hi = 3;
            double[] x = ops.toDoubleArray(ops.randomUniform(Shape.of(DRAWS), dtype, lo, hi, 99));
            for (double v : x) {
              // half-open in both precisions: TensorOps.randomUniform keeps float32 draws below hi
              assertTrue(v >= lo && v < hi, "draw " + v + " outside [" + lo + ", " + hi + ")");
            }
            double[] mv = meanAndVariance(x);
            double width = hi - lo;
            double variance = width * width / 12;
            double mu4 = Math.pow(width, 4) / 80; // fourth central moment of a uniform
            double seMean = Math.sqrt(variance / DRAWS);
            double seVar = Math.sqrt((mu4 - variance * variance) / DRAWS);
            assertEquals((lo + hi) / 2, mv[0], 5 * seMean, "sample mean");
            assertEquals(variance, mv[1], 5 * seVar, "sample variance");
          }));
    }
    return tests.stream();
  }

  /** Sample mean and (unbiased) sample variance, in two passes. */
  private static double[] meanAndVariance(double[] x) {
    double sum = 0;
    for (double v : x) {
      sum += v;
    }
    double mean = sum / x.length;
    double ss = 0;
    for (double v : x) {
      ss += (v - mean) * (v - mean);
    }
    return new double[] {mean, ss / (x.length - 1)};
  }
}
