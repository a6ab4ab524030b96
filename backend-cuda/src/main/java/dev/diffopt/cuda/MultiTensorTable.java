package dev.diffopt.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The device tables of a multi-tensor launch ({@code fused.cu}), computed on the host from
 * addresses and sizes alone (no device needed): one <em>row</em> per parameter with at least one
 * element (empty parameters are skipped), each split into blocks of {@code chunk} elements, and a
 * block table giving each block's row. Block {@code b} of row {@code r} covers elements
 * {@code [(b − firstBlock(r))·chunk, min(that + chunk, elements(r)))}, so the blocks of all rows
 * cover every element exactly once.
 *
 * <p>The rows are split into <em>segments</em> of at most {@code gradCapacity} consecutive rows:
 * a launch covers one segment, and the gradient addresses of its rows travel by value in the
 * kernel's parameters ({@link #grads}), so nothing is copied to the device per step. One segment
 * (one launch) covers up to {@link #GRAD_CAPACITY} parameters.
 *
 * <p>Row layout (C {@code struct Row}, {@value #ROW_BYTES} bytes, little-endian): {@code u64 p},
 * {@code u64 s[4]} (0 where unused), {@code i64 n}, {@code i32 first_block}, {@code i32 blocks},
 * {@code i32 vec} (1 when p and every slot are {@value #VECTOR_BYTES}-byte aligned, so the kernel
 * may move them as {@code float4}/{@code double2}; the gradient's alignment is checked by the
 * kernel itself, per launch), {@code i32 pad}.
 */
final class MultiTensorTable {
  /** State slots per row at most (Adan's four; the momentum trace counts as a slot). */
  static final int MAX_SLOTS = 4;
  /** Bytes per row. */
  static final int ROW_BYTES = 64;
  /** Gradient addresses per launch, {@code GRAD_CAPACITY} in {@code fused.cu}. */
  static final int GRAD_CAPACITY = 384;
  /** The alignment of a vector move. */
  static final int VECTOR_BYTES = 16;
  /** Elements per block must be a multiple of this (keeps every block's start vector-aligned). */
  static final int CHUNK_MULTIPLE = 4;

  /**
   * Consecutive rows that one launch covers.
   *
   * @param firstRow its first row
   * @param rows how many rows
   * @param firstBlock its first entry in the block table
   * @param blocks how many blocks (the launch's grid)
   */
  record Segment(int firstRow, int rows, int firstBlock, int blocks) {}

  private final int chunk;
  private final int[] leaf;
  private final long[] elements;
  private final long[] param;
  private final long[][] slot;
  private final int[] firstBlock;
  private final int[] blockCount;
  private final boolean[] vectorized;
  private final int blocks;
  private final List<Segment> segments;

  private MultiTensorTable(int chunk, int[] leaf, long[] elements, long[] param, long[][] slot,
      int[] firstBlock, int[] blockCount, boolean[] vectorized, int blocks,
      List<Segment> segments) {
    this.chunk = chunk;
    this.leaf = leaf;
    this.elements = elements;
    this.param = param;
    this.slot = slot;
    this.firstBlock = firstBlock;
    this.blockCount = blockCount;
    this.vectorized = vectorized;
    this.blocks = blocks;
    this.segments = segments;
  }

  /**
   * The tables for parameters of {@code sizes[i]} elements at {@code params[i]} with state slot
   * {@code k} of parameter {@code i} at {@code slots[k][i]}.
   *
   * @param sizes elements per parameter, each {@code >= 0}
   * @param params the parameters' device addresses (ignored where the size is 0)
   * @param slots per slot, the addresses of that slot's tensor of every parameter; at most
   *     {@link #MAX_SLOTS} slots
   * @param chunk elements per block, a positive multiple of {@link #CHUNK_MULTIPLE}
   * @param gradCapacity rows per segment, 1 to {@link #GRAD_CAPACITY}
   * @return the tables
   * @throws IllegalArgumentException if an argument is out of range or there are more than
   *     {@code 2³¹ − 1} blocks
   */
  static MultiTensorTable build(long[] sizes, long[] params, long[][] slots, int chunk,
      int gradCapacity) {
    if (sizes == null || params == null || slots == null) {
      throw new NullPointerException("sizes, params and slots must not be null");
    }
    if (chunk <= 0 || chunk % CHUNK_MULTIPLE != 0) {
      throw new IllegalArgumentException(
          "chunk must be a positive multiple of " + CHUNK_MULTIPLE + ", got " + chunk);
    }
    if (gradCapacity < 1 || gradCapacity > GRAD_CAPACITY) {
      throw new IllegalArgumentException(
          "gradCapacity must be in [1, " + GRAD_CAPACITY + "], got " + gradCapacity);
    }
    if (slots.length > MAX_SLOTS) {
      throw new IllegalArgumentException(
          "at most " + MAX_SLOTS + " state slots, got " + slots.length);
    }
    int n = sizes.length;
    if (params.length != n) {
      throw new IllegalArgumentException(
          "params has " + params.length + " addresses for " + n + " sizes");
    }
    for (int k = 0; k < slots.length; k++) {
      if (slots[k].length != n) {
        throw new IllegalArgumentException(
            "slot " + k + " has " + slots[k].length + " addresses for " + n + " sizes");
      }
    }
    int rows = 0;
    for (int i = 0; i < n; i++) {
      if (sizes[i] < 0) {
        throw new IllegalArgumentException("size " + i + " is negative: " + sizes[i]);
      }
      if (sizes[i] > 0) {
        rows++;
      }
    }
    int[] leaf = new int[rows];
    long[] elements = new long[rows];
    long[] param = new long[rows];
    long[][] slot = new long[slots.length][rows];
    int[] firstBlock = new int[rows];
    int[] blockCount = new int[rows];
    boolean[] vectorized = new boolean[rows];
    long total = 0;
    int r = 0;
    for (int i = 0; i < n; i++) {
      if (sizes[i] == 0) {
        continue;
      }
      leaf[r] = i;
      elements[r] = sizes[i];
      param[r] = params[i];
      boolean aligned = aligned(params[i]);
      for (int k = 0; k < slots.length; k++) {
        slot[k][r] = slots[k][i];
        aligned &= aligned(slots[k][i]);
      }
      vectorized[r] = aligned;
      long count = (sizes[i] + chunk - 1) / chunk;
      if (total + count > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("the parameters need more than " + Integer.MAX_VALUE
            + " blocks of " + chunk + " elements");
      }
      firstBlock[r] = (int) total;
      blockCount[r] = (int) count;
      total += count;
      r++;
    }
    List<Segment> segments = new ArrayList<>();
    for (int from = 0; from < rows; from += gradCapacity) {
      int to = Math.min(rows, from + gradCapacity);
      int start = firstBlock[from];
      int end = firstBlock[to - 1] + blockCount[to - 1];
      segments.add(new Segment(from, to - from, start, end - start));
    }
    return new MultiTensorTable(chunk, leaf, elements, param, slot, firstBlock, blockCount,
        vectorized, (int) total, Collections.unmodifiableList(segments));
  }

  /** Whether {@code address} may be read and written as 16-byte vectors. */
  static boolean aligned(long address) {
    return address % VECTOR_BYTES == 0;
  }

  /** Elements per block. */
  int chunk() {
    return chunk;
  }

  /** Rows: the parameters with at least one element. */
  int rows() {
    return leaf.length;
  }

  /** All blocks of all rows (0 when every parameter is empty). */
  int blocks() {
    return blocks;
  }

  /** The segments, one launch each, in row order. */
  List<Segment> segments() {
    return segments;
  }

  /** The parameter (leaf index) of row {@code row}. */
  int leaf(int row) {
    return leaf[row];
  }

  /** The elements of row {@code row}. */
  long elements(int row) {
    return elements[row];
  }

  /** The first block of row {@code row}. */
  int firstBlock(int row) {
    return firstBlock[row];
  }

  /** The number of blocks of row {@code row}. */
  int blockCount(int row) {
    return blockCount[row];
  }

  /** Whether row {@code row}'s parameter and slots are all vector-aligned. */
  boolean vectorized(int row) {
    return vectorized[row];
  }

  /** The rows as C {@code struct Row} array bytes. */
  byte[] rowBytes() {
    ByteBuffer b = ByteBuffer.allocate(rows() * ROW_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int r = 0; r < rows(); r++) {
      int at = r * ROW_BYTES;
      b.putLong(at, param[r]);
      for (int k = 0; k < slot.length; k++) {
        b.putLong(at + 8 + 8 * k, slot[k][r]);
      }
      b.putLong(at + 40, elements[r]);
      b.putInt(at + 48, firstBlock[r]);
      b.putInt(at + 52, blockCount[r]);
      b.putInt(at + 56, vectorized[r] ? 1 : 0);
    }
    return b.array();
  }

  /** The block table: each block's row, as C {@code int} array bytes. */
  byte[] blockBytes() {
    ByteBuffer b = ByteBuffer.allocate(blocks * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int r = 0; r < rows(); r++) {
      for (int k = 0; k < blockCount[r]; k++) {
        b.putInt((firstBlock[r] + k) * Integer.BYTES, r);
      }
    }
    return b.array();
  }

  /**
   * The C {@code struct Grads} of segment {@code s}: the gradient address of each of its rows, in
   * row order, zero-padded to {@link #GRAD_CAPACITY} addresses.
   *
   * @param s a segment of this table
   * @param gradAddresses the gradients' device addresses, by leaf (parameter) index
   * @return {@code 8 · GRAD_CAPACITY} bytes
   */
  byte[] grads(Segment s, long[] gradAddresses) {
    ByteBuffer b = ByteBuffer.allocate(GRAD_CAPACITY * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < s.rows(); i++) {
      b.putLong(i * Long.BYTES, gradAddresses[leaf[s.firstRow() + i]]);
    }
    return b.array();
  }

  @Override
  public String toString() {
    return "MultiTensorTable(" + rows() + " rows, " + blocks + " blocks of " + chunk
        + " elements, " + segments.size() + " segment(s))";
  }
}
