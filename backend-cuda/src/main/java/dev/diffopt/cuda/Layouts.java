package dev.diffopt.cuda;

import dev.diffopt.tensor.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Packs the {@code Layout} struct of {@code ops.cu}: how each of up to three operands is indexed
 * from an output element's row-major index. For output shape {@code dims} and operand {@code k},
 * the element read is {@code sum_d idx_d * stride[k][d]}, with stride 0 along broadcast axes;
 * {@code mode[k]} short-cuts the two common cases (0: the operand has the output's elements in
 * the same order; 1: it has one element).
 *
 * <pre>
 * struct Layout { long long rank; long long dims[8]; long long stride[3][8]; long long mode[3]; };
 * </pre>
 */
final class Layouts {
  /** Highest rank the kernels index. */
  static final int MAX_RANK = 8;
  /** Operands a layout describes. */
  static final int OPERANDS = 3;
  /** Size of the struct in bytes. */
  static final int BYTES = (1 + MAX_RANK + OPERANDS * MAX_RANK + OPERANDS) * Long.BYTES;

  static final long SAME = 0;
  static final long SINGLE = 1;
  static final long STRIDED = 2;

  private Layouts() {}

  /**
   * The layout reading {@code operands} broadcast (NumPy rules, aligned on the right) to {@code
   * out}.
   *
   * @throws IllegalArgumentException if {@code out} has more than {@value #MAX_RANK} axes
   */
  static byte[] broadcast(Shape out, Shape... operands) {
    long[] dims = dims(out, "broadcast");
    long[][] strides = new long[operands.length][];
    long[] modes = new long[operands.length];
    for (int k = 0; k < operands.length; k++) {
      Shape s = operands[k];
      if (s.size() == 1) {
        modes[k] = SINGLE;
      } else if (s.size() == out.size()) {
        modes[k] = SAME;
      } else {
        modes[k] = STRIDED;
        strides[k] = s.broadcastStrides(out);
      }
    }
    return pack(dims, strides, modes);
  }

  /** Operand 0 read transposed: output axis {@code i} is input axis {@code perm[i]}. */
  static byte[] transpose(Shape in, int[] perm) {
    long[] inStrides = in.strides();
    long[] dims = new long[perm.length];
    long[] strides = new long[perm.length];
    for (int i = 0; i < perm.length; i++) {
      dims[i] = in.dim(perm[i]);
      strides[i] = inStrides[perm[i]];
    }
    check(dims.length, "transpose");
    return pack(dims, new long[][] {strides}, new long[] {STRIDED});
  }

  /**
   * The two layouts of a reduction of {@code in} over the sorted, distinct {@code axes}: element 0
   * indexes the first reduced element of each output from its index over the kept axes, element 1
   * the reduced elements from their index over the reduced axes.
   */
  static byte[][] reduction(Shape in, int[] axes) {
    check(in.rank(), "reduction");
    long[] strides = in.strides();
    boolean[] reduced = new boolean[in.rank()];
    for (int a : axes) {
      reduced[a] = true;
    }
    int nReduced = axes.length;
    int nKept = in.rank() - nReduced;
    long[] keptDims = new long[nKept];
    long[] keptStrides = new long[nKept];
    long[] redDims = new long[nReduced];
    long[] redStrides = new long[nReduced];
    int k = 0;
    int r = 0;
    for (int d = 0; d < in.rank(); d++) {
      if (reduced[d]) {
        redDims[r] = in.dim(d);
        redStrides[r++] = strides[d];
      } else {
        keptDims[k] = in.dim(d);
        keptStrides[k++] = strides[d];
      }
    }
    return new byte[][] {
      pack(keptDims, new long[][] {keptStrides}, new long[] {STRIDED}),
      pack(redDims, new long[][] {redStrides}, new long[] {STRIDED})
    };
  }

  private static long[] dims(Shape out, String op) {
    check(out.rank(), op);
    return out.dims();
  }

  private static void check(int rank, String op) {
    if (rank > MAX_RANK) {
      throw new IllegalArgumentException(
          op + ": the cuda backend indexes at most " + MAX_RANK + " axes, got " + rank);
    }
  }

  private static byte[] pack(long[] dims, long[][] strides, long[] modes) {
    ByteBuffer b = ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(dims.length);
    for (int d = 0; d < MAX_RANK; d++) {
      b.putLong(d < dims.length ? dims[d] : 1);
    }
    for (int k = 0; k < OPERANDS; k++) {
      for (int d = 0; d < MAX_RANK; d++) {
        boolean has = k < strides.length && strides[k] != null && d < strides[k].length;
        b.putLong(has ? strides[k][d] : 0);
      }
    }
    for (int k = 0; k < OPERANDS; k++) {
      b.putLong(k < modes.length ? modes[k] : SAME);
    }
    return b.array();
  }
}
