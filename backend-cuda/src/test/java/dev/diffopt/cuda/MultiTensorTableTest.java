package dev.diffopt.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("multi-tensor tables of the fused kernels (no GPU needed)")
class MultiTensorTableTest {
  private static final long BASE = 0x7f00_0000_0000L;

  /** Parameter i at BASE + i·2²⁰, slot k of it at BASE + (k + 1)·2³² + i·2²⁰ (all aligned). */
  private static long[] params(int n) {
    long[] a = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = BASE + ((long) i << 20);
    }
    return a;
  }

  private static long[][] slots(int slots, int n) {
    long[][] s = new long[slots][n];
    for (int k = 0; k < slots; k++) {
      for (int i = 0; i < n; i++) {
        s[k][i] = BASE + ((long) (k + 1) << 32) + ((long) i << 20);
      }
    }
    return s;
  }

  /**
   * Replays the kernel's mapping (span_of in fused.cu) over every launch and counts how often each
   * element of each parameter is visited.
   */
  private static int[][] visits(MultiTensorTable t, long[] sizes) {
    int[][] seen = new int[sizes.length][];
    for (int i = 0; i < sizes.length; i++) {
      seen[i] = new int[Math.toIntExact(sizes[i])];
    }
    ByteBuffer blocks = ByteBuffer.wrap(t.blockBytes()).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer rows = ByteBuffer.wrap(t.rowBytes()).order(ByteOrder.LITTLE_ENDIAN);
    for (MultiTensorTable.Segment seg : t.segments()) {
      for (int x = 0; x < seg.blocks(); x++) {
        int b = seg.firstBlock() + x;
        int r = blocks.getInt(b * 4);
        assertTrue(r >= seg.firstRow() && r < seg.firstRow() + seg.rows(),
            "block " + b + " of segment " + seg + " maps to row " + r + " outside it");
        long n = rows.getLong(r * MultiTensorTable.ROW_BYTES + 40);
        int first = rows.getInt(r * MultiTensorTable.ROW_BYTES + 48);
        long start = (long) (b - first) * t.chunk();
        long end = Math.min(start + t.chunk(), n);
        assertTrue(start < end, "block " + b + " is empty");
        assertEquals(0, start % MultiTensorTable.CHUNK_MULTIPLE, "block start " + start);
        for (long e = start; e < end; e++) {
          seen[t.leaf(r)][(int) e]++;
        }
      }
    }
    return seen;
  }

  private static void assertEachOnce(int[][] seen) {
    for (int i = 0; i < seen.length; i++) {
      for (int e = 0; e < seen[i].length; e++) {
        assertEquals(1, seen[i][e], "parameter " + i + " element " + e + " visits");
      }
    }
  }

  @Test
  @DisplayName("TABLE-01 the blocks cover every element of every parameter exactly once")
  void coversEveryElementOnce() {
    long[] sizes = {1, 0, 7, 16, 17, 64, 1000, 4096, 4097, 12_288, 0, 3};
    MultiTensorTable t =
        MultiTensorTable.build(sizes, params(sizes.length), slots(2, sizes.length), 4096, 384);
    assertEachOnce(visits(t, sizes));
    // 1 + 1 + 1 + 1 + 1 + 1 + 1 + 2 + 3 + 1 blocks
    assertEquals(13, t.blocks());
    assertEquals(1, t.segments().size());
    assertEquals(new MultiTensorTable.Segment(0, 10, 0, 13), t.segments().get(0));
  }

  @Test
  @DisplayName("TABLE-02 random sizes, chunks and segment capacities: every element exactly once")
  void randomLayouts() {
    SplittableRandom random = new SplittableRandom(7);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + random.nextInt(40);
      long[] sizes = new long[n];
      for (int i = 0; i < n; i++) {
        sizes[i] = random.nextInt(4) == 0 ? 0 : random.nextInt(3000);
      }
      int chunk = 4 * (1 + random.nextInt(200));
      int capacity = 1 + random.nextInt(8);
      MultiTensorTable t = MultiTensorTable.build(sizes, params(n), slots(random.nextInt(5), n),
          chunk, capacity);
      assertEachOnce(visits(t, sizes));
      int rows = 0;
      int blocks = 0;
      for (MultiTensorTable.Segment seg : t.segments()) {
        assertEquals(rows, seg.firstRow(), "segments follow each other");
        assertEquals(blocks, seg.firstBlock(), "segments' blocks follow each other");
        assertTrue(seg.rows() >= 1 && seg.rows() <= capacity, seg.toString());
        rows += seg.rows();
        blocks += seg.blocks();
      }
      assertEquals(t.rows(), rows);
      assertEquals(t.blocks(), blocks);
    }
  }

  @Test
  @DisplayName("TABLE-03 empty parameters get no row; rows keep their leaf index")
  void emptyLeavesSkipped() {
    long[] sizes = {0, 5, 0, 0, 9, 0};
    MultiTensorTable t =
        MultiTensorTable.build(sizes, params(sizes.length), slots(1, sizes.length), 8, 384);
    assertEquals(2, t.rows());
    assertEquals(1, t.leaf(0));
    assertEquals(4, t.leaf(1));
    assertEquals(5, t.elements(0));
    assertEquals(9, t.elements(1));
    assertEquals(0, t.firstBlock(0));
    assertEquals(1, t.blockCount(0));
    assertEquals(1, t.firstBlock(1));
    assertEquals(2, t.blockCount(1));
    assertEquals(3, t.blocks());

    MultiTensorTable none = MultiTensorTable.build(new long[] {0, 0}, new long[] {0, 0},
        new long[][] {{0, 0}}, 8, 384);
    assertEquals(0, none.rows());
    assertEquals(0, none.blocks());
    assertEquals(List.of(), none.segments());
    assertEquals(0, none.rowBytes().length);
    assertEquals(0, none.blockBytes().length);
  }

  @Test
  @DisplayName("TABLE-04 row bytes: struct Row layout, slots zero-padded to 4")
  void rowLayout() {
    long[] sizes = {100, 0, 70_000};
    long[] p = params(3);
    long[][] s = slots(3, 3);
    MultiTensorTable t = MultiTensorTable.build(sizes, p, s, 32_768, 384);
    ByteBuffer b = ByteBuffer.wrap(t.rowBytes()).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(2 * 64, b.capacity());
    int at = 64;
    assertEquals(p[2], b.getLong(at));
    for (int k = 0; k < 3; k++) {
      assertEquals(s[k][2], b.getLong(at + 8 + 8 * k), "slot " + k);
    }
    assertEquals(0, b.getLong(at + 32), "unused slot 3");
    assertEquals(70_000, b.getLong(at + 40));
    assertEquals(1, b.getInt(at + 48), "first block");
    assertEquals(3, b.getInt(at + 52), "blocks");
    assertEquals(1, b.getInt(at + 56), "vectorized");
    assertEquals(0, b.getInt(at + 60), "pad");
    ByteBuffer blocks = ByteBuffer.wrap(t.blockBytes()).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(4 * 4, blocks.capacity());
    assertEquals(0, blocks.getInt(0));
    assertEquals(1, blocks.getInt(4));
    assertEquals(1, blocks.getInt(8));
    assertEquals(1, blocks.getInt(12));
  }

  @Test
  @DisplayName("TABLE-05 a row is vectorized only when p and every slot are 16-byte aligned")
  void alignment() {
    assertTrue(MultiTensorTable.aligned(0));
    assertTrue(MultiTensorTable.aligned(BASE + 256));
    assertTrue(MultiTensorTable.aligned(BASE + 16));
    assertFalse(MultiTensorTable.aligned(BASE + 4));
    assertFalse(MultiTensorTable.aligned(BASE + 8));
    long[] sizes = {8, 8, 8, 8};
    long[] p = params(4);
    long[][] s = slots(2, 4);
    p[1] += 4; // a float32 offset
    s[1][2] += 8; // a float64 offset in the second slot
    MultiTensorTable t = MultiTensorTable.build(sizes, p, s, 8, 384);
    assertTrue(t.vectorized(0));
    assertFalse(t.vectorized(1), "parameter misaligned");
    assertFalse(t.vectorized(2), "slot misaligned");
    assertTrue(t.vectorized(3));
    ByteBuffer b = ByteBuffer.wrap(t.rowBytes()).order(ByteOrder.LITTLE_ENDIAN);
    assertArrayEquals(new int[] {1, 0, 0, 1}, new int[] {b.getInt(56), b.getInt(64 + 56),
        b.getInt(128 + 56), b.getInt(192 + 56)});
    // no slots: p alone decides
    MultiTensorTable bare = MultiTensorTable.build(sizes, p, new long[0][], 8, 384);
    assertTrue(bare.vectorized(0));
    assertFalse(bare.vectorized(1));
  }

  @Test
  @DisplayName("TABLE-06 segments of at most gradCapacity rows; grads packed by row, zero-padded")
  void segmentsAndGrads() {
    long[] sizes = {10, 0, 20, 30, 0, 40, 50};
    MultiTensorTable t =
        MultiTensorTable.build(sizes, params(sizes.length), slots(1, sizes.length), 8, 2);
    assertEquals(List.of(
            new MultiTensorTable.Segment(0, 2, 0, 2 + 3),
            new MultiTensorTable.Segment(2, 2, 5, 4 + 5),
            new MultiTensorTable.Segment(4, 1, 14, 7)),
        t.segments());
    long[] grads = {101, 102, 103, 104, 105, 106, 107};
    ByteBuffer g = ByteBuffer.wrap(t.grads(t.segments().get(1), grads))
        .order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(8 * MultiTensorTable.GRAD_CAPACITY, g.capacity());
    assertEquals(104, g.getLong(0), "row 2 is leaf 3");
    assertEquals(106, g.getLong(8), "row 3 is leaf 5");
    for (int i = 2; i < MultiTensorTable.GRAD_CAPACITY; i++) {
      assertEquals(0, g.getLong(8 * i), "padding " + i);
    }
    ByteBuffer last = ByteBuffer.wrap(t.grads(t.segments().get(2), grads))
        .order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(107, last.getLong(0));
  }

  @Test
  @DisplayName("TABLE-07 the default capacity puts 384 parameters in one launch, 385 in two")
  void defaultCapacity() {
    for (int n : new int[] {1, 100, 384, 385, 1000}) {
      long[] sizes = new long[n];
      java.util.Arrays.fill(sizes, 3);
      MultiTensorTable t = MultiTensorTable.build(sizes, params(n), slots(2, n),
          CudaFusedStep.CHUNK, MultiTensorTable.GRAD_CAPACITY);
      assertEquals((n + 383) / 384, t.segments().size(), n + " parameters");
      assertEquals(n, t.blocks());
    }
  }

  @Test
  @DisplayName("TABLE-08 bad arguments are refused with the offending value")
  void badArguments() {
    long[] one = {4};
    long[] p = params(1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MultiTensorTable.build(one, p, slots(1, 1), 6, 384));
    assertTrue(e.getMessage().contains("6"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> MultiTensorTable.build(one, p, slots(1, 1), 0, 384));
    assertTrue(e.getMessage().contains("0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> MultiTensorTable.build(one, p, slots(1, 1), 8, 385));
    assertTrue(e.getMessage().contains("385"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> MultiTensorTable.build(one, p, slots(5, 1), 8, 384));
    assertTrue(e.getMessage().contains("5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> MultiTensorTable.build(new long[] {-3}, p, slots(1, 1), 8, 384));
    assertTrue(e.getMessage().contains("-3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> MultiTensorTable.build(new long[] {1, 2}, p, slots(1, 2), 8, 384));
    assertTrue(e.getMessage().contains("1 addresses for 2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> MultiTensorTable.build(one, p, slots(1, 2), 8, 384));
    assertTrue(e.getMessage().contains("slot 0 has 2 addresses for 1"), e.getMessage());
    // more blocks than an int holds
    e = assertThrows(IllegalArgumentException.class, () -> MultiTensorTable.build(
        new long[] {1L << 40, 1L << 40}, params(2), slots(0, 2), 4, 384));
    assertTrue(e.getMessage().contains("2147483647"), e.getMessage());
  }
}
