package dev.diffopt.distributed;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.ArrayList;
import java.util.List;

/**
 * Partitioning along a tensor dimension (TorchOpt's {@code dim_partitioner}): a batch given as
 * tensors that share an extent along one axis becomes one task per index along it ({@link
 * #alongAxis}), which any {@link Partitioner} then groups (one per part: exclusive; balanced or
 * fixed groups: grouped); on the worker, {@link #stack} rebuilds the part's sub-batch.
 */
public final class Slices {
  private Slices() {}

  /**
   * One task per index along {@code axis}: task {@code i} holds, for every tensor of {@code
   * batch}, its slice at {@code i} with the axis removed.
   *
   * @param batch tensors with the same extent along {@code axis}
   * @param axis the batch axis (negative counts from the end)
   * @throws IllegalArgumentException if the batch is empty or the extents differ, naming the
   *     tensor
   */
  public static List<FlatTensors> alongAxis(List<Tensor> batch, int axis) {
    if (batch == null || batch.isEmpty()) {
      throw new IllegalArgumentException("alongAxis needs at least one tensor");
    }
    long extent = -1;
    int[] axes = new int[batch.size()];
    for (int t = 0; t < batch.size(); t++) {
      Shape s = batch.get(t).shape();
      axes[t] = s.normalizeAxis(axis);
      long e = s.dim(axes[t]);
      if (extent >= 0 && e != extent) {
        throw new IllegalArgumentException("alongAxis: tensor " + t + " has " + e
            + " entries along axis " + axis + ", tensor 0 has " + extent);
      }
      extent = e;
    }
    int n = Math.toIntExact(extent);
    long[][][] shapes = new long[n][batch.size()][];
    DType[] dtypes = new DType[batch.size()];
    double[][][] values = new double[n][batch.size()][];
    for (int t = 0; t < batch.size(); t++) {
      Tensor x = batch.get(t);
      dtypes[t] = x.dtype();
      long[] dims = x.shape().dims();
      int a = axes[t];
      long outer = 1;
      for (int d = 0; d < a; d++) {
        outer *= dims[d];
      }
      long inner = 1;
      for (int d = a + 1; d < dims.length; d++) {
        inner *= dims[d];
      }
      long[] sliceDims = new long[dims.length - 1];
      for (int d = 0, j = 0; d < dims.length; d++) {
        if (d != a) {
          sliceDims[j++] = dims[d];
        }
      }
      double[] all = x.toDoubleArray();
      for (int i = 0; i < n; i++) {
        double[] v = new double[Math.toIntExact(outer * inner)];
        for (long o = 0; o < outer; o++) {
          System.arraycopy(all, Math.toIntExact((o * n + i) * inner), v,
              Math.toIntExact(o * inner), Math.toIntExact(inner));
        }
        shapes[i][t] = sliceDims;
        values[i][t] = v;
      }
    }
    List<FlatTensors> tasks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int total = 0;
      for (double[] v : values[i]) {
        total += v.length;
      }
      double[] flat = new double[total];
      int at = 0;
      for (double[] v : values[i]) {
        System.arraycopy(v, 0, flat, at, v.length);
        at += v.length;
      }
      tasks.add(new FlatTensors(shapes[i], dtypes.clone(), flat));
    }
    return tasks;
  }

  /**
   * The inverse of {@link #alongAxis} for a part: the slices stacked back along {@code axis} on
   * {@code ops}'s backend, one tensor per tensor of the original batch.
   *
   * @throws IllegalArgumentException if the slices are empty or their layouts differ
   */
  public static List<Tensor> stack(List<FlatTensors> slices, TensorOps ops, int axis) {
    if (slices == null || slices.isEmpty()) {
      throw new IllegalArgumentException("stack needs at least one slice");
    }
    FlatTensors first = slices.get(0);
    for (FlatTensors s : slices) {
      first.requireSameLayout(s);
    }
    int n = slices.size();
    List<Tensor> out = new ArrayList<>(first.count());
    int offset = 0;
    for (int t = 0; t < first.count(); t++) {
      long[] sliceDims = first.shapes()[t];
      int a = Shape.of(insert(sliceDims, 0, 1)).normalizeAxis(axis);
      long outer = 1;
      for (int d = 0; d < a; d++) {
        outer *= sliceDims[d];
      }
      long sliceSize = Shape.of(sliceDims).size();
      long inner = sliceSize / Math.max(1, outer);
      if (outer == 0) {
        inner = 0;
      }
      double[] all = new double[Math.toIntExact(sliceSize * n)];
      for (int i = 0; i < n; i++) {
        double[] v = slices.get(i).values();
        for (long o = 0; o < outer; o++) {
          System.arraycopy(v, Math.toIntExact(offset + o * inner), all,
              Math.toIntExact((o * n + i) * inner), Math.toIntExact(inner));
        }
      }
      out.add(ops.fromDoubles(all, Shape.of(insert(sliceDims, a, n)), first.dtypes()[t]));
      offset += Math.toIntExact(sliceSize);
    }
    return out;
  }

  private static long[] insert(long[] dims, int at, long value) {
    long[] out = new long[dims.length + 1];
    System.arraycopy(dims, 0, out, 0, at);
    out[at] = value;
    System.arraycopy(dims, at, out, at + 1, dims.length - at);
    return out;
  }
}
