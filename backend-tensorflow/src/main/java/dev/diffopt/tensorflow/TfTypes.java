package dev.diffopt.tensorflow;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/** Conversions between diffopt's dtypes and shapes and TensorFlow's, and host copies. */
final class TfTypes {
  private TfTypes() {}

  static DataType dataType(DType dtype) {
    return switch (dtype) {
      case FLOAT32 -> DataType.DT_FLOAT;
      case FLOAT64 -> DataType.DT_DOUBLE;
      case INT32 -> DataType.DT_INT32;
      case INT64 -> DataType.DT_INT64;
      case BOOL -> DataType.DT_BOOL;
    };
  }

  static DType dtype(DataType type) {
    return switch (type) {
      case DT_FLOAT -> DType.FLOAT32;
      case DT_DOUBLE -> DType.FLOAT64;
      case DT_INT32 -> DType.INT32;
      case DT_INT64 -> DType.INT64;
      case DT_BOOL -> DType.BOOL;
      default -> throw new IllegalArgumentException("tensorflow dtype " + type + " has no diffopt dtype");
    };
  }

  static Class<? extends TType> tensorClass(DType dtype) {
    return switch (dtype) {
      case FLOAT32 -> TFloat32.class;
      case FLOAT64 -> TFloat64.class;
      case INT32 -> TInt32.class;
      case INT64 -> TInt64.class;
      case BOOL -> TBool.class;
    };
  }

  static org.tensorflow.ndarray.Shape tfShape(Shape shape) {
    return org.tensorflow.ndarray.Shape.of(shape.dims());
  }

  /** A fully known TensorFlow shape as a diffopt shape; fails for unknown dimensions. */
  static Shape shape(org.tensorflow.ndarray.Shape shape, String what) {
    if (shape.isUnknown() || shape.hasUnknownDimension()) {
      throw new IllegalStateException(
          "tensorflow could not infer the static shape of " + what + " (got " + shape + ")");
    }
    return Shape.of(shape.asArray());
  }

  /** A new host tensor holding {@code data} converted to {@code dtype}. */
  static Tensor tensor(double[] data, Shape shape, DType dtype) {
    java.nio.ByteBuffer bytes = buffer(data.length, dtype);
    for (double v : data) {
      put(bytes, v, dtype);
    }
    return tensor(bytes, shape, dtype);
  }

  /** A new host tensor of {@code shape} with every element {@code value}. */
  static Tensor filled(Shape shape, double value, DType dtype) {
    int n = Math.toIntExact(shape.size());
    java.nio.ByteBuffer bytes = buffer(n, dtype);
    for (int i = 0; i < n; i++) {
      put(bytes, value, dtype);
    }
    return tensor(bytes, shape, dtype);
  }

  private static java.nio.ByteBuffer buffer(int elements, DType dtype) {
    return java.nio.ByteBuffer.allocate(Math.multiplyExact(elements, dtype.byteSize()))
        .order(java.nio.ByteOrder.nativeOrder());
  }

  private static void put(java.nio.ByteBuffer bytes, double v, DType dtype) {
    switch (dtype) {
      case FLOAT32 -> bytes.putFloat((float) v);
      case FLOAT64 -> bytes.putDouble(v);
      case INT32 -> bytes.putInt((int) v);
      case INT64 -> bytes.putLong((long) v);
      case BOOL -> bytes.put((byte) (v != 0 ? 1 : 0));
    }
  }

  private static Tensor tensor(java.nio.ByteBuffer bytes, Shape shape, DType dtype) {
    bytes.flip();
    ByteDataBuffer buffer = DataBuffers.of(bytes);
    return Tensor.of(tensorClass(dtype), tfShape(shape), buffer);
  }

  /** The elements of a host tensor in row-major order as doubles. */
  static double[] toDoubles(Tensor t, DType dtype) {
    ByteDataBuffer data = t.asRawTensor().data();
    int n = Math.toIntExact(t.shape().size());
    double[] out = new double[n];
    switch (dtype) {
      case FLOAT32 -> {
        float[] f = new float[n];
        data.asFloats().read(f);
        for (int i = 0; i < n; i++) {
          out[i] = f[i];
        }
      }
      case FLOAT64 -> data.asDoubles().read(out);
      case INT32 -> {
        int[] v = new int[n];
        data.asInts().read(v);
        for (int i = 0; i < n; i++) {
          out[i] = v[i];
        }
      }
      case INT64 -> {
        long[] v = new long[n];
        data.asLongs().read(v);
        for (int i = 0; i < n; i++) {
          out[i] = v[i];
        }
      }
      case BOOL -> {
        for (int i = 0; i < n; i++) {
          out[i] = data.getByte(i) != 0 ? 1 : 0;
        }
      }
    }
    return out;
  }
}
