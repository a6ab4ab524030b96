package dev.diffopt.distributed;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A list of tensors as one flat host buffer: every value of every tensor end to end (in float64,
 * so sums of float32 gradients lose nothing), with each tensor's shape and dtype. This is how
 * meta-parameters are broadcast to workers and how their gradients come back: serializable,
 * independent of any backend, one array to ship.
 *
 * @param shapes each tensor's dimensions
 * @param dtypes each tensor's element type
 * @param values all values, tensor after tensor, each row-major
 */
public record FlatTensors(long[][] shapes, DType[] dtypes, double[] values)
    implements Serializable {

  /**
   * Checks that the parts agree.
   *
   * @throws IllegalArgumentException if the numbers of shapes and dtypes differ or the values do
   *     not fill the shapes exactly
   */
  public FlatTensors {
    if (shapes == null || dtypes == null || values == null) {
      throw new NullPointerException("shapes, dtypes and values must not be null");
    }
    if (shapes.length != dtypes.length) {
      throw new IllegalArgumentException(
          shapes.length + " shapes but " + dtypes.length + " dtypes");
    }
    long total = 0;
    for (long[] s : shapes) {
      total += Shape.of(s).size();
    }
    if (total != values.length) {
      throw new IllegalArgumentException(
          "the shapes hold " + total + " values but " + values.length + " were given");
    }
  }

  /** Copies {@code tensors} to the host (one copy per tensor). */
  public static FlatTensors of(List<Tensor> tensors) {
    if (tensors == null) {
      throw new NullPointerException("tensors is null");
    }
    long[][] shapes = new long[tensors.size()][];
    DType[] dtypes = new DType[tensors.size()];
    List<double[]> parts = new ArrayList<>(tensors.size());
    int total = 0;
    for (int i = 0; i < tensors.size(); i++) {
      Tensor t = tensors.get(i);
      if (t == null) {
        throw new NullPointerException("tensor " + i + " is null");
      }
      shapes[i] = t.shape().dims();
      dtypes[i] = t.dtype();
      double[] v = t.toDoubleArray();
      parts.add(v);
      total = Math.addExact(total, v.length);
    }
    double[] values = new double[total];
    int at = 0;
    for (double[] v : parts) {
      System.arraycopy(v, 0, values, at, v.length);
      at += v.length;
    }
    return new FlatTensors(shapes, dtypes, values);
  }

  /** The same layout filled with zeros. */
  public FlatTensors zeros() {
    return new FlatTensors(shapes, dtypes, new double[values.length]);
  }

  /** Number of tensors. */
  public int count() {
    return shapes.length;
  }

  /** The tensors on {@code ops}'s backend, owned by the current {@link Scope}. */
  public List<Tensor> toTensors(TensorOps ops) {
    List<Tensor> out = new ArrayList<>(shapes.length);
    int at = 0;
    for (int i = 0; i < shapes.length; i++) {
      Shape shape = Shape.of(shapes[i]);
      int n = Math.toIntExact(shape.size());
      out.add(ops.fromDoubles(Arrays.copyOfRange(values, at, at + n), shape, dtypes[i]));
      at += n;
    }
    return out;
  }

  /**
   * Element-wise sum with {@code other}, of the same layout.
   *
   * @throws IllegalArgumentException if the layouts differ, naming the first difference
   */
  public FlatTensors plus(FlatTensors other) {
    requireSameLayout(other);
    double[] sum = values.clone();
    for (int i = 0; i < sum.length; i++) {
      sum[i] += other.values[i];
    }
    return new FlatTensors(shapes, dtypes, sum);
  }

  /** Every value times {@code factor}. */
  public FlatTensors times(double factor) {
    double[] out = values.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] *= factor;
    }
    return new FlatTensors(shapes, dtypes, out);
  }

  /** Throws unless {@code other} has the same shapes and dtypes. */
  public void requireSameLayout(FlatTensors other) {
    if (other == null) {
      throw new NullPointerException("other is null");
    }
    if (other.shapes.length != shapes.length) {
      throw new IllegalArgumentException(
          "layouts differ: " + shapes.length + " tensors vs " + other.shapes.length);
    }
    for (int i = 0; i < shapes.length; i++) {
      if (!Arrays.equals(shapes[i], other.shapes[i]) || dtypes[i] != other.dtypes[i]) {
        throw new IllegalArgumentException("layouts differ at tensor " + i + ": " + dtypes[i]
            + Arrays.toString(shapes[i]) + " vs " + other.dtypes[i]
            + Arrays.toString(other.shapes[i]));
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FlatTensors f && Arrays.deepEquals(shapes, f.shapes)
        && Arrays.equals(dtypes, f.dtypes) && Arrays.equals(values, f.values);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.deepHashCode(shapes) + Arrays.hashCode(dtypes))
        + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("FlatTensors(");
    for (int i = 0; i < shapes.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(dtypes[i]).append(Arrays.toString(shapes[i]));
    }
    return sb.append("; ").append(values.length).append(" values)").toString();
  }
}
