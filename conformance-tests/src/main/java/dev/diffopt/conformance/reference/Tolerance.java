package dev.diffopt.conformance.reference;

import dev.diffopt.tensor.DType;

/**
 * How close a backend's value must be to the reference: {@code |actual - expected| <= atol + rtol
 * * |expected|}, with NaN matching only NaN and an infinity only the same infinity.
 *
 * @param rtol relative tolerance, {@code >= 0}
 * @param atol absolute tolerance, {@code >= 0}
 */
public record Tolerance(double rtol, double atol) {
  /** Float64 results: {@code rtol = atol = 1e-12}. */
  public static final Tolerance FLOAT64 = new Tolerance(1e-12, 1e-12);
  /** Float32 results: {@code rtol = 1e-5, atol = 1e-6}. */
  public static final Tolerance FLOAT32 = new Tolerance(1e-5, 1e-6);
  /** Bit-exact (integer, boolean, and conversions that must round exactly). */
  public static final Tolerance EXACT = new Tolerance(0, 0);

  /** Checks the arguments. */
  public Tolerance {
    if (!(rtol >= 0) || !(atol >= 0)) {
      throw new IllegalArgumentException(
          "tolerances must be >= 0, got rtol " + rtol + ", atol " + atol);
    }
  }

  /** The default tolerance for results of {@code dtype}: FLOAT64, FLOAT32 or EXACT. */
  public static Tolerance of(DType dtype) {
    return switch (dtype) {
      case FLOAT64 -> FLOAT64;
      case FLOAT32 -> FLOAT32;
      case INT32, INT64, BOOL -> EXACT;
    };
  }

  /** Whether {@code actual} is close enough to {@code expected}. */
  public boolean accepts(double expected, double actual) {
    if (Double.isNaN(expected) || Double.isNaN(actual)) {
      return Double.isNaN(expected) && Double.isNaN(actual);
    }
    if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
      return expected == actual;
    }
    return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
  }

  /**
   * {@code null} when every element is close enough and the lengths agree, otherwise a message
   * naming the first offending index, both values, the error, the allowed error and how many
   * elements are off.
   */
  public String firstMismatch(double[] expected, double[] actual) {
    if (expected.length != actual.length) {
      return "expected " + expected.length + " elements, got " + actual.length;
    }
    int bad = 0;
    int first = -1;
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      if (!accepts(expected[i], actual[i])) {
        bad++;
        if (first < 0) {
          first = i;
        }
        worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
      }
    }
    if (first < 0) {
      return null;
    }
    return bad + " of " + expected.length + " elements differ beyond rtol " + rtol + ", atol "
        + atol + "; first at index " + first + ": expected " + expected[first] + ", got "
        + actual[first] + " (error " + Math.abs(actual[first] - expected[first]) + ", allowed "
        + (atol + rtol * Math.abs(expected[first])) + "); largest error " + worst;
  }
}
