package dev.diffopt.cuda;

/**
 * The launch geometry of a one-dimensional kernel: {@code blocks} blocks of {@code threads}
 * threads. Every element kernel of this backend loops grid-stride, so any grid covers any number
 * of elements; the grid is capped so that huge tensors reuse resident threads instead of queuing
 * millions of tiny blocks.
 */
record Grid(int blocks, int threads) {
  /** Threads per block for element-wise kernels. */
  static final int THREADS = 256;

  Grid {
    if (blocks < 1 || threads < 1 || threads > 1024) {
      throw new IllegalArgumentException(
          "grid needs blocks >= 1 and 1 <= threads <= 1024, got " + blocks + " x " + threads);
    }
  }

  /**
   * Enough blocks of {@link #THREADS} threads for one thread per element, at most {@code
   * maxBlocks} (then threads loop); at least one block, also for zero elements.
   *
   * @param elements how many elements the kernel covers, {@code >= 0}
   * @param maxBlocks the cap, {@code >= 1}, e.g. 32 blocks per multiprocessor
   */
  static Grid elements(long elements, int maxBlocks) {
    if (elements < 0 || maxBlocks < 1) {
      throw new IllegalArgumentException(
          "elements must be >= 0 and maxBlocks >= 1, got " + elements + " and " + maxBlocks);
    }
    long blocks = (elements + THREADS - 1) / THREADS;
    return new Grid((int) Math.max(1, Math.min(blocks, maxBlocks)), THREADS);
  }
}
