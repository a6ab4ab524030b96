package dev.diffopt.example;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * The loops behind the primitives, on flat {@code double} arrays and the positions {@link Offsets}
 * computes. They know nothing of shapes, dtypes or validation: {@link HostTensorOps} does that
 * first, and rounds the results to their dtype afterwards.
 */
final class Kernels {
  private Kernels() {}

  /** {@code f} applied to every element. */
  static double[] map(double[] x, DoubleUnaryOperator f) {
    double[] out = new double[x.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = f.applyAsDouble(x[i]);
    }
    return out;
  }

  /** {@code out[i] = f(a[atA[i]], b[atB[i]])}: a binary operation after broadcasting. */
  static double[] zip(double[] a, int[] atA, double[] b, int[] atB, DoubleBinaryOperator f) {
    double[] out = new double[atA.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = f.applyAsDouble(a[atA[i]], b[atB[i]]);
    }
    return out;
  }

  /** {@code out[i] = cond[atC[i]] != 0 ? a[atA[i]] : b[atB[i]]}. */
  static double[] select(double[] cond, int[] atC, double[] a, int[] atA, double[] b, int[] atB) {
    double[] out = new double[atC.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = cond[atC[i]] != 0 ? a[atA[i]] : b[atB[i]];
    }
    return out;
  }

  /** {@code out[i] = x[from[i]]}: broadcastTo and transpose. */
  static double[] gather(double[] x, int[] from) {
    double[] out = new double[from.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = x[from[i]];
    }
    return out;
  }

  /**
   * Folds every {@code x[i]} into {@code out[into[i]]} with {@code f}, starting each of the {@code
   * size} results at {@code identity}: sum, max and min over axes.
   */
  static double[] reduce(double[] x, int[] into, int size, double identity,
      DoubleBinaryOperator f) {
    double[] out = new double[size];
    Arrays.fill(out, identity);
    for (int i = 0; i < x.length; i++) {
      out[into[i]] = f.applyAsDouble(out[into[i]], x[i]);
    }
    return out;
  }

  /**
   * The {@code (m, n)} product of a row-major {@code (m, k)} and {@code (k, n)} matrix, in the
   * i-k-j loop order, which reads both operands along rows.
   */
  static double[] matmul(double[] a, double[] b, int m, int k, int n) {
    double[] out = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int p = 0; p < k; p++) {
        double aip = a[i * k + p];
        for (int j = 0; j < n; j++) {
          out[i * n + j] += aip * b[p * n + j];
        }
      }
    }
    return out;
  }
}
