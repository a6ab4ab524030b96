package dev.diffopt.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.diffopt.conformance.reference.RefTensor;
import dev.diffopt.conformance.reference.Reference;
import dev.diffopt.conformance.reference.Samples;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Element-wise {@code TensorOps} primitives (binary with broadcasting, comparisons, {@code where},
 * unary math) and their composites against the float64 reference; see {@link OpsSuite} for the
 * tolerances.
 */
public abstract class ElementwiseOpsSuite extends OpsSuite {
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
}
