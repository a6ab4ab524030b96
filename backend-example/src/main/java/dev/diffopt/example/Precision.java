package dev.diffopt.example;

import dev.diffopt.tensor.DType;

/**
 * Keeps values representable in their dtype. The example computes everything in {@code double}
 * and rounds each result element once: for FLOAT32 that gives the correctly rounded float32 result
 * of every basic operation (a double has more than twice float's precision), and for the integer
 * types and BOOL it is the conversion {@code TensorOps.cast} specifies.
 */
final class Precision {
  private Precision() {}

  /**
   * {@code value} as {@code dtype} holds it: FLOAT32 rounds to nearest, INT32 and INT64 truncate
   * toward zero as Java's casts do, BOOL is 1 for any non-zero value.
   */
  static double round(double value, DType dtype) {
    return switch (dtype) {
      case FLOAT64 -> value;
      case FLOAT32 -> (float) value;
      case INT32 -> (int) value;
      case INT64 -> (long) value;
      case BOOL -> value != 0 ? 1 : 0;
    };
  }

  /** Rounds every element of {@code values} in place; returns the array. */
  static double[] roundAll(double[] values, DType dtype) {
    if (dtype != DType.FLOAT64) {
      for (int i = 0; i < values.length; i++) {
        values[i] = round(values[i], dtype);
      }
    }
    return values;
  }
}
