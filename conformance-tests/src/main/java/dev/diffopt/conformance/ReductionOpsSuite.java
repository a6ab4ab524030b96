package dev.diffopt.conformance;

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
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Reductions ({@code sum}, {@code max}, {@code min}) and the composites built on them ({@code
 * mean}, {@code logSumExp}, {@code logSoftmax}, {@code softmax}) against the float64 reference.
 */
public abstract class ReductionOpsSuite extends OpsSuite {
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
}
