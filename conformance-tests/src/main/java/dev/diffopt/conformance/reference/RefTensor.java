package dev.diffopt.conformance.reference;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import java.util.Arrays;

/**
 * An immutable tensor of the float64 reference: row-major {@code double} values, a {@link Shape}
 * and the {@link DType} a backend's result should have.
 *
 * <p>Invariant: every value is exactly representable in the dtype. {@link #of} converts the data
 * the way {@code TensorOps.fromDoubles} and {@code cast} do — FLOAT32 rounds through {@code
 * (float)}, INT32/INT64 truncate toward zero as Java's {@code (int)}/{@code (long)} casts, BOOL is
 * {@code value != 0} stored as 0 or 1 — so a FLOAT32 reference result is the exact result of the
 * operation on float32 inputs, rounded once to float32.
 */
public final class RefTensor {
  private final double[] data;
  private final Shape shape;
  private final DType dtype;

  private RefTensor(double[] data, Shape shape, DType dtype) {
    this.data = data;
    this.shape = shape;
    this.dtype = dtype;
  }

  /**
   * A tensor holding {@code data} (row-major) converted to {@code dtype}.
   *
   * @throws IllegalArgumentException if {@code data.length} differs from the size of {@code shape}
   */
  public static RefTensor of(double[] data, Shape shape, DType dtype) {
    if (data.length != shape.size()) {
      throw new IllegalArgumentException(
          "data has " + data.length + " elements but shape " + shape + " needs " + shape.size());
    }
    double[] copy = new double[data.length];
    for (int i = 0; i < data.length; i++) {
      copy[i] = convert(data[i], dtype);
    }
    return new RefTensor(copy, shape, dtype);
  }

  /** A 0-d tensor. */
  public static RefTensor scalar(double value, DType dtype) {
    return of(new double[] {value}, Shape.scalar(), dtype);
  }

  /** A FLOAT64 tensor, convenient in tests: {@code RefTensor.f64(Shape.of(2), 1, 2)}. */
  public static RefTensor f64(Shape shape, double... data) {
    return of(data, shape, DType.FLOAT64);
  }

  /**
   * {@code value} converted to {@code dtype}: float32 rounding, truncation toward zero for integer
   * types, {@code != 0} (as 0 or 1) for BOOL.
   */
  public static double convert(double value, DType dtype) {
    return switch (dtype) {
      case FLOAT64 -> value;
      case FLOAT32 -> (float) value;
      case INT32 -> (int) value;
      case INT64 -> (long) value;
      case BOOL -> value != 0 ? 1.0 : 0.0;
    };
  }

  /** The values in row-major order (a copy). */
  public double[] data() {
    return data.clone();
  }

  /** The value at row-major position {@code flatIndex}. */
  public double get(int flatIndex) {
    return data[flatIndex];
  }

  /** The value at the multi-index {@code index} (one entry per dimension). */
  public double at(long... index) {
    return data[Indexing.offset(shape, index)];
  }

  /** Number of elements. */
  public int size() {
    return data.length;
  }

  /** The shape. */
  public Shape shape() {
    return shape;
  }

  /** The dtype. */
  public DType dtype() {
    return dtype;
  }

  /** {@code FLOAT64(2, 3)[...]}, with the values when there are at most 64 of them. */
  @Override
  public String toString() {
    String values = data.length <= 64 ? Arrays.toString(data) : "[" + data.length + " values]";
    return dtype + "" + shape + values;
  }
}
