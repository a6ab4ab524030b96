package dev.diffopt.tensor;

import java.util.SplittableRandom;

/**
 * The primitive tensor operations a backend implements, plus composites built from them.
 *
 * <p>The 35 abstract methods are the whole contract a backend must fulfil; every default
 * method is a composite expressed through them, so a backend is correct as soon as its primitives
 * are, and may override a composite only to make it faster. The conformance kit checks every
 * primitive against a float64 reference written in plain Java.
 *
 * <p>Common rules for every primitive:
 *
 * <ul>
 *   <li>Binary element-wise operations broadcast as NumPy does and require equal dtypes (no implicit
 *       promotion): a mismatch is an {@link IllegalArgumentException} naming both.
 *   <li>Floating-point results keep the input dtype; comparisons return {@link DType#BOOL}.
 *   <li>Operations on a closed tensor throw {@link IllegalStateException}; tensors of another
 *       backend are rejected with {@link IllegalArgumentException}.
 *   <li>Results are new tensors owned by the current {@link Scope}; inputs are never modified.
 *   <li>On a backend with autodiff, every floating-point primitive is differentiable.
 * </ul>
 */
public interface TensorOps {

  // ---------------------------------------------------------------- creation and host copies

  /** A tensor holding {@code data} (row-major) with the given shape, converted to {@code dtype}. */
  Tensor fromDoubles(double[] data, Shape shape, DType dtype);

  /** A tensor of the given shape with every element equal to {@code value}. */
  Tensor full(Shape shape, double value, DType dtype);

  /** All elements in row-major order, converted to double (copies to the host). */
  double[] toDoubleArray(Tensor t);

  // ---------------------------------------------------------------- element-wise, binary

  /** {@code a + b}. */
  Tensor add(Tensor a, Tensor b);

  /** {@code a - b}. */
  Tensor sub(Tensor a, Tensor b);

  /** {@code a * b}. */
  Tensor mul(Tensor a, Tensor b);

  /** {@code a / b}. */
  Tensor div(Tensor a, Tensor b);

  /** {@code a ^ b}; for a negative base the exponent must be an integer value. */
  Tensor pow(Tensor a, Tensor b);

  /** Element-wise {@code max(a, b)}; the gradient goes to {@code a} where {@code a > b}, to b where {@code a < b}, and half to each on ties. */
  Tensor maximum(Tensor a, Tensor b);

  /** Element-wise {@code min(a, b)}. */
  Tensor minimum(Tensor a, Tensor b);

  // ---------------------------------------------------------------- element-wise, unary

  /** {@code -x}. */
  Tensor neg(Tensor x);

  /** {@code |x|}. */
  Tensor abs(Tensor x);

  /** {@code sqrt(x)}. */
  Tensor sqrt(Tensor x);

  /** {@code e^x}. */
  Tensor exp(Tensor x);

  /** Natural logarithm. */
  Tensor log(Tensor x);

  /** Softplus {@code log(1 + e^x)}, computed without overflow for large x. */
  Tensor softplus(Tensor x);

  /** Hyperbolic tangent. */
  Tensor tanh(Tensor x);

  /** Logistic sigmoid {@code 1 / (1 + e^-x)}. */
  Tensor sigmoid(Tensor x);

  /** {@code max(x, 0)}. */
  Tensor relu(Tensor x);

  /** {@code -1, 0, 1} by the sign of x (gradient 0). */
  Tensor sign(Tensor x);

  /** Sine. */
  Tensor sin(Tensor x);

  /** Cosine. */
  Tensor cos(Tensor x);

  // ---------------------------------------------------------------- comparisons and selection

  /** {@code a == b} as {@link DType#BOOL}. */
  Tensor eq(Tensor a, Tensor b);

  /** {@code a < b} as {@link DType#BOOL}. */
  Tensor lt(Tensor a, Tensor b);

  /** {@code a <= b} as {@link DType#BOOL}. */
  Tensor le(Tensor a, Tensor b);

  /** {@code cond ? a : b} element-wise, all three broadcast; {@code cond} must be BOOL. */
  Tensor where(Tensor cond, Tensor a, Tensor b);

  // ---------------------------------------------------------------- reductions

  /** Sum over {@code axes} (all axes when empty); {@code keepDims} keeps them with extent 1. */
  Tensor sum(Tensor x, int[] axes, boolean keepDims);

  /** Maximum over {@code axes} (all when empty). */
  Tensor max(Tensor x, int[] axes, boolean keepDims);

  /** Minimum over {@code axes} (all when empty). */
  Tensor min(Tensor x, int[] axes, boolean keepDims);

  // ---------------------------------------------------------------- shape and linear algebra

  /** The same elements in row-major order with a new shape of equal size. */
  Tensor reshape(Tensor x, Shape shape);

  /** Permutes the axes: result axis {@code i} is input axis {@code perm[i]}. */
  Tensor transpose(Tensor x, int... perm);

  /** Repeats {@code x} along broadcast dimensions to {@code shape}. */
  Tensor broadcastTo(Tensor x, Shape shape);

  /**
   * Matrix product of 1-d or 2-d operands: {@code (m,k)@(k,n) -> (m,n)}, {@code (k)@(k,n) -> (n)},
   * {@code (m,k)@(k) -> (m)}, {@code (k)@(k) -> ()}.
   */
  Tensor matmul(Tensor a, Tensor b);

  /** Converts the elements to {@code dtype}; differentiable between floating types. */
  Tensor cast(Tensor x, DType dtype);

  // ---------------------------------------------------------------- in-place

  /**
   * Overwrites every element of {@code target} with the corresponding element of {@code value}, in
   * place: the one mutating primitive, used by the classic {@code Optimizer} to update parameters
   * that other code (a model) holds. Not recorded by autodiff; shapes and dtypes must be equal.
   */
  void assign(Tensor target, Tensor value);

  // ================================================================ composites

  /** A tensor of zeros. */
  default Tensor zeros(Shape shape, DType dtype) {
    return full(shape, 0.0, dtype);
  }

  /** A tensor of ones. */
  default Tensor ones(Shape shape, DType dtype) {
    return full(shape, 1.0, dtype);
  }

  /** Zeros with the shape and dtype of {@code like}. */
  default Tensor zerosLike(Tensor like) {
    return zeros(like.shape(), like.dtype());
  }

  /** Ones with the shape and dtype of {@code like}. */
  default Tensor onesLike(Tensor like) {
    return ones(like.shape(), like.dtype());
  }

  /** A 0-d tensor. */
  default Tensor scalar(double value, DType dtype) {
    return full(Shape.scalar(), value, dtype);
  }

  /** A float32 tensor holding {@code data}. */
  default Tensor fromFloats(float[] data, Shape shape) {
    double[] d = new double[data.length];
    for (int i = 0; i < data.length; i++) {
      d[i] = data[i];
    }
    return fromDoubles(d, shape, DType.FLOAT32);
  }

  /** All elements as floats (copies to the host). */
  default float[] toFloatArray(Tensor t) {
    double[] d = toDoubleArray(t);
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  /**
   * The single element of a one-element tensor.
   *
   * @throws IllegalArgumentException if the tensor has more or fewer than one element
   */
  default double item(Tensor t) {
    if (t.shape().size() != 1) {
      throw new IllegalArgumentException(
          "item() needs a tensor with exactly one element, got shape " + t.shape());
    }
    return toDoubleArray(t)[0];
  }

  /**
   * Standard normal samples, reproducible from {@code seed} on every backend: the values are drawn
   * on the host from {@link SplittableRandom} (so the same seed gives the same numbers whatever the
   * backend), then copied in.
   */
  default Tensor randomNormal(Shape shape, DType dtype, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] d = new double[Math.toIntExact(shape.size())];
    for (int i = 0; i < d.length; i++) {
      d[i] = random.nextGaussian();
    }
    return fromDoubles(d, shape, dtype);
  }

  /**
   * Uniform samples in {@code [low, high)}, reproducible from {@code seed} on every backend (drawn
   * on the host like {@link #randomNormal}). In float32, a draw that would round up to {@code high}
   * is replaced by the largest float32 below it, so the interval stays half-open.
   *
   * @throws IllegalArgumentException unless {@code low < high}, both finite
   */
  default Tensor randomUniform(Shape shape, DType dtype, double low, double high, long seed) {
    if (!(low < high) || Double.isInfinite(low) || Double.isInfinite(high)) {
      throw new IllegalArgumentException(
          "randomUniform needs finite low < high, got [" + low + ", " + high + ")");
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] d = new double[Math.toIntExact(shape.size())];
    for (int i = 0; i < d.length; i++) {
      d[i] = random.nextDouble(low, high);
      if (dtype == DType.FLOAT32 && (float) d[i] >= (float) high) {
        d[i] = Math.nextDown((float) high);
      }
    }
    return fromDoubles(d, shape, dtype);
  }

  /** {@code x + c}. */
  default Tensor add(Tensor x, double c) {
    return add(x, scalar(c, x.dtype()));
  }

  /** {@code x * c}. */
  default Tensor mul(Tensor x, double c) {
    return mul(x, scalar(c, x.dtype()));
  }

  /** {@code x ^ c}. */
  default Tensor pow(Tensor x, double c) {
    return pow(x, scalar(c, x.dtype()));
  }

  /** {@code x * x}. */
  default Tensor square(Tensor x) {
    return mul(x, x);
  }

  /** {@code 1 / x}. */
  default Tensor reciprocal(Tensor x) {
    return div(scalar(1.0, x.dtype()), x);
  }

  /** {@code a > b}. */
  default Tensor gt(Tensor a, Tensor b) {
    return lt(b, a);
  }

  /** {@code a >= b}. */
  default Tensor ge(Tensor a, Tensor b) {
    return le(b, a);
  }

  /** Sum of all elements, a 0-d tensor. */
  default Tensor sum(Tensor x) {
    return sum(x, new int[0], false);
  }

  /** Mean over {@code axes} (all when empty). */
  default Tensor mean(Tensor x, int[] axes, boolean keepDims) {
    long count = 1;
    if (axes.length == 0) {
      count = x.shape().size();
    } else {
      for (int axis : axes) {
        count *= x.shape().dim(axis);
      }
    }
    return div(sum(x, axes, keepDims), scalar(count, x.dtype()));
  }

  /** Mean of all elements, a 0-d tensor. */
  default Tensor mean(Tensor x) {
    return mean(x, new int[0], false);
  }

  /** {@code log Σ e^x} over {@code axis}, stabilised by the maximum, keeping the axis. */
  default Tensor logSumExp(Tensor x, int axis) {
    Tensor m = max(x, new int[] {axis}, true);
    return add(log(sum(exp(sub(x, m)), new int[] {axis}, true)), m);
  }

  /**
   * {@code log softmax(x)} over {@code axis}, computed as {@code (x − m) − log Σ e^(x−m)} with
   * {@code m} the maximum, so that large inputs lose no precision (adding {@code m} back first, as
   * {@code x − logSumExp(x)} would, costs {@code |x|·ε} in float32).
   */
  default Tensor logSoftmax(Tensor x, int axis) {
    Tensor shifted = sub(x, max(x, new int[] {axis}, true));
    return sub(shifted, log(sum(exp(shifted), new int[] {axis}, true)));
  }

  /** {@code e^(x−m) / Σ e^(x−m)} over {@code axis}, with {@code m} the maximum. */
  default Tensor softmax(Tensor x, int axis) {
    Tensor e = exp(sub(x, max(x, new int[] {axis}, true)));
    return div(e, sum(e, new int[] {axis}, true));
  }

  /** Inner product of two tensors of equal shape: {@code Σ a·b}, a 0-d tensor. */
  default Tensor vdot(Tensor a, Tensor b) {
    return sum(mul(a, b));
  }
}
