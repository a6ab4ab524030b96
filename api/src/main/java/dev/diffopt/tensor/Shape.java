package dev.diffopt.tensor;

import java.util.Arrays;

/**
 * An immutable tensor shape: the extent of every dimension, outermost first. The empty shape
 * {@code ()} is a 0-d scalar with one element.
 */
public final class Shape {
  private static final Shape SCALAR = new Shape(new long[0]);

  private final long[] dims;

  private Shape(long[] dims) {
    this.dims = dims;
  }

  /**
   * A shape with the given dimensions.
   *
   * @throws IllegalArgumentException if a dimension is negative
   */
  public static Shape of(long... dims) {
    if (dims.length == 0) {
      return SCALAR;
    }
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < 0) {
        throw new IllegalArgumentException(
            "dimension " + i + " must be >= 0, got " + dims[i] + " in " + Arrays.toString(dims));
      }
    }
    return new Shape(dims.clone());
  }

  /** The 0-d shape {@code ()}. */
  public static Shape scalar() {
    return SCALAR;
  }

  /** Number of dimensions. */
  public int rank() {
    return dims.length;
  }

  /** Extent of dimension {@code axis}; negative axes count from the end. */
  public long dim(int axis) {
    return dims[normalizeAxis(axis)];
  }

  /** A copy of the dimensions. */
  public long[] dims() {
    return dims.clone();
  }

  /** Number of elements (1 for a scalar). */
  public long size() {
    long n = 1;
    for (long d : dims) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /**
   * Row-major strides in elements: how far apart neighbours along each axis lie in a contiguous
   * buffer of this shape.
   */
  public long[] strides() {
    long[] strides = new long[dims.length];
    long step = 1;
    for (int axis = dims.length - 1; axis >= 0; axis--) {
      strides[axis] = step;
      step *= dims[axis];
    }
    return strides;
  }

  /**
   * The strides of a contiguous buffer of this shape read as {@code target} under NumPy
   * broadcasting (the shapes aligned at their last axes): 0 along the axes where this shape has
   * extent 1 or that it lacks, so those repeat one element.
   *
   * @param target a shape this one broadcasts to (not checked)
   * @return one stride per axis of {@code target}
   */
  public long[] broadcastStrides(Shape target) {
    long[] own = strides();
    long[] out = new long[target.rank()];
    int shift = target.rank() - dims.length;
    for (int axis = 0; axis < dims.length; axis++) {
      out[axis + shift] = dims[axis] == 1 ? 0 : own[axis];
    }
    return out;
  }

  /**
   * Maps a possibly negative axis into {@code [0, rank)}.
   *
   * @throws IllegalArgumentException if the axis is out of range
   */
  public int normalizeAxis(int axis) {
    int a = axis < 0 ? axis + dims.length : axis;
    if (a < 0 || a >= dims.length) {
      throw new IllegalArgumentException(
          "axis must be in [" + (-dims.length) + ", " + dims.length + ") for shape " + this
              + ", got " + axis);
    }
    return a;
  }

  /**
   * The NumPy broadcast of two shapes: dimensions are aligned from the end and each pair must be
   * equal or contain a 1.
   *
   * @throws IllegalArgumentException naming both shapes if they do not broadcast
   */
  public static Shape broadcast(Shape a, Shape b) {
    int rank = Math.max(a.rank(), b.rank());
    long[] out = new long[rank];
    for (int i = 0; i < rank; i++) {
      long da = i < rank - a.rank() ? 1 : a.dims[i - (rank - a.rank())];
      long db = i < rank - b.rank() ? 1 : b.dims[i - (rank - b.rank())];
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException(
            "shapes " + a + " and " + b + " do not broadcast (dimension " + i + ": " + da + " vs "
                + db + ")");
      }
      out[i] = da == 1 ? db : da;
    }
    return new Shape(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  /** Python-style: {@code (2, 3)}, {@code (5,)}, {@code ()}. */
  @Override
  public String toString() {
    if (dims.length == 1) {
      return "(" + dims[0] + ",)";
    }
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < dims.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(dims[i]);
    }
    return sb.append(')').toString();
  }
}
