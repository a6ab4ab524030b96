package dev.diffopt.conformance.reference;

import dev.diffopt.tensor.Shape;

/**
 * Row-major index arithmetic for the reference: flat offsets, multi-indices, and the NumPy
 * broadcasting rule that maps an index of the broadcast result to an element of an operand.
 */
final class Indexing {
  private Indexing() {}

  /** Row-major strides of {@code shape}, in elements. */
  static long[] strides(Shape shape) {
    long[] dims = shape.dims();
    long[] strides = new long[dims.length];
    long s = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      strides[i] = s;
      s *= dims[i];
    }
    return strides;
  }

  /** The multi-index of row-major position {@code flat} in {@code shape}. */
  static long[] unravel(long flat, Shape shape) {
    long[] dims = shape.dims();
    long[] index = new long[dims.length];
    for (int i = dims.length - 1; i >= 0; i--) {
      index[i] = flat % dims[i];
      flat /= dims[i];
    }
    return index;
  }

  /** The row-major position of the multi-index {@code index} in {@code shape}. */
  static int offset(Shape shape, long[] index) {
    if (index.length != shape.rank()) {
      throw new IllegalArgumentException(
          "index of length " + index.length + " for shape " + shape + " of rank " + shape.rank());
    }
    long[] strides = strides(shape);
    long off = 0;
    for (int i = 0; i < index.length; i++) {
      if (index[i] < 0 || index[i] >= shape.dim(i)) {
        throw new IndexOutOfBoundsException("index " + index[i] + " on axis " + i + " of " + shape);
      }
      off += index[i] * strides[i];
    }
    return Math.toIntExact(off);
  }

  /**
   * The row-major position in an operand of shape {@code operand} of the element that NumPy
   * broadcasting pairs with the result multi-index {@code resultIndex}: dimensions are aligned from
   * the end, and a dimension of extent 1 always reads index 0.
   */
  static int broadcastOffset(long[] resultIndex, Shape operand) {
    long[] dims = operand.dims();
    long[] strides = strides(operand);
    int lead = resultIndex.length - dims.length;
    long off = 0;
    for (int i = 0; i < dims.length; i++) {
      long idx = dims[i] == 1 ? 0 : resultIndex[lead + i];
      off += idx * strides[i];
    }
    return Math.toIntExact(off);
  }
}
