package dev.diffopt.example;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorChecks;
import dev.diffopt.tensor.TensorOps;
import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * The 35 primitives of {@link TensorOps} on {@link HostTensor}s; every composite (mean, softmax,
 * random numbers, …) is inherited. Each primitive follows the same three steps:
 *
 * <ol>
 *   <li>validate with {@link TensorChecks}, so that bad input fails with the same message as on
 *       every other backend, and {@link #unwrap} each operand (open, and made by this instance);
 *   <li>compute the result's values with a loop of {@link Kernels} over positions from {@link
 *       Offsets};
 *   <li>{@link #result} rounds them to the result's dtype and hands the new tensor to the current
 *       {@link Scope}.
 * </ol>
 */
public final class HostTensorOps implements TensorOps {

  HostTensorOps() {}

  /**
   * {@code t} as a tensor of this backend instance. A closed tensor fails in {@link
   * TensorChecks#open} ({@link IllegalStateException}); a tensor of another backend, or of another
   * instance of this one, is an {@link IllegalArgumentException} naming the operation.
   */
  private HostTensor unwrap(Tensor t, String op) {
    TensorChecks.open(t, op);
    if (!(t instanceof HostTensor h) || h.ops() != this) {
      throw new IllegalArgumentException(
          op + ": tensor " + t + " does not belong to this host backend instance");
    }
    return h;
  }

  /** A new tensor of {@code values} rounded to {@code dtype}, owned by the current scope. */
  private Tensor result(double[] values, Shape shape, DType dtype) {
    return Scope.adopt(new HostTensor(this, Precision.roundAll(values, dtype), shape, dtype));
  }

  // ---------------------------------------------------------------- creation and host copies

  @Override
  public Tensor fromDoubles(double[] data, Shape shape, DType dtype) {
    if (data == null || shape == null || dtype == null) {
      throw new NullPointerException("fromDoubles: data, shape and dtype must not be null");
    }
    TensorChecks.dataSize(data.length, shape);
    return result(data.clone(), shape, dtype);
  }

  @Override
  public Tensor full(Shape shape, double value, DType dtype) {
    TensorChecks.notNaN(value, "full: value");
    double[] values = new double[Math.toIntExact(shape.size())];
    Arrays.fill(values, value);
    return result(values, shape, dtype);
  }

  @Override
  public double[] toDoubleArray(Tensor t) {
    return unwrap(t, "toDoubleArray").values().clone();
  }

  // ---------------------------------------------------------------- element-wise, binary

  private Tensor binary(String op, Tensor a, Tensor b, DoubleBinaryOperator f) {
    Shape shape = TensorChecks.binary(a, b, op);
    TensorChecks.numeric(a, op);
    return zip(op, a, b, shape, a.dtype(), f);
  }

  /** {@code f} over broadcast operands, giving a {@code dtype} result of {@code shape}. */
  private Tensor zip(String op, Tensor a, Tensor b, Shape shape, DType dtype,
      DoubleBinaryOperator f) {
    HostTensor x = unwrap(a, op);
    HostTensor y = unwrap(b, op);
    double[] values = Kernels.zip(x.values(), Offsets.broadcast(x.shape(), shape),
        y.values(), Offsets.broadcast(y.shape(), shape), f);
    return result(values, shape, dtype);
  }

  @Override
  public Tensor add(Tensor a, Tensor b) {
    return binary("add", a, b, Double::sum);
  }

  @Override
  public Tensor sub(Tensor a, Tensor b) {
    return binary("sub", a, b, (x, y) -> x - y);
  }

  @Override
  public Tensor mul(Tensor a, Tensor b) {
    return binary("mul", a, b, (x, y) -> x * y);
  }

  @Override
  public Tensor div(Tensor a, Tensor b) {
    return binary("div", a, b, (x, y) -> x / y);
  }

  @Override
  public Tensor pow(Tensor a, Tensor b) {
    return binary("pow", a, b, Math::pow);
  }

  @Override
  public Tensor maximum(Tensor a, Tensor b) {
    return binary("maximum", a, b, Math::max);
  }

  @Override
  public Tensor minimum(Tensor a, Tensor b) {
    return binary("minimum", a, b, Math::min);
  }

  // ---------------------------------------------------------------- element-wise, unary

  /** A unary operation defined for every numeric dtype (neg, abs, relu, sign). */
  private Tensor numericUnary(String op, Tensor t, DoubleUnaryOperator f) {
    TensorChecks.numeric(t, op);
    return map(op, t, f);
  }

  /** A unary operation defined for floating-point dtypes only. */
  private Tensor floatingUnary(String op, Tensor t, DoubleUnaryOperator f) {
    TensorChecks.floating(t, op);
    return map(op, t, f);
  }

  private Tensor map(String op, Tensor t, DoubleUnaryOperator f) {
    HostTensor x = unwrap(t, op);
    return result(Kernels.map(x.values(), f), x.shape(), x.dtype());
  }

  @Override
  public Tensor neg(Tensor x) {
    return numericUnary("neg", x, v -> -v);
  }

  @Override
  public Tensor abs(Tensor x) {
    return numericUnary("abs", x, Math::abs);
  }

  @Override
  public Tensor sqrt(Tensor x) {
    return floatingUnary("sqrt", x, Math::sqrt);
  }

  @Override
  public Tensor exp(Tensor x) {
    return floatingUnary("exp", x, Math::exp);
  }

  @Override
  public Tensor log(Tensor x) {
    return floatingUnary("log", x, Math::log);
  }

  /** {@code max(x, 0) + log1p(e^-|x|)}: the same value as {@code log(1 + e^x)}, never overflowing. */
  @Override
  public Tensor softplus(Tensor x) {
    return floatingUnary("softplus", x, v -> Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
  }

  @Override
  public Tensor tanh(Tensor x) {
    return floatingUnary("tanh", x, Math::tanh);
  }

  /** {@code 1 / (1 + e^-x)}, written as {@code e^x / (1 + e^x)} for negative x to avoid overflow. */
  @Override
  public Tensor sigmoid(Tensor x) {
    return floatingUnary("sigmoid", x, v -> {
      if (v >= 0) {
        return 1 / (1 + Math.exp(-v));
      }
      double e = Math.exp(v);
      return e / (1 + e);
    });
  }

  @Override
  public Tensor relu(Tensor x) {
    return numericUnary("relu", x, v -> v > 0 ? v : 0);
  }

  @Override
  public Tensor sign(Tensor x) {
    return numericUnary("sign", x, Math::signum);
  }

  @Override
  public Tensor sin(Tensor x) {
    return floatingUnary("sin", x, Math::sin);
  }

  @Override
  public Tensor cos(Tensor x) {
    return floatingUnary("cos", x, Math::cos);
  }

  // ---------------------------------------------------------------- comparisons and selection

  private Tensor compare(String op, Tensor a, Tensor b, DoubleBinaryOperator test) {
    Shape shape = TensorChecks.binary(a, b, op);
    return zip(op, a, b, shape, DType.BOOL, test);
  }

  @Override
  public Tensor eq(Tensor a, Tensor b) {
    return compare("eq", a, b, (x, y) -> x == y ? 1 : 0);
  }

  @Override
  public Tensor lt(Tensor a, Tensor b) {
    return compare("lt", a, b, (x, y) -> x < y ? 1 : 0);
  }

  @Override
  public Tensor le(Tensor a, Tensor b) {
    return compare("le", a, b, (x, y) -> x <= y ? 1 : 0);
  }

  @Override
  public Tensor where(Tensor cond, Tensor a, Tensor b) {
    Shape shape = TensorChecks.where(cond, a, b);
    HostTensor c = unwrap(cond, "where");
    HostTensor x = unwrap(a, "where");
    HostTensor y = unwrap(b, "where");
    double[] values = Kernels.select(c.values(), Offsets.broadcast(c.shape(), shape),
        x.values(), Offsets.broadcast(x.shape(), shape),
        y.values(), Offsets.broadcast(y.shape(), shape));
    return result(values, shape, x.dtype());
  }

  // ---------------------------------------------------------------- reductions

  /**
   * Folds {@code t} over {@code axes} (all when empty): each element goes into the result element
   * at the same index with the reduced axes set to 0.
   */
  private Tensor reduce(String op, Tensor t, int[] axes, boolean keepDims, double identity,
      DoubleBinaryOperator f) {
    TensorChecks.numeric(t, op);
    HostTensor x = unwrap(t, op);
    if (axes == null) {
      throw new NullPointerException(op + ": axes is null");
    }
    int[] reduced = TensorChecks.reductionAxes(x.shape(), axes, op);
    long[] kept = x.shape().dims();
    for (int axis : reduced) {
      kept[axis] = 1;
    }
    Shape keptShape = Shape.of(kept);
    int[] into = Offsets.reduction(x.shape(), keptShape);
    double[] values = Kernels.reduce(x.values(), into, Math.toIntExact(keptShape.size()),
        identity, f);
    return result(values, keepDims ? keptShape : dropAxes(x.shape(), reduced), x.dtype());
  }

  /** {@code shape} without the (sorted, distinct) {@code axes}. */
  private static Shape dropAxes(Shape shape, int[] axes) {
    long[] dims = new long[shape.rank() - axes.length];
    int next = 0;
    int skip = 0;
    for (int axis = 0; axis < shape.rank(); axis++) {
      if (skip < axes.length && axes[skip] == axis) {
        skip++;
      } else {
        dims[next++] = shape.dim(axis);
      }
    }
    return Shape.of(dims);
  }

  @Override
  public Tensor sum(Tensor x, int[] axes, boolean keepDims) {
    return reduce("sum", x, axes, keepDims, 0, Double::sum);
  }

  @Override
  public Tensor max(Tensor x, int[] axes, boolean keepDims) {
    TensorChecks.nonEmpty(x, "max");
    return reduce("max", x, axes, keepDims, Double.NEGATIVE_INFINITY, Math::max);
  }

  @Override
  public Tensor min(Tensor x, int[] axes, boolean keepDims) {
    TensorChecks.nonEmpty(x, "min");
    return reduce("min", x, axes, keepDims, Double.POSITIVE_INFINITY, Math::min);
  }

  // ---------------------------------------------------------------- shape and linear algebra

  /** A copy, not a view: {@link #assign} on either tensor must not change the other. */
  @Override
  public Tensor reshape(Tensor t, Shape shape) {
    TensorChecks.reshape(t, shape);
    HostTensor x = unwrap(t, "reshape");
    return result(x.values().clone(), shape, x.dtype());
  }

  @Override
  public Tensor transpose(Tensor t, int... perm) {
    HostTensor x = unwrap(t, "transpose");
    if (perm == null) {
      throw new NullPointerException("transpose: perm is null");
    }
    TensorChecks.permutation(x.shape(), perm, "transpose");
    long[] dims = new long[perm.length];
    for (int axis = 0; axis < perm.length; axis++) {
      dims[axis] = x.shape().dim(perm[axis]);
    }
    Shape shape = Shape.of(dims);
    return result(Kernels.gather(x.values(), Offsets.transpose(x.shape(), perm, shape)), shape,
        x.dtype());
  }

  @Override
  public Tensor broadcastTo(Tensor t, Shape shape) {
    TensorChecks.broadcastTo(t, shape);
    HostTensor x = unwrap(t, "broadcastTo");
    return result(Kernels.gather(x.values(), Offsets.broadcast(x.shape(), shape)), shape,
        x.dtype());
  }

  /** A 1-d left operand is one row, a 1-d right operand one column; the check gives the shape. */
  @Override
  public Tensor matmul(Tensor a, Tensor b) {
    Shape shape = TensorChecks.matmul(a, b);
    TensorChecks.numeric(a, "matmul");
    HostTensor x = unwrap(a, "matmul");
    HostTensor y = unwrap(b, "matmul");
    int m = x.shape().rank() == 2 ? Math.toIntExact(x.shape().dim(0)) : 1;
    int k = Math.toIntExact(x.shape().dim(-1));
    int n = y.shape().rank() == 2 ? Math.toIntExact(y.shape().dim(1)) : 1;
    return result(Kernels.matmul(x.values(), y.values(), m, k, n), shape, x.dtype());
  }

  @Override
  public Tensor cast(Tensor t, DType dtype) {
    HostTensor x = unwrap(t, "cast");
    if (dtype == null) {
      throw new NullPointerException("cast: dtype is null");
    }
    return result(x.values().clone(), x.shape(), dtype);
  }

  // ---------------------------------------------------------------- in-place

  @Override
  public void assign(Tensor target, Tensor value) {
    TensorChecks.assign(target, value);
    double[] to = unwrap(target, "assign").values();
    double[] from = unwrap(value, "assign").values();
    System.arraycopy(from, 0, to, 0, to.length);
  }

  @Override
  public String toString() {
    return "HostTensorOps";
  }
}
