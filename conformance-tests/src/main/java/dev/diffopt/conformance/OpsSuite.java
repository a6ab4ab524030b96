package dev.diffopt.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.diffopt.conformance.reference.RefTensor;
import dev.diffopt.conformance.reference.Samples;
import dev.diffopt.conformance.reference.Tolerance;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.DynamicTest;
import org.opentest4j.AssertionFailedError;

/**
 * Every {@link TensorOps} primitive, and every composite, against the float64 {@link dev.diffopt.conformance.reference.Reference}.
 *
 * <p>Each case builds its inputs with {@link TensorOps#fromDoubles} from deterministic
 * pseudo-random data ({@link Samples}, seeded from the case id), runs the backend, copies the
 * result back with {@link TensorOps#toDoubleArray} and checks shape, dtype and every element:
 * {@code |actual - expected| <= atol + rtol * |expected|}.
 *
 * <ul>
 *   <li>float64: {@code rtol = atol = 1e-12} ({@link Tolerance#FLOAT64}). Correctly implemented
 *       float64 kernels are within a few ulps (about 1e-16 relative) of the exact result, so this
 *       leaves four orders of magnitude of room and still catches a float32 detour (1e-7).
 *   <li>float32: the inputs are float32 values (the reference rounds them through {@code (float)}
 *       first), {@code rtol = 1e-5, atol = 1e-6} ({@link Tolerance#FLOAT32}). Sums and matrix
 *       products in float32 use positive inputs, so that cancellation cannot turn the float32
 *       rounding of a long sum into a large relative error.
 *   <li>integer and boolean results, casts and creation: exact.
 * </ul>
 *
 * <p>Domains are chosen per operation: positive inputs for {@code sqrt}/{@code log}, bases away
 * from zero for {@code pow}, divisors away from zero. Exact ties are included on purpose where the
 * result is exact anyway (comparisons, {@code maximum}, {@code sign} at 0). Float64 cases are
 * skipped, with the reason, when the backend lacks {@link Capability#FLOAT64}.
 *
 * <p>Ids are {@code OPS-<PRIMITIVE>-NN}; the numbering follows fixed case lists, so an id always
 * names the same case. This class holds the shared plumbing; the cases live in one suite per area
 * ({@link ElementwiseOpsSuite}, {@link ReductionOpsSuite}, {@link ShapeOpsSuite}, {@link
 * CreationOpsSuite}).
 */
public abstract class OpsSuite extends BackendSuite {
  static final List<DType> FLOATS = List.of(DType.FLOAT64, DType.FLOAT32);

  /** The broadcasting pairs every binary element-wise operation runs on. */
  static final Shape[][] BINARY_SHAPES = {
    {Shape.of(2, 3), Shape.of(2, 3)},
    {Shape.of(2, 3), Shape.of(3)},
    {Shape.of(2, 1), Shape.of(1, 3)},
    {Shape.scalar(), Shape.of(2, 3)},
    {Shape.of(3, 1, 4), Shape.of(2, 4)},
    {Shape.of(4), Shape.scalar()},
  };

  /** The shapes every unary element-wise operation runs on. */
  static final Shape[] UNARY_SHAPES = {
    Shape.scalar(), Shape.of(5), Shape.of(2, 3), Shape.of(2, 3, 4)
  };

  /** Axes reduced over a (2, 3, 4) input; {@code {}} means all axes. */
  static final int[][] REDUCTION_AXES = {
    {0}, {1}, {-1}, {0, 2}, {2, 0}, {-1, -3}, {0, 1, 2}, {}
  };


  // ================================================================ plumbing

  @FunctionalInterface
  interface Body {
    void run(TensorOps ops) throws Throwable;
  }

  @FunctionalInterface
  interface Gen {
    RefTensor make(Shape shape, DType dtype, long seed);
  }

  @FunctionalInterface
  interface Op1 {
    Tensor apply(TensorOps ops, Tensor x);
  }

  @FunctionalInterface
  interface Op2 {
    Tensor apply(TensorOps ops, Tensor a, Tensor b);
  }

  @FunctionalInterface
  interface Reduction {
    Tensor apply(TensorOps ops, Tensor x, int[] axes, boolean keepDims);
  }

  @FunctionalInterface
  interface RefReduction {
    RefTensor apply(RefTensor x, int[] axes, boolean keepDims);
  }

  /** A dynamic test named {@code "<id> <title>"}, run in its own scope, skipped without dtype. */
  @SuppressWarnings("try") // the scope is used only for its close()
  DynamicTest test(String id, String title, List<DType> dtypes, Body body) {
    return DynamicTest.dynamicTest(id + " " + title, () -> {
      for (DType d : dtypes) {
        if (d == DType.FLOAT64) {
          require(Capability.FLOAT64);
        }
      }
      try (Scope scope = backend().scope()) {
        body.run(backend().ops());
      } catch (AssertionError e) {
        // surefire reports dynamic tests as "method()[n]": put the id into the failure itself
        throw new AssertionFailedError(id + " " + title + ": " + e.getMessage(), e);
      }
    });
  }

  DynamicTest test(String id, String title, DType dtype, Body body) {
    return test(id, title, List.of(dtype), body);
  }

  static String id(String primitive, int n) {
    return String.format(Locale.ROOT, "OPS-%s-%02d", primitive, n);
  }

  static String name(DType dtype) {
    return dtype.name().toLowerCase(Locale.ROOT);
  }

  /** A stable seed per case and input ({@link String#hashCode} is specified). */
  static long seed(String id, int input) {
    return 0x5DEECE66DL * id.hashCode() + input;
  }

  /** Uploads a reference tensor (whose values are already exact in its dtype). */
  Tensor put(RefTensor r) {
    return backend().ops().fromDoubles(r.data(), r.shape(), r.dtype());
  }

  /** Shape, dtype and values of {@code actual} match {@code expected} at the dtype's tolerance. */
  void assertMatches(RefTensor expected, Tensor actual) {
    assertMatches(expected, actual, Tolerance.of(expected.dtype()));
  }

  void assertMatches(RefTensor expected, Tensor actual, Tolerance tolerance) {
    assertNotNull(actual, "the operation returned null");
    assertEquals(expected.shape(), actual.shape(), "result shape");
    assertEquals(expected.dtype(), actual.dtype(), "result dtype");
    String mismatch =
        tolerance.firstMismatch(expected.data(), backend().ops().toDoubleArray(actual));
    if (mismatch != null) {
      fail("values differ from the reference " + expected + ": " + mismatch);
    }
  }

  /** The backend did not modify an input. */
  void assertUnchanged(RefTensor input, Tensor t) {
    assertArrayEquals(input.data(), backend().ops().toDoubleArray(t), 0.0, "input was modified");
  }

  static String axesText(int[] axes) {
    return axes.length == 0 ? "all axes ([])" : "axes " + Arrays.toString(axes);
  }

  // ================================================================ input generators

  static Gen uniform(double lo, double hi) {
    return (s, d, seed) -> Samples.uniform(s, d, lo, hi, seed);
  }

  static Gen uniformWith(double lo, double hi, double... specials) {
    return (s, d, seed) -> Samples.uniformWith(s, d, lo, hi, seed, specials);
  }

  static Gen awayFromZero(double lo, double hi) {
    return (s, d, seed) -> Samples.signedMagnitude(s, d, lo, hi, seed);
  }

  static Gen choice(double... values) {
    return (s, d, seed) -> Samples.choice(s, d, seed, values);
  }

  static Gen ints(int lo, int hi) {
    return (s, d, seed) -> Samples.integers(s, d, lo, hi, seed);
  }

}
