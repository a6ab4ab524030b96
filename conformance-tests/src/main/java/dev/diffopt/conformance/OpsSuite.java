package dev.diffopt.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.diffopt.conformance.reference.RefTensor;
import dev.diffopt.conformance.reference.Reference;
import dev.diffopt.conformance.reference.Samples;
import dev.diffopt.conformance.reference.Tolerance;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.AssertionFailedError;

/**
 * Every {@link TensorOps} primitive, and every composite, against the float64 {@link Reference}.
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
 * names the same case.
 */
public abstract class OpsSuite extends BackendSuite {
  private static final List<DType> FLOATS = List.of(DType.FLOAT64, DType.FLOAT32);

  /** The broadcasting pairs every binary element-wise operation runs on. */
  private static final Shape[][] BINARY_SHAPES = {
    {Shape.of(2, 3), Shape.of(2, 3)},
    {Shape.of(2, 3), Shape.of(3)},
    {Shape.of(2, 1), Shape.of(1, 3)},
    {Shape.scalar(), Shape.of(2, 3)},
    {Shape.of(3, 1, 4), Shape.of(2, 4)},
    {Shape.of(4), Shape.scalar()},
  };

  /** The shapes every unary element-wise operation runs on. */
  private static final Shape[] UNARY_SHAPES = {
    Shape.scalar(), Shape.of(5), Shape.of(2, 3), Shape.of(2, 3, 4)
  };

  /** Axes reduced over a (2, 3, 4) input; {@code {}} means all axes. */
  private static final int[][] REDUCTION_AXES = {
    {0}, {1}, {-1}, {0, 2}, {2, 0}, {-1, -3}, {0, 1, 2}, {}
  };

  // ================================================================ plumbing

  @FunctionalInterface
  private interface Body {
    void run(TensorOps ops) throws Throwable;
  }

  @FunctionalInterface
  private interface Gen {
    RefTensor make(Shape shape, DType dtype, long seed);
  }

  @FunctionalInterface
  private interface Op1 {
    Tensor apply(TensorOps ops, Tensor x);
  }

  @FunctionalInterface
  private interface Op2 {
    Tensor apply(TensorOps ops, Tensor a, Tensor b);
  }

  @FunctionalInterface
  private interface Reduction {
    Tensor apply(TensorOps ops, Tensor x, int[] axes, boolean keepDims);
  }

  @FunctionalInterface
  private interface RefReduction {
    RefTensor apply(RefTensor x, int[] axes, boolean keepDims);
  }

  /** A dynamic test named {@code "<id> <title>"}, run in its own scope, skipped without dtype. */
  @SuppressWarnings("try") // the scope is used only for its close()
  private DynamicTest test(String id, String title, List<DType> dtypes, Body body) {
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

  private DynamicTest test(String id, String title, DType dtype, Body body) {
    return test(id, title, List.of(dtype), body);
  }

  private static String id(String primitive, int n) {
    return String.format(Locale.ROOT, "OPS-%s-%02d", primitive, n);
  }

  private static String name(DType dtype) {
    return dtype.name().toLowerCase(Locale.ROOT);
  }

  /** A stable seed per case and input ({@link String#hashCode} is specified). */
  private static long seed(String id, int input) {
    return 0x5DEECE66DL * id.hashCode() + input;
  }

  /** Uploads a reference tensor (whose values are already exact in its dtype). */
  private Tensor put(RefTensor r) {
    return backend().ops().fromDoubles(r.data(), r.shape(), r.dtype());
  }

  /** Shape, dtype and values of {@code actual} match {@code expected} at the dtype's tolerance. */
  private void assertMatches(RefTensor expected, Tensor actual) {
    assertMatches(expected, actual, Tolerance.of(expected.dtype()));
  }

  private void assertMatches(RefTensor expected, Tensor actual, Tolerance tolerance) {
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
  private void assertUnchanged(RefTensor input, Tensor t) {
    assertArrayEquals(input.data(), backend().ops().toDoubleArray(t), 0.0, "input was modified");
  }

  private static String axesText(int[] axes) {
    return axes.length == 0 ? "all axes ([])" : "axes " + Arrays.toString(axes);
  }

  // ================================================================ element-wise, binary

  private Stream<DynamicTest> binaryCases(
      String prim, Op2 op, BinaryOperator<RefTensor> ref, Gen genA, Gen genB, Gen genInt) {
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (Shape[] pair : BINARY_SHAPES) {
      for (DType dtype : FLOATS) {
        String id = id(prim, ++n);
        tests.add(binaryCase(id, prim, pair[0], pair[1], dtype, op, ref, genA, genB));
      }
    }
    if (genInt != null) {
      String id = id(prim, ++n);
      tests.add(binaryCase(id, prim, Shape.of(2, 3), Shape.of(3), DType.INT64, op, ref, genInt,
          genInt));
    }
    return tests.stream();
  }

  private DynamicTest binaryCase(String id, String prim, Shape sa, Shape sb, DType dtype, Op2 op,
      BinaryOperator<RefTensor> ref, Gen genA, Gen genB) {
    return binaryCase(id, prim.toLowerCase(Locale.ROOT), sa, sb, dtype, op, ref, genA, genB, "");
  }

  private DynamicTest binaryCase(String id, String verb, Shape sa, Shape sb, DType dtype, Op2 op,
      BinaryOperator<RefTensor> ref, Gen genA, Gen genB, String note) {
    String title = verb + " " + sa + " with " + sb + note + " in " + name(dtype);
    return test(id, title, dtype, ops -> {
      RefTensor a = genA.make(sa, dtype, seed(id, 1));
      RefTensor b = genB.make(sb, dtype, seed(id, 2));
      Tensor ta = put(a);
      Tensor tb = put(b);
      assertMatches(ref.apply(a, b), op.apply(ops, ta, tb));
      assertUnchanged(a, ta);
      assertUnchanged(b, tb);
    });
  }

  private static Gen uniform(double lo, double hi) {
    return (s, d, seed) -> Samples.uniform(s, d, lo, hi, seed);
  }

  private static Gen uniformWith(double lo, double hi, double... specials) {
    return (s, d, seed) -> Samples.uniformWith(s, d, lo, hi, seed, specials);
  }

  private static Gen awayFromZero(double lo, double hi) {
    return (s, d, seed) -> Samples.signedMagnitude(s, d, lo, hi, seed);
  }

  private static Gen choice(double... values) {
    return (s, d, seed) -> Samples.choice(s, d, seed, values);
  }

  private static Gen ints(int lo, int hi) {
    return (s, d, seed) -> Samples.integers(s, d, lo, hi, seed);
  }

  @TestFactory
  @DisplayName("OPS-ADD add, broadcasting, against the reference")
  Stream<DynamicTest> add() {
    Stream<DynamicTest> main = binaryCases("ADD", TensorOps::add, Reference::add,
        uniform(-2, 2), uniform(-2, 2), ints(-50, 50));
    // 14: an empty operand broadcasts to an empty result
    DynamicTest empty = test(id("ADD", 14), "add (0, 3) with (3,) gives (0, 3) in float32",
        DType.FLOAT32, ops -> {
          RefTensor a = RefTensor.of(new double[0], Shape.of(0, 3), DType.FLOAT32);
          RefTensor b = Samples.uniform(Shape.of(3), DType.FLOAT32, -1, 1, 7);
          assertMatches(Reference.add(a, b), ops.add(put(a), put(b)));
        });
    return Stream.concat(main, Stream.of(empty));
  }

  @TestFactory
  @DisplayName("OPS-SUB sub, broadcasting, against the reference")
  Stream<DynamicTest> sub() {
    return binaryCases("SUB", TensorOps::sub, Reference::sub, uniform(-2, 2), uniform(-2, 2),
        ints(-50, 50));
  }

  @TestFactory
  @DisplayName("OPS-MUL mul, broadcasting, against the reference")
  Stream<DynamicTest> mul() {
    return binaryCases("MUL", TensorOps::mul, Reference::mul, uniform(-2, 2), uniform(-2, 2),
        ints(-50, 50));
  }

  @TestFactory
  @DisplayName("OPS-DIV div (divisors in ±[0.5, 2)), broadcasting, against the reference")
  Stream<DynamicTest> div() {
    return binaryCases("DIV", TensorOps::div, Reference::div, uniform(-2, 2),
        awayFromZero(0.5, 2), null);
  }

  @TestFactory
  @DisplayName("OPS-POW pow (bases in [0.5, 2), exponents in [-3, 3)), against the reference")
  Stream<DynamicTest> pow() {
    Stream<DynamicTest> main = binaryCases("POW", TensorOps::pow, Reference::pow,
        uniform(0.5, 2), uniform(-3, 3), null);
    // 13, 14: a negative base with integer exponents is defined
    List<DynamicTest> negative = new ArrayList<>();
    int n = 12;
    for (DType dtype : FLOATS) {
      String id = id("POW", ++n);
      negative.add(binaryCase(id, "pow", Shape.of(2, 3), Shape.of(2, 3), dtype, TensorOps::pow,
          Reference::pow, awayFromZero(0.5, 2), choice(-2, -1, 0, 1, 2, 3),
          ", negative bases and integer exponents"));
    }
    return Stream.concat(main, negative.stream());
  }

  @TestFactory
  @DisplayName("OPS-MAXIMUM maximum (with ties), broadcasting, against the reference")
  Stream<DynamicTest> maximum() {
    return binaryCases("MAXIMUM", TensorOps::maximum, Reference::maximum,
        uniformWith(-2, 2, 0, 1), uniformWith(-2, 2, 0, 1), ints(-5, 5));
  }

  @TestFactory
  @DisplayName("OPS-MINIMUM minimum (with ties), broadcasting, against the reference")
  Stream<DynamicTest> minimum() {
    return binaryCases("MINIMUM", TensorOps::minimum, Reference::minimum,
        uniformWith(-2, 2, 0, 1), uniformWith(-2, 2, 0, 1), ints(-5, 5));
  }

  // ================================================================ comparisons and selection

  @TestFactory
  @DisplayName("OPS-EQ eq gives BOOL (inputs with many ties)")
  Stream<DynamicTest> eq() {
    return binaryCases("EQ", TensorOps::eq, Reference::eq, choice(-1, 0, 0.5, 1),
        choice(-1, 0, 0.5, 1), ints(-2, 2));
  }

  @TestFactory
  @DisplayName("OPS-LT lt gives BOOL (inputs with many ties)")
  Stream<DynamicTest> lt() {
    return binaryCases("LT", TensorOps::lt, Reference::lt, choice(-1, 0, 0.5, 1),
        choice(-1, 0, 0.5, 1), ints(-2, 2));
  }

  @TestFactory
  @DisplayName("OPS-LE le gives BOOL (inputs with many ties)")
  Stream<DynamicTest> le() {
    return binaryCases("LE", TensorOps::le, Reference::le, choice(-1, 0, 0.5, 1),
        choice(-1, 0, 0.5, 1), ints(-2, 2));
  }

  @TestFactory
  @DisplayName("OPS-GT gt (composite) gives BOOL (inputs with many ties)")
  Stream<DynamicTest> gt() {
    return binaryCases("GT", TensorOps::gt, (a, b) -> Reference.lt(b, a), choice(-1, 0, 0.5, 1),
        choice(-1, 0, 0.5, 1), ints(-2, 2));
  }

  @TestFactory
  @DisplayName("OPS-GE ge (composite) gives BOOL (inputs with many ties)")
  Stream<DynamicTest> ge() {
    return binaryCases("GE", TensorOps::ge, (a, b) -> Reference.le(b, a), choice(-1, 0, 0.5, 1),
        choice(-1, 0, 0.5, 1), ints(-2, 2));
  }

  @TestFactory
  @DisplayName("OPS-WHERE where broadcasts condition and both branches")
  Stream<DynamicTest> where() {
    Shape[][] cases = {
      {Shape.of(2, 3), Shape.of(2, 3), Shape.of(2, 3)},
      {Shape.of(2, 1), Shape.of(2, 3), Shape.of(3)},
      {Shape.of(3), Shape.of(2, 3), Shape.scalar()},
      {Shape.scalar(), Shape.of(2, 3), Shape.of(2, 3)},
      {Shape.of(2, 3), Shape.scalar(), Shape.scalar()},
      {Shape.of(4, 1, 3), Shape.of(2, 3), Shape.of(1, 1)},
    };
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    List<DType> dtypes = List.of(DType.FLOAT64, DType.FLOAT32, DType.INT64);
    for (Shape[] c : cases) {
      for (DType dtype : dtypes) {
        if (dtype == DType.INT64 && c != cases[1]) {
          continue;
        }
        String id = id("WHERE", ++n);
        String title = "where cond " + c[0] + ", a " + c[1] + ", b " + c[2] + " in " + name(dtype);
        tests.add(test(id, title, dtype, ops -> {
          RefTensor cond = Samples.choice(c[0], DType.BOOL, seed(id, 0), 0, 1);
          RefTensor a = Samples.integers(c[1], dtype, -9, 9, seed(id, 1));
          RefTensor b = Samples.uniform(c[2], dtype, 10, 20, seed(id, 2));
          Tensor tc = put(cond);
          assertEquals(DType.BOOL, tc.dtype(), "condition dtype");
          assertMatches(Reference.where(cond, a, b), ops.where(tc, put(a), put(b)));
        }));
      }
    }
    return tests.stream();
  }

  // ================================================================ element-wise, unary

  private Stream<DynamicTest> unaryCases(
      String prim, Op1 op, UnaryOperator<RefTensor> ref, Gen gen, boolean withInt64) {
    return unaryCases(prim, prim.toLowerCase(Locale.ROOT), op, ref, gen, withInt64);
  }

  private Stream<DynamicTest> unaryCases(String prim, String verb, Op1 op,
      UnaryOperator<RefTensor> ref, Gen gen, boolean withInt64) {
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (Shape shape : UNARY_SHAPES) {
      for (DType dtype : FLOATS) {
        tests.add(unaryCase(id(prim, ++n), verb, shape, dtype, op, ref, gen));
      }
    }
    if (withInt64) {
      tests.add(unaryCase(id(prim, ++n), verb, Shape.of(2, 3), DType.INT64, op, ref,
          ints(-9, 9)));
    }
    return tests.stream();
  }

  private DynamicTest unaryCase(String id, String verb, Shape shape, DType dtype, Op1 op,
      UnaryOperator<RefTensor> ref, Gen gen) {
    String title = verb + " " + shape + " in " + name(dtype);
    return test(id, title, dtype, ops -> {
      RefTensor x = gen.make(shape, dtype, seed(id, 1));
      Tensor tx = put(x);
      assertMatches(ref.apply(x), op.apply(ops, tx));
      assertUnchanged(x, tx);
    });
  }

  /** A case on fixed values (edge cases), in {@code dtype}. */
  private DynamicTest fixedUnary(String id, String title, DType dtype, Op1 op,
      UnaryOperator<RefTensor> ref, double... values) {
    return test(id, title + " in " + name(dtype), dtype, ops -> {
      RefTensor x = RefTensor.of(values, Shape.of(values.length), dtype);
      assertMatches(ref.apply(x), op.apply(ops, put(x)));
    });
  }

  @TestFactory
  @DisplayName("OPS-NEG neg")
  Stream<DynamicTest> neg() {
    return unaryCases("NEG", TensorOps::neg, Reference::neg, uniformWith(-3, 3, 0), true);
  }

  @TestFactory
  @DisplayName("OPS-ABS abs")
  Stream<DynamicTest> abs() {
    return unaryCases("ABS", TensorOps::abs, Reference::abs, uniformWith(-3, 3, 0), true);
  }

  @TestFactory
  @DisplayName("OPS-SQRT sqrt on [0.01, 100) and exact squares")
  Stream<DynamicTest> sqrt() {
    return unaryCases("SQRT", TensorOps::sqrt, Reference::sqrt,
        uniformWith(0.01, 100, 0, 1, 4), false);
  }

  @TestFactory
  @DisplayName("OPS-EXP exp on [-10, 10)")
  Stream<DynamicTest> exp() {
    return unaryCases("EXP", TensorOps::exp, Reference::exp, uniform(-10, 10), false);
  }

  @TestFactory
  @DisplayName("OPS-LOG log on [0.001, 100)")
  Stream<DynamicTest> log() {
    return unaryCases("LOG", TensorOps::log, Reference::log, uniformWith(1e-3, 100, 1), false);
  }

  @TestFactory
  @DisplayName("OPS-SOFTPLUS softplus on [-15, 15) and without overflow for large |x|")
  Stream<DynamicTest> softplus() {
    Stream<DynamicTest> main = unaryCases("SOFTPLUS", TensorOps::softplus, Reference::softplus,
        uniform(-15, 15), false);
    List<DynamicTest> extra = new ArrayList<>();
    int n = 8;
    for (DType dtype : FLOATS) {
      extra.add(fixedUnary(id("SOFTPLUS", ++n), "softplus stays finite at ±50, ±1000", dtype,
          TensorOps::softplus, Reference::softplus, -1000, -50, 0, 50, 1000));
    }
    // 11: the whole range where log1p(e^x) differs from x by more than 1e-12 relative
    extra.add(test(id("SOFTPLUS", ++n), "softplus on [15, 35) in float64", DType.FLOAT64, ops -> {
      RefTensor x = Samples.uniform(Shape.of(64), DType.FLOAT64, 15, 35, 11);
      assertMatches(Reference.softplus(x), ops.softplus(put(x)));
    }));
    return Stream.concat(main, extra.stream());
  }

  @TestFactory
  @DisplayName("OPS-TANH tanh on [-5, 5)")
  Stream<DynamicTest> tanh() {
    return unaryCases("TANH", TensorOps::tanh, Reference::tanh, uniform(-5, 5), false);
  }

  @TestFactory
  @DisplayName("OPS-SIGMOID sigmoid on [-30, 30) and without overflow for large |x|")
  Stream<DynamicTest> sigmoid() {
    Stream<DynamicTest> main = unaryCases("SIGMOID", TensorOps::sigmoid, Reference::sigmoid,
        uniform(-30, 30), false);
    List<DynamicTest> extra = new ArrayList<>();
    int n = 8;
    for (DType dtype : FLOATS) {
      extra.add(fixedUnary(id("SIGMOID", ++n), "sigmoid stays finite at ±50, ±1000", dtype,
          TensorOps::sigmoid, Reference::sigmoid, -1000, -50, 0, 50, 1000));
    }
    return Stream.concat(main, extra.stream());
  }

  @TestFactory
  @DisplayName("OPS-RELU relu (with exact zeros)")
  Stream<DynamicTest> relu() {
    return unaryCases("RELU", TensorOps::relu, Reference::relu, uniformWith(-3, 3, 0), false);
  }

  @TestFactory
  @DisplayName("OPS-SIGN sign (with exact zeros)")
  Stream<DynamicTest> sign() {
    return unaryCases("SIGN", TensorOps::sign, Reference::sign, uniformWith(-3, 3, 0), true);
  }

  @TestFactory
  @DisplayName("OPS-SIN sin on [-10, 10)")
  Stream<DynamicTest> sin() {
    return unaryCases("SIN", TensorOps::sin, Reference::sin, uniform(-10, 10), false);
  }

  @TestFactory
  @DisplayName("OPS-COS cos on [-10, 10)")
  Stream<DynamicTest> cos() {
    return unaryCases("COS", TensorOps::cos, Reference::cos, uniform(-10, 10), false);
  }

  @TestFactory
  @DisplayName("OPS-SQUARE square (composite)")
  Stream<DynamicTest> square() {
    return unaryCases("SQUARE", TensorOps::square, x -> Reference.mul(x, x), uniform(-3, 3),
        true);
  }

  @TestFactory
  @DisplayName("OPS-RECIPROCAL reciprocal (composite) on ±[0.25, 4)")
  Stream<DynamicTest> reciprocal() {
    return unaryCases("RECIPROCAL", TensorOps::reciprocal,
        x -> Reference.div(RefTensor.scalar(1, x.dtype()), x), awayFromZero(0.25, 4), false);
  }

  @TestFactory
  @DisplayName("OPS-ADDC add(x, double) (composite)")
  Stream<DynamicTest> addConstant() {
    return unaryCases("ADDC", "add(x, -1.25)", (ops, x) -> ops.add(x, -1.25),
        x -> Reference.add(x, RefTensor.scalar(-1.25, x.dtype())), uniform(-3, 3), false);
  }

  @TestFactory
  @DisplayName("OPS-MULC mul(x, double) (composite)")
  Stream<DynamicTest> mulConstant() {
    return unaryCases("MULC", "mul(x, 0.3)", (ops, x) -> ops.mul(x, 0.3),
        x -> Reference.mul(x, RefTensor.scalar(0.3, x.dtype())), uniform(-3, 3), false);
  }

  @TestFactory
  @DisplayName("OPS-POWC pow(x, double) (composite) on [0.5, 2)")
  Stream<DynamicTest> powConstant() {
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (double c : new double[] {2, 0.5, -1.5, 3}) {
      for (DType dtype : FLOATS) {
        String id = id("POWC", ++n);
        tests.add(test(id, "pow(x, " + c + ") (2, 3) in " + name(dtype), dtype, ops -> {
          RefTensor x = Samples.uniform(Shape.of(2, 3), dtype, 0.5, 2, seed(id, 1));
          assertMatches(Reference.pow(x, RefTensor.scalar(c, dtype)), ops.pow(put(x), c));
        }));
      }
    }
    return tests.stream();
  }

  // ================================================================ reductions

  private Stream<DynamicTest> reductionCases(
      String prim, Reduction op, RefReduction ref, Gen gen64, Gen gen32, boolean withInt64) {
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (int[] axes : REDUCTION_AXES) {
      for (boolean keepDims : new boolean[] {false, true}) {
        for (DType dtype : FLOATS) {
          tests.add(reductionCase(id(prim, ++n), prim, Shape.of(2, 3, 4), axes, keepDims, dtype,
              op, ref, dtype == DType.FLOAT32 ? gen32 : gen64));
        }
      }
    }
    for (DType dtype : FLOATS) {
      tests.add(reductionCase(id(prim, ++n), prim, Shape.of(5), new int[] {0}, false, dtype, op,
          ref, dtype == DType.FLOAT32 ? gen32 : gen64));
      tests.add(reductionCase(id(prim, ++n), prim, Shape.scalar(), new int[0], false, dtype, op,
          ref, dtype == DType.FLOAT32 ? gen32 : gen64));
    }
    if (withInt64) {
      tests.add(reductionCase(id(prim, ++n), prim, Shape.of(2, 3, 4), new int[] {1}, false,
          DType.INT64, op, ref, ints(-20, 20)));
    }
    return tests.stream();
  }

  private DynamicTest reductionCase(String id, String prim, Shape shape, int[] axes,
      boolean keepDims, DType dtype, Reduction op, RefReduction ref, Gen gen) {
    String title = prim.toLowerCase(Locale.ROOT) + " over " + axesText(axes) + " of " + shape
        + ", keepDims=" + keepDims + ", in " + name(dtype);
    return test(id, title, dtype, ops -> {
      RefTensor x = gen.make(shape, dtype, seed(id, 1));
      Tensor tx = put(x);
      assertMatches(ref.apply(x, axes, keepDims), op.apply(ops, tx, axes.clone(), keepDims));
      assertUnchanged(x, tx);
    });
  }

  @TestFactory
  @DisplayName("OPS-SUM sum over single, multiple, negative and all axes")
  Stream<DynamicTest> sum() {
    return reductionCases("SUM", TensorOps::sum, Reference::sum, uniform(-2, 2),
        uniform(0.5, 1.5), true);
  }

  @TestFactory
  @DisplayName("OPS-MAX max over single, multiple, negative and all axes")
  Stream<DynamicTest> max() {
    return reductionCases("MAX", TensorOps::max, Reference::max, uniform(-2, 2), uniform(-2, 2),
        true);
  }

  @TestFactory
  @DisplayName("OPS-MIN min over single, multiple, negative and all axes")
  Stream<DynamicTest> min() {
    return reductionCases("MIN", TensorOps::min, Reference::min, uniform(-2, 2), uniform(-2, 2),
        true);
  }

  @TestFactory
  @DisplayName("OPS-MEAN mean (composite) over axes and over everything")
  Stream<DynamicTest> mean() {
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    int[][] axesList = {{}, {1}, {0, 2}, {-1}};
    for (int[] axes : axesList) {
      for (boolean keepDims : new boolean[] {false, true}) {
        for (DType dtype : FLOATS) {
          Gen gen = dtype == DType.FLOAT32 ? uniform(0.5, 1.5) : uniform(-2, 2);
          tests.add(reductionCase(id("MEAN", ++n), "MEAN", Shape.of(2, 3, 4), axes, keepDims,
              dtype, TensorOps::mean, Reference::mean, gen));
        }
      }
    }
    for (DType dtype : FLOATS) {
      String id = id("MEAN", ++n);
      tests.add(test(id, "mean(x) of (3, 5) is a 0-d tensor in " + name(dtype), dtype, ops -> {
        RefTensor x = Samples.uniform(Shape.of(3, 5), dtype, 0.5, 1.5, seed(id, 1));
        assertMatches(Reference.mean(x, new int[0], false), ops.mean(put(x)));
      }));
    }
    for (DType dtype : FLOATS) {
      String id = id("MEAN", ++n);
      tests.add(test(id, "sum(x) of (3, 5) is a 0-d tensor in " + name(dtype), dtype, ops -> {
        RefTensor x = Samples.uniform(Shape.of(3, 5), dtype, 0.5, 1.5, seed(id, 1));
        assertMatches(Reference.sum(x, new int[0], false), ops.sum(put(x)));
      }));
    }
    return tests.stream();
  }

  @TestFactory
  @DisplayName("OPS-LOGSUMEXP logSumExp (composite) keeps the axis and is stable for large x")
  Stream<DynamicTest> logSumExp() {
    return softmaxFamily("LOGSUMEXP", (ops, x, axis) -> ops.logSumExp(x, axis),
        Reference::logSumExp);
  }

  @TestFactory
  @DisplayName("OPS-LOGSOFTMAX logSoftmax (composite), stable for large x")
  Stream<DynamicTest> logSoftmax() {
    return softmaxFamily("LOGSOFTMAX", (ops, x, axis) -> ops.logSoftmax(x, axis),
        Reference::logSoftmax);
  }

  @TestFactory
  @DisplayName("OPS-SOFTMAX softmax (composite), stable for large x")
  Stream<DynamicTest> softmax() {
    return softmaxFamily("SOFTMAX", (ops, x, axis) -> ops.softmax(x, axis), Reference::softmax);
  }

  @FunctionalInterface
  private interface AxisOp {
    Tensor apply(TensorOps ops, Tensor x, int axis);
  }

  @FunctionalInterface
  private interface RefAxisOp {
    RefTensor apply(RefTensor x, int axis);
  }

  private Stream<DynamicTest> softmaxFamily(String prim, AxisOp op, RefAxisOp ref) {
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (int axis : new int[] {0, 1, -1}) {
      for (DType dtype : FLOATS) {
        String id = id(prim, ++n);
        String title = prim.toLowerCase(Locale.ROOT) + " over axis " + axis + " of (3, 4) in "
            + name(dtype);
        tests.add(test(id, title, dtype, ops -> {
          RefTensor x = Samples.uniform(Shape.of(3, 4), dtype, -3, 3, seed(id, 1));
          assertMatches(ref.apply(x, axis), op.apply(ops, put(x), axis));
        }));
      }
    }
    for (DType dtype : FLOATS) {
      String id = id(prim, ++n);
      String title = prim.toLowerCase(Locale.ROOT) + " of values near 1000 (e^x overflows) in "
          + name(dtype);
      tests.add(test(id, title, dtype, ops -> {
        RefTensor x = Samples.uniform(Shape.of(2, 5), dtype, 995, 1000, seed(id, 1));
        assertMatches(ref.apply(x, 1), op.apply(ops, put(x), 1));
      }));
    }
    // 09: fixed values whose float32 rounding of max + log Σ e^(x - max) is visible (2e-5): a
    // float32 implementation that keeps x - max exact meets 1e-5 relative easily
    String id = id(prim, ++n);
    tests.add(test(id, prim.toLowerCase(Locale.ROOT) + " of [999.5, 1000.25, 997.75] in float32",
        DType.FLOAT32, ops -> {
          RefTensor x = RefTensor.of(new double[] {999.5, 1000.25, 997.75}, Shape.of(1, 3),
              DType.FLOAT32);
          assertMatches(ref.apply(x, 1), op.apply(ops, put(x), 1));
        }));
    return tests.stream();
  }

  @TestFactory
  @DisplayName("OPS-VDOT vdot (composite) is a 0-d tensor")
  Stream<DynamicTest> vdot() {
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (Shape shape : new Shape[] {Shape.of(5), Shape.of(2, 3), Shape.scalar()}) {
      for (DType dtype : FLOATS) {
        String id = id("VDOT", ++n);
        tests.add(test(id, "vdot " + shape + " in " + name(dtype), dtype, ops -> {
          Gen gen = dtype == DType.FLOAT32 ? uniform(0.5, 1.5) : uniform(-2, 2);
          RefTensor a = gen.make(shape, dtype, seed(id, 1));
          RefTensor b = gen.make(shape, dtype, seed(id, 2));
          assertMatches(Reference.vdot(a, b), ops.vdot(put(a), put(b)));
        }));
      }
    }
    return tests.stream();
  }

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
