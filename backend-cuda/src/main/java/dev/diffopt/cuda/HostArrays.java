package dev.diffopt.cuda;

import dev.diffopt.tensor.DType;
import jcuda.Pointer;

/**
 * Host-side element arrays in a dtype's device representation (float[], double[], int[], long[],
 * or byte[] of 0/1 for BOOL), for the copies in and out of device memory.
 */
final class HostArrays {
  private HostArrays() {}

  /**
   * {@code data} converted to {@code dtype}: floating types round, integer types truncate toward
   * zero (as Java casts do), BOOL is "not zero".
   */
  static Object pack(double[] data, DType dtype) {
    int n = data.length;
    switch (dtype) {
      case FLOAT32: {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
          a[i] = (float) data[i];
        }
        return a;
      }
      case FLOAT64:
        return data.clone();
      case INT32: {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
          a[i] = (int) data[i];
        }
        return a;
      }
      case INT64: {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
          a[i] = (long) data[i];
        }
        return a;
      }
      default: {
        byte[] a = new byte[n];
        for (int i = 0; i < n; i++) {
          a[i] = (byte) (data[i] != 0 ? 1 : 0);
        }
        return a;
      }
    }
  }

  /** An uninitialised array for {@code n} elements of {@code dtype}. */
  static Object allocate(DType dtype, int n) {
    return switch (dtype) {
      case FLOAT32 -> new float[n];
      case FLOAT64 -> new double[n];
      case INT32 -> new int[n];
      case INT64 -> new long[n];
      case BOOL -> new byte[n];
    };
  }

  /** The elements of an array made by {@link #pack} or {@link #allocate}, as doubles. */
  static double[] unpack(Object array) {
    if (array instanceof double[] d) {
      return d;
    }
    if (array instanceof float[] f) {
      double[] out = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        out[i] = f[i];
      }
      return out;
    }
    if (array instanceof int[] a) {
      double[] out = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        out[i] = a[i];
      }
      return out;
    }
    if (array instanceof long[] a) {
      double[] out = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        out[i] = a[i];
      }
      return out;
    }
    byte[] b = (byte[]) array;
    double[] out = new double[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = b[i] != 0 ? 1 : 0;
    }
    return out;
  }

  /** A JCuda pointer to the array's elements. */
  static Pointer pointer(Object array) {
    if (array instanceof float[] f) {
      return Pointer.to(f);
    }
    if (array instanceof double[] d) {
      return Pointer.to(d);
    }
    if (array instanceof int[] i) {
      return Pointer.to(i);
    }
    if (array instanceof long[] l) {
      return Pointer.to(l);
    }
    return Pointer.to((byte[]) array);
  }

  /** The kernel-name suffix of {@code dtype} in {@code ops.cu}: f32, f64, i32, i64, b8. */
  static String suffix(DType dtype) {
    return switch (dtype) {
      case FLOAT32 -> "f32";
      case FLOAT64 -> "f64";
      case INT32 -> "i32";
      case INT64 -> "i64";
      case BOOL -> "b8";
    };
  }

  /** The suffix of the raw-copy kernels moving elements of {@code dtype}: w1, w4 or w8. */
  static String width(DType dtype) {
    return "w" + dtype.byteSize();
  }
}
