package dev.diffopt.tensor;

import java.util.Arrays;

/**
 * Argument checks shared by every backend, so that bad input gives the same clear message whatever
 * runs it. Each method throws {@link IllegalArgumentException} (or {@link IllegalStateException}
 * for a closed tensor) with the offending values in the message, and returns normally otherwise.
 */
public final class TensorChecks {
  private TensorChecks() {}

  /** {@code t} is open. */
  public static void open(Tensor t, String op) {
    if (t == null) {
      throw new NullPointerException(op + ": tensor argument is null");
    }
    if (t.isClosed()) {
      throw new IllegalStateException(
          op + ": tensor " + t.dtype() + t.shape() + " is closed (was it created in a scope that "
              + "has ended? keep it with Scope.keep)");
    }
  }

  /** Both are open and have the same dtype; returns the broadcast shape. */
  public static Shape binary(Tensor a, Tensor b, String op) {
    open(a, op);
    open(b, op);
    sameDtype(a, b, op);
    try {
      return Shape.broadcast(a.shape(), b.shape());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(op + ": " + e.getMessage(), e);
    }
  }

  /** {@code a} and {@code b} have the same dtype. */
  public static void sameDtype(Tensor a, Tensor b, String op) {
    if (a.dtype() != b.dtype()) {
      throw new IllegalArgumentException(
          op + ": dtype mismatch " + a.dtype() + " vs " + b.dtype()
              + " (no implicit promotion: cast one operand)");
    }
  }

  /** {@code t} has a floating-point dtype. */
  public static void floating(Tensor t, String op) {
    open(t, op);
    if (!t.dtype().isFloating()) {
      throw new IllegalArgumentException(op + ": needs a floating-point tensor, got " + t.dtype());
    }
  }

  /** {@code data} has exactly {@code shape.size()} elements. */
  public static void dataSize(int length, Shape shape) {
    if (length != shape.size()) {
      throw new IllegalArgumentException(
          "data has " + length + " elements but shape " + shape + " needs " + shape.size());
    }
  }

  /** {@code value} is a number, not NaN (infinities are allowed for {@code full}). */
  public static void notNaN(double value, String what) {
    if (Double.isNaN(value)) {
      throw new IllegalArgumentException(what + " must not be NaN");
    }
  }

  /** Axes are in range and distinct; returns them normalised and sorted. */
  public static int[] axes(Shape shape, int[] axes, String op) {
    int[] out = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      try {
        out[i] = shape.normalizeAxis(axes[i]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(op + ": " + e.getMessage(), e);
      }
    }
    Arrays.sort(out);
    for (int i = 1; i < out.length; i++) {
      if (out[i] == out[i - 1]) {
        throw new IllegalArgumentException(
            op + ": axis " + out[i] + " repeated in " + Arrays.toString(axes));
      }
    }
    return out;
  }

  /**
   * The axes a reduction runs over: {@code axes} normalized and sorted as by {@link #axes}, or
   * every axis of {@code shape} when {@code axes} is empty (the reductions' contract).
   *
   * @param shape the shape of the reduced tensor
   * @param axes the axes given, possibly empty
   * @param op the operation, for messages
   * @return the sorted axes to reduce
   * @throws IllegalArgumentException if an axis is out of range or repeated
   */
  public static int[] reductionAxes(Shape shape, int[] axes, String op) {
    int[] normalized = axes(shape, axes, op);
    if (normalized.length > 0) {
      return normalized;
    }
    int[] all = new int[shape.rank()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    return all;
  }

  /**
   * Requires an open tensor that is not {@link DType#BOOL} (reductions need numbers).
   *
   * @param t the tensor
   * @param op the operation, for messages
   * @throws IllegalArgumentException for a BOOL tensor
   */
  public static void numeric(Tensor t, String op) {
    open(t, op);
    if (t.dtype() == DType.BOOL) {
      throw new IllegalArgumentException(op + ": needs a numeric tensor, got BOOL (cast it first)");
    }
  }

  /**
   * Requires a tensor with at least one element (a maximum or minimum of nothing is undefined).
   *
   * @param t the tensor
   * @param op the operation, for messages
   * @throws IllegalArgumentException for an empty tensor
   */
  public static void nonEmpty(Tensor t, String op) {
    open(t, op);
    if (t.shape().size() == 0) {
      throw new IllegalArgumentException(op + ": empty tensor " + t.shape() + " has no " + op);
    }
  }

  /** {@code perm} is a permutation of {@code 0..rank-1}. */
  public static void permutation(Shape shape, int[] perm, String op) {
    boolean[] seen = new boolean[shape.rank()];
    boolean ok = perm.length == shape.rank();
    for (int p : perm) {
      ok &= p >= 0 && p < seen.length && !seen[p];
      if (ok) {
        seen[p] = true;
      }
    }
    if (!ok) {
      throw new IllegalArgumentException(
          op + ": " + Arrays.toString(perm) + " is not a permutation of the " + shape.rank()
              + " axes of shape " + shape);
    }
  }

  /** {@code target} has the same number of elements as {@code x}. */
  public static void reshape(Tensor x, Shape target) {
    open(x, "reshape");
    if (x.shape().size() != target.size()) {
      throw new IllegalArgumentException(
          "reshape: cannot reshape " + x.shape() + " (" + x.shape().size() + " elements) to "
              + target + " (" + target.size() + " elements)");
    }
  }

  /** {@code x} broadcasts to {@code target} exactly. */
  public static void broadcastTo(Tensor x, Shape target) {
    open(x, "broadcastTo");
    Shape b;
    try {
      b = Shape.broadcast(x.shape(), target);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("broadcastTo: " + e.getMessage(), e);
    }
    if (!b.equals(target) || x.shape().rank() > target.rank()) {
      throw new IllegalArgumentException(
          "broadcastTo: shape " + x.shape() + " cannot be broadcast to " + target);
    }
  }

  /** Operands of {@link TensorOps#matmul} are 1-d or 2-d with matching inner dimensions. */
  public static Shape matmul(Tensor a, Tensor b) {
    open(a, "matmul");
    open(b, "matmul");
    sameDtype(a, b, "matmul");
    int ra = a.shape().rank();
    int rb = b.shape().rank();
    if (ra < 1 || ra > 2 || rb < 1 || rb > 2) {
      throw new IllegalArgumentException(
          "matmul: operands must be 1-d or 2-d, got " + a.shape() + " @ " + b.shape());
    }
    long k1 = a.shape().dim(-1);
    long k2 = rb == 1 ? b.shape().dim(0) : b.shape().dim(0);
    if (k1 != k2) {
      throw new IllegalArgumentException(
          "matmul: inner dimensions differ: " + a.shape() + " @ " + b.shape() + " (" + k1 + " vs "
              + k2 + ")");
    }
    if (ra == 2 && rb == 2) {
      return Shape.of(a.shape().dim(0), b.shape().dim(1));
    }
    if (ra == 2) {
      return Shape.of(a.shape().dim(0));
    }
    return rb == 2 ? Shape.of(b.shape().dim(1)) : Shape.scalar();
  }

  /** {@code target} and {@code value} of {@link TensorOps#assign} have equal shapes and dtypes. */
  public static void assign(Tensor target, Tensor value) {
    open(target, "assign");
    open(value, "assign");
    if (!target.shape().equals(value.shape()) || target.dtype() != value.dtype()) {
      throw new IllegalArgumentException(
          "assign: target is " + target.dtype() + target.shape() + " but value is "
              + value.dtype() + value.shape() + " (assign neither broadcasts nor casts)");
    }
  }

  /** The condition of {@code where} is BOOL and all three operands broadcast together. */
  public static Shape where(Tensor cond, Tensor a, Tensor b) {
    open(cond, "where");
    if (cond.dtype() != DType.BOOL) {
      throw new IllegalArgumentException("where: condition must be BOOL, got " + cond.dtype());
    }
    Shape ab = binary(a, b, "where");
    try {
      return Shape.broadcast(cond.shape(), ab);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("where: " + e.getMessage(), e);
    }
  }
}
