package dev.diffopt.transform;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensor.TensorTrees;

/**
 * Replaces non-finite elements of the updates (NumPy's and PyTorch's {@code nan_to_num}; optax's
 * {@code zero_nans} is {@link #zeroNans()}):
 *
 * <pre>
 *   u ← nan      where u ≠ u        (NaN is the only value not equal to itself)
 *   u ← posInf   where u = +∞
 *   u ← negInf   where u = −∞
 * </pre>
 *
 * <p>Computed with {@code eq} and {@code where}, no host read; the gradient passes through the
 * finite elements and is zero at the replaced ones. Stateless.
 *
 * <p>Replacement values may be infinite ({@code posInf = +∞} leaves +∞ as it is) but not NaN. A
 * value is cast to each leaf's dtype (a float64 value beyond the float32 range becomes ±∞ there).
 * Leaves of integer or boolean dtype are returned unchanged.
 *
 * @param nan the value for NaN; not NaN
 * @param posInf the value for +∞; not NaN, or {@code null} for the largest finite value of each
 *     leaf's dtype (NumPy's default)
 * @param negInf the value for −∞; not NaN, or {@code null} for the most negative finite value of
 *     each leaf's dtype
 */
public record NanToNum(double nan, Double posInf, Double negInf) implements GradientTransformation {

  /** Its state: nothing. */
  public record State() {}

  /**
   * Validates the replacement values.
   *
   * @param nan the value for NaN
   * @param posInf the value for +∞ or null
   * @param negInf the value for −∞ or null
   */
  public NanToNum {
    notNaN("nan", nan);
    if (posInf != null) {
      notNaN("posInf", posInf);
    }
    if (negInf != null) {
      notNaN("negInf", negInf);
    }
  }

  /**
   * NumPy's defaults: NaN → 0, ±∞ → the largest finite value of the dtype with that sign.
   *
   * @return the transformation
   */
  public static NanToNum defaults() {
    return new NanToNum(0.0, null, null);
  }

  /**
   * Explicit replacement values.
   *
   * @param nan the value for NaN, not NaN
   * @param posInf the value for +∞, not NaN (+∞ keeps it)
   * @param negInf the value for −∞, not NaN (−∞ keeps it)
   * @return the transformation
   */
  public static NanToNum of(double nan, double posInf, double negInf) {
    return new NanToNum(nan, posInf, negInf);
  }

  /**
   * Replaces NaN by 0 and leaves infinities as they are (optax {@code zero_nans}, without its
   * found-NaN flag).
   *
   * @return the transformation
   */
  public static NanToNum zeroNans() {
    return new NanToNum(0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
  }

  @Override
  public Object init(Object params) {
    return new State();
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    States.expect(state, State.class, this);
    return new Step<>(TensorTrees.map(updates, this::replace), state);
  }

  private Tensor replace(Tensor u) {
    TensorOps ops = u.ops();
    DType dtype = u.dtype();
    if (!dtype.isFloating()) {
      return u;
    }
    double largest = dtype == DType.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE;
    Tensor out = ops.where(ops.eq(u, u), u, ops.scalar(nan, dtype));
    double pos = posInf == null ? largest : posInf;
    double neg = negInf == null ? -largest : negInf;
    if (pos != Double.POSITIVE_INFINITY) {
      Tensor inf = ops.scalar(Double.POSITIVE_INFINITY, dtype);
      out = ops.where(ops.eq(out, inf), ops.scalar(pos, dtype), out);
    }
    if (neg != Double.NEGATIVE_INFINITY) {
      Tensor inf = ops.scalar(Double.NEGATIVE_INFINITY, dtype);
      out = ops.where(ops.eq(out, inf), ops.scalar(neg, dtype), out);
    }
    return out;
  }

  private static void notNaN(String name, double value) {
    if (Double.isNaN(value)) {
      throw new IllegalArgumentException(name + " must not be NaN, got " + value);
    }
  }
}
