package dev.diffopt.conformance.reference;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * The float64 reference the conformance kit checks every {@code TensorOps} primitive against:
 * plain Java, written for clarity rather than speed, independent of any backend.
 *
 * <p>Each method computes in {@code double} from the (already dtype-exact) values of its {@link
 * RefTensor} inputs and rounds the result once to the result dtype (see {@link RefTensor#of}).
 * Result dtypes follow {@code TensorOps}: element-wise operations keep the input dtype,
 * comparisons give {@link DType#BOOL}. Binary operations broadcast as NumPy does and require equal
 * dtypes. The composites ({@link #mean}, {@link #logSumExp}, {@link #logSoftmax}, {@link
 * #softmax}, {@link #vdot}) also work in float64 throughout and round only their final result, so
 * a float32 reference value is never the victim of an intermediate float32 rounding. Integer
 * division is not specified by {@code TensorOps} and not modelled here.
 */
public final class Reference {
  private Reference() {}

  // ---------------------------------------------------------------- element-wise, binary

  /** {@code a + b}. */
  public static RefTensor add(RefTensor a, RefTensor b) {
    return binary(a, b, a.dtype(), Double::sum);
  }

  /** {@code a - b}. */
  public static RefTensor sub(RefTensor a, RefTensor b) {
    return binary(a, b, a.dtype(), (x, y) -> x - y);
  }

  /** {@code a * b}. */
  public static RefTensor mul(RefTensor a, RefTensor b) {
    return binary(a, b, a.dtype(), (x, y) -> x * y);
  }

  /** {@code a / b} (floating-point division). */
  public static RefTensor div(RefTensor a, RefTensor b) {
    return binary(a, b, a.dtype(), (x, y) -> x / y);
  }

  /** {@code a ^ b} as {@link Math#pow}. */
  public static RefTensor pow(RefTensor a, RefTensor b) {
    return binary(a, b, a.dtype(), Math::pow);
  }

  /** Element-wise maximum. */
  public static RefTensor maximum(RefTensor a, RefTensor b) {
    return binary(a, b, a.dtype(), Math::max);
  }

  /** Element-wise minimum. */
  public static RefTensor minimum(RefTensor a, RefTensor b) {
    return binary(a, b, a.dtype(), Math::min);
  }

  // ---------------------------------------------------------------- comparisons and selection

  /** {@code a == b} as BOOL (0 or 1). */
  public static RefTensor eq(RefTensor a, RefTensor b) {
    return binary(a, b, DType.BOOL, (x, y) -> x == y ? 1 : 0);
  }

  /** {@code a < b} as BOOL. */
  public static RefTensor lt(RefTensor a, RefTensor b) {
    return binary(a, b, DType.BOOL, (x, y) -> x < y ? 1 : 0);
  }

  /** {@code a <= b} as BOOL. */
  public static RefTensor le(RefTensor a, RefTensor b) {
    return binary(a, b, DType.BOOL, (x, y) -> x <= y ? 1 : 0);
  }

  /** {@code cond ? a : b} element-wise, all three broadcast; {@code cond} must be BOOL. */
  public static RefTensor where(RefTensor cond, RefTensor a, RefTensor b) {
    if (cond.dtype() != DType.BOOL) {
      throw new IllegalArgumentException("where: condition must be BOOL, got " + cond.dtype());
    }
    sameDtype(a, b, "where");
    Shape out = Shape.broadcast(cond.shape(), Shape.broadcast(a.shape(), b.shape()));
    double[] r = new double[Math.toIntExact(out.size())];
    for (int i = 0; i < r.length; i++) {
      long[] idx = Indexing.unravel(i, out);
      boolean c = cond.get(Indexing.broadcastOffset(idx, cond.shape())) != 0;
      r[i] = c
          ? a.get(Indexing.broadcastOffset(idx, a.shape()))
          : b.get(Indexing.broadcastOffset(idx, b.shape()));
    }
    return RefTensor.of(r, out, a.dtype());
  }

  // ---------------------------------------------------------------- element-wise, unary

  /** {@code -x}. */
  public static RefTensor neg(RefTensor x) {
    return unary(x, v -> -v);
  }

  /** {@code |x|}. */
  public static RefTensor abs(RefTensor x) {
    return unary(x, Math::abs);
  }

  /** Square root. */
  public static RefTensor sqrt(RefTensor x) {
    return unary(x, Math::sqrt);
  }

  /** {@code e^x}. */
  public static RefTensor exp(RefTensor x) {
    return unary(x, Math::exp);
  }

  /** Natural logarithm. */
  public static RefTensor log(RefTensor x) {
    return unary(x, Math::log);
  }

  /** {@code log(1 + e^x)}, evaluated as {@code max(x, 0) + log1p(e^-|x|)} (no overflow). */
  public static RefTensor softplus(RefTensor x) {
    return unary(x, v -> Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
  }

  /** Hyperbolic tangent. */
  public static RefTensor tanh(RefTensor x) {
    return unary(x, Math::tanh);
  }

  /** {@code 1 / (1 + e^-x)}, evaluated without overflow for either sign of x. */
  public static RefTensor sigmoid(RefTensor x) {
    return unary(x, v -> {
      if (v >= 0) {
        return 1 / (1 + Math.exp(-v));
      }
      double e = Math.exp(v);
      return e / (1 + e);
    });
  }

  /** {@code max(x, 0)}. */
  public static RefTensor relu(RefTensor x) {
    return unary(x, v -> v > 0 ? v : 0.0);
  }

  /** {@code -1, 0, 1} by the sign of x. */
  public static RefTensor sign(RefTensor x) {
    return unary(x, v -> v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0);
  }

  /** Sine. */
  public static RefTensor sin(RefTensor x) {
    return unary(x, Math::sin);
  }

  /** Cosine. */
  public static RefTensor cos(RefTensor x) {
    return unary(x, Math::cos);
  }

  // ---------------------------------------------------------------- reductions

  /** Sum over {@code axes} (all axes when empty); {@code keepDims} keeps them with extent 1. */
  public static RefTensor sum(RefTensor x, int[] axes, boolean keepDims) {
    return reduce(x, axes, keepDims, 0.0, Double::sum);
  }

  /** Maximum over {@code axes} (all when empty). */
  public static RefTensor max(RefTensor x, int[] axes, boolean keepDims) {
    return reduce(x, axes, keepDims, Double.NEGATIVE_INFINITY, Math::max);
  }

  /** Minimum over {@code axes} (all when empty). */
  public static RefTensor min(RefTensor x, int[] axes, boolean keepDims) {
    return reduce(x, axes, keepDims, Double.POSITIVE_INFINITY, Math::min);
  }

  /** Mean over {@code axes} (all when empty), rounded once to the dtype of {@code x}. */
  public static RefTensor mean(RefTensor x, int[] axes, boolean keepDims) {
    RefTensor s = reduce(cast(x, DType.FLOAT64), axes, keepDims, 0.0, Double::sum);
    double count = x.size() == 0 ? 0 : (double) x.size() / s.size();
    return cast(unary(s, v -> v / count), x.dtype());
  }

  private static RefTensor reduce(
      RefTensor x, int[] axes, boolean keepDims, double identity, DoubleBinaryOperator combine) {
    boolean[] reduced = reducedAxes(x.shape(), axes);
    long[] dims = x.shape().dims();
    long[] keptDims = dims.clone();
    int outRank = 0;
    for (int i = 0; i < dims.length; i++) {
      if (reduced[i]) {
        keptDims[i] = 1;
      } else {
        outRank++;
      }
    }
    Shape kept = Shape.of(keptDims);
    double[] acc = new double[Math.toIntExact(kept.size())];
    Arrays.fill(acc, identity);
    for (int i = 0; i < x.size(); i++) {
      long[] idx = Indexing.unravel(i, x.shape());
      for (int d = 0; d < idx.length; d++) {
        if (reduced[d]) {
          idx[d] = 0;
        }
      }
      int o = Indexing.offset(kept, idx);
      acc[o] = combine.applyAsDouble(acc[o], x.get(i));
    }
    if (keepDims) {
      return RefTensor.of(acc, kept, x.dtype());
    }
    long[] outDims = new long[outRank];
    for (int i = 0, j = 0; i < dims.length; i++) {
      if (!reduced[i]) {
        outDims[j++] = dims[i];
      }
    }
    return RefTensor.of(acc, Shape.of(outDims), x.dtype());
  }

  /** Which axes of {@code shape} {@code axes} names (every axis when empty). */
  private static boolean[] reducedAxes(Shape shape, int[] axes) {
    boolean[] reduced = new boolean[shape.rank()];
    if (axes.length == 0) {
      Arrays.fill(reduced, true);
    }
    for (int axis : axes) {
      int a = shape.normalizeAxis(axis);
      if (reduced[a]) {
        throw new IllegalArgumentException("axis " + a + " repeated in " + Arrays.toString(axes));
      }
      reduced[a] = true;
    }
    return reduced;
  }

  // ---------------------------------------------------------------- composites

  /**
   * {@code log Σ e^x} over {@code axis}, keeping the axis; evaluated stably around the maximum, in
   * float64, and rounded once to the dtype of {@code x}.
   */
  public static RefTensor logSumExp(RefTensor x, int axis) {
    return cast(logSumExp64(cast(x, DType.FLOAT64), axis), x.dtype());
  }

  /** {@code x - logSumExp(x, axis)}, in float64, rounded once to the dtype of {@code x}. */
  public static RefTensor logSoftmax(RefTensor x, int axis) {
    RefTensor x64 = cast(x, DType.FLOAT64);
    return cast(sub(x64, logSumExp64(x64, axis)), x.dtype());
  }

  /** {@code e^x / Σ e^x} over {@code axis}, in float64, rounded once to the dtype of x. */
  public static RefTensor softmax(RefTensor x, int axis) {
    int[] ax = {axis};
    RefTensor x64 = cast(x, DType.FLOAT64);
    RefTensor e = unary(sub(x64, max(x64, ax, true)), Math::exp);
    return cast(div(e, sum(e, ax, true)), x.dtype());
  }

  private static RefTensor logSumExp64(RefTensor x64, int axis) {
    int[] ax = {axis};
    RefTensor m = max(x64, ax, true);
    RefTensor shifted = unary(sub(x64, m), Math::exp);
    return add(unary(sum(shifted, ax, true), Math::log), m);
  }

  /** {@code Σ a·b} of two tensors of equal shape, a 0-d tensor (in float64, rounded once). */
  public static RefTensor vdot(RefTensor a, RefTensor b) {
    if (!a.shape().equals(b.shape())) {
      throw new IllegalArgumentException("vdot: shapes differ: " + a.shape() + " vs " + b.shape());
    }
    sameDtype(a, b, "vdot");
    RefTensor products = mul(cast(a, DType.FLOAT64), cast(b, DType.FLOAT64));
    return cast(sum(products, new int[0], false), a.dtype());
  }

  // ---------------------------------------------------------------- shape and linear algebra

  /** The same values in row-major order with a new shape of equal size. */
  public static RefTensor reshape(RefTensor x, Shape shape) {
    return RefTensor.of(x.data(), shape, x.dtype());
  }

  /** Result axis {@code i} is input axis {@code perm[i]}. */
  public static RefTensor transpose(RefTensor x, int... perm) {
    int rank = x.shape().rank();
    boolean[] seen = new boolean[rank];
    if (perm.length != rank) {
      throw new IllegalArgumentException(
          Arrays.toString(perm) + " is not a permutation of the axes of " + x.shape());
    }
    long[] outDims = new long[rank];
    for (int i = 0; i < rank; i++) {
      if (perm[i] < 0 || perm[i] >= rank || seen[perm[i]]) {
        throw new IllegalArgumentException(
            Arrays.toString(perm) + " is not a permutation of the axes of " + x.shape());
      }
      seen[perm[i]] = true;
      outDims[i] = x.shape().dim(perm[i]);
    }
    Shape out = Shape.of(outDims);
    double[] r = new double[x.size()];
    long[] in = new long[rank];
    for (int i = 0; i < r.length; i++) {
      long[] idx = Indexing.unravel(i, out);
      for (int d = 0; d < rank; d++) {
        in[perm[d]] = idx[d];
      }
      r[i] = x.get(Indexing.offset(x.shape(), in));
    }
    return RefTensor.of(r, out, x.dtype());
  }

  /** Repeats {@code x} along broadcast dimensions to {@code shape}. */
  public static RefTensor broadcastTo(RefTensor x, Shape shape) {
    if (!Shape.broadcast(x.shape(), shape).equals(shape) || x.shape().rank() > shape.rank()) {
      throw new IllegalArgumentException(x.shape() + " does not broadcast to " + shape);
    }
    double[] r = new double[Math.toIntExact(shape.size())];
    for (int i = 0; i < r.length; i++) {
      r[i] = x.get(Indexing.broadcastOffset(Indexing.unravel(i, shape), x.shape()));
    }
    return RefTensor.of(r, shape, x.dtype());
  }

  /**
   * Matrix product of 1-d or 2-d operands: {@code (m,k)@(k,n) -> (m,n)}, {@code (k)@(k,n) -> (n)},
   * {@code (m,k)@(k) -> (m)}, {@code (k)@(k) -> ()}.
   */
  public static RefTensor matmul(RefTensor a, RefTensor b) {
    sameDtype(a, b, "matmul");
    int ra = a.shape().rank();
    int rb = b.shape().rank();
    if (ra < 1 || ra > 2 || rb < 1 || rb > 2) {
      throw new IllegalArgumentException(
          "matmul: operands must be 1-d or 2-d, got " + a.shape() + " @ " + b.shape());
    }
    // a 1-d left operand is a row (1,k), a 1-d right operand a column (k,1)
    int m = ra == 2 ? (int) a.shape().dim(0) : 1;
    int k = (int) a.shape().dim(-1);
    int n = rb == 2 ? (int) b.shape().dim(1) : 1;
    if (b.shape().dim(0) != k) {
      throw new IllegalArgumentException(
          "matmul: inner dimensions differ: " + a.shape() + " @ " + b.shape());
    }
    double[] r = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          s += a.get(i * k + p) * b.get(p * n + j);
        }
        r[i * n + j] = s;
      }
    }
    Shape out;
    if (ra == 2 && rb == 2) {
      out = Shape.of(m, n);
    } else if (ra == 2) {
      out = Shape.of(m);
    } else if (rb == 2) {
      out = Shape.of(n);
    } else {
      out = Shape.scalar();
    }
    return RefTensor.of(r, out, a.dtype());
  }

  /**
   * Converts to {@code dtype}: FLOAT32 rounds through {@code (float)}, INT32/INT64 truncate toward
   * zero like Java casts, BOOL is {@code != 0}.
   */
  public static RefTensor cast(RefTensor x, DType dtype) {
    return RefTensor.of(x.data(), x.shape(), dtype);
  }

  // ---------------------------------------------------------------- helpers

  /** Applies {@code f} to every element; the result keeps the dtype of {@code x}. */
  public static RefTensor unary(RefTensor x, DoubleUnaryOperator f) {
    double[] r = new double[x.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = f.applyAsDouble(x.get(i));
    }
    return RefTensor.of(r, x.shape(), x.dtype());
  }

  /** Applies {@code f} element-wise with NumPy broadcasting; the result has dtype {@code out}. */
  public static RefTensor binary(RefTensor a, RefTensor b, DType out, DoubleBinaryOperator f) {
    sameDtype(a, b, "binary operation");
    Shape shape = Shape.broadcast(a.shape(), b.shape());
    double[] r = new double[Math.toIntExact(shape.size())];
    for (int i = 0; i < r.length; i++) {
      long[] idx = Indexing.unravel(i, shape);
      r[i] = f.applyAsDouble(
          a.get(Indexing.broadcastOffset(idx, a.shape())),
          b.get(Indexing.broadcastOffset(idx, b.shape())));
    }
    return RefTensor.of(r, shape, out);
  }

  private static void sameDtype(RefTensor a, RefTensor b, String op) {
    if (a.dtype() != b.dtype()) {
      throw new IllegalArgumentException(
          op + ": dtype mismatch " + a.dtype() + " vs " + b.dtype());
    }
  }
}
