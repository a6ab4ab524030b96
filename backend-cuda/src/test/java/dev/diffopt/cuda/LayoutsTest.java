package dev.diffopt.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.tensor.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The index tables the kernels read, checked on the CPU: a Java transcription of {@code
 * operand_offset} in {@code ops.cu} applied to the packed bytes must find, for every output
 * element, the element that NumPy's broadcasting, a transpose or a reduction reads.
 */
@DisplayName("kernel index layouts: broadcast, transpose, reduction (no GPU needed)")
class LayoutsTest {
  /** {@code operand_offset} of ops.cu, over the packed struct. */
  static long offset(byte[] layout, int k, long i) {
    ByteBuffer b = ByteBuffer.wrap(layout).order(ByteOrder.LITTLE_ENDIAN);
    int max = Layouts.MAX_RANK;
    long rank = b.getLong(0);
    long mode = b.getLong((1 + max + Layouts.OPERANDS * max + k) * 8);
    if (mode == Layouts.SAME) {
      return i;
    }
    if (mode == Layouts.SINGLE) {
      return 0;
    }
    long off = 0;
    for (int d = (int) rank - 1; d >= 0; d--) {
      long extent = b.getLong((1 + d) * 8);
      long idx = i % extent;
      i /= extent;
      off += idx * b.getLong((1 + max + k * max + d) * 8);
    }
    return off;
  }

  /** The multi-index of row-major element {@code i} of {@code shape}. */
  static long[] unravel(long i, Shape shape) {
    long[] idx = new long[shape.rank()];
    for (int d = shape.rank() - 1; d >= 0; d--) {
      idx[d] = i % shape.dim(d);
      i /= shape.dim(d);
    }
    return idx;
  }

  static long ravel(long[] idx, Shape shape) {
    long i = 0;
    for (int d = 0; d < shape.rank(); d++) {
      i = i * shape.dim(d) + idx[d];
    }
    return i;
  }

  /** The element of {@code operand} that NumPy broadcasting reads for output index {@code i}. */
  static long numpy(long i, Shape out, Shape operand) {
    long[] o = unravel(i, out);
    long[] idx = new long[operand.rank()];
    int shift = out.rank() - operand.rank();
    for (int d = 0; d < operand.rank(); d++) {
      idx[d] = operand.dim(d) == 1 ? 0 : o[d + shift];
    }
    return ravel(idx, operand);
  }

  @Test
  @DisplayName("LAYOUT-01 broadcast of up to three operands matches NumPy for every element")
  void broadcast() {
    Shape[][] cases = {
      {Shape.of(2, 3), Shape.of(2, 3), Shape.of(3)},
      {Shape.of(4, 1, 3), Shape.of(1, 5, 1), Shape.of(5, 3)},
      {Shape.of(2, 3, 4), Shape.scalar(), Shape.of(2, 1, 4)},
      {Shape.of(6), Shape.of(1), Shape.of(6)},
      {Shape.of(1, 1, 2, 1, 3, 1, 2, 1), Shape.of(2, 1, 3, 1, 2, 1), Shape.of(1)},
    };
    for (Shape[] c : cases) {
      Shape out = Shape.broadcast(Shape.broadcast(c[0], c[1]), c[2]);
      byte[] layout = Layouts.broadcast(out, c);
      assertEquals(Layouts.BYTES, layout.length);
      for (long i = 0; i < out.size(); i++) {
        for (int k = 0; k < 3; k++) {
          assertEquals(numpy(i, out, c[k]), offset(layout, k, i),
              "operand " + k + " " + c[k] + " of output " + out + " at element " + i);
        }
      }
    }
  }

  @Test
  @DisplayName("LAYOUT-02 transpose reads input axis perm[i] along output axis i")
  void transpose() {
    Shape in = Shape.of(2, 3, 4);
    int[] perm = {2, 0, 1};
    Shape out = Shape.of(4, 2, 3);
    byte[] layout = Layouts.transpose(in, perm);
    for (long i = 0; i < out.size(); i++) {
      long[] o = unravel(i, out);
      long[] src = new long[3];
      for (int d = 0; d < 3; d++) {
        src[perm[d]] = o[d];
      }
      assertEquals(ravel(src, in), offset(layout, 0, i), "element " + i);
    }
  }

  @Test
  @DisplayName("LAYOUT-03 reductions visit each input element once, grouped by output")
  void reduction() {
    Shape in = Shape.of(3, 4, 5);
    for (int[] axes : new int[][] {{0}, {1}, {2}, {0, 2}, {1, 2}, {0, 1, 2}}) {
      byte[][] layouts = Layouts.reduction(in, axes);
      long m = 1;
      for (int a : axes) {
        m *= in.dim(a);
      }
      long outputs = in.size() / m;
      boolean[] seen = new boolean[(int) in.size()];
      for (long o = 0; o < outputs; o++) {
        long base = offset(layouts[0], 0, o);
        for (long j = 0; j < m; j++) {
          int at = (int) (base + offset(layouts[1], 0, j));
          assertTrue(!seen[at], "element " + at + " visited twice for axes "
              + java.util.Arrays.toString(axes));
          seen[at] = true;
          // the element belongs to output o: its kept coordinates, in order, give o
          long[] idx = unravel(at, in);
          long keptIndex = 0;
          for (int d = 0; d < 3; d++) {
            final int axis = d;
            if (java.util.Arrays.stream(axes).noneMatch(a -> a == axis)) {
              keptIndex = keptIndex * in.dim(d) + idx[d];
            }
          }
          assertEquals(o, keptIndex, "output of element " + at);
        }
      }
    }
  }

  @Test
  @DisplayName("LAYOUT-04 more than 8 axes is refused with the rank in the message")
  void tooManyAxes() {
    Shape nine = Shape.of(1, 1, 1, 1, 1, 1, 1, 2, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Layouts.broadcast(nine, nine, Shape.of(2)));
    assertTrue(e.getMessage().contains("9"), e.getMessage());
  }
}
