package dev.diffopt.checkpoint;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Checkpoint#inspect} found in a checkpoint, read without a template and without a
 * backend (every CRC checked).
 *
 * @param formatVersion the format version of the file
 * @param fileSize the size of the file in bytes
 * @param structure the stored structure in {@link dev.diffopt.tree.TreeSpec#toString()} form,
 *     e.g. {@code [{b=*, w=*}, State(mu={b=*, w=*}, nu={b=*, w=*}, nuMax=None, count=*)]}
 * @param leaves the leaves in flattening order
 */
public record CheckpointInfo(int formatVersion, long fileSize, String structure, List<Entry> leaves) {

  /**
   * Copies the list.
   *
   * @param formatVersion the format version
   * @param fileSize the file size
   * @param structure the structure string
   * @param leaves the leaves
   */
  public CheckpointInfo {
    Objects.requireNonNull(structure, "structure");
    leaves = List.copyOf(leaves);
  }

  /**
   * One leaf: a tensor (with {@code dtype} and {@code shape}, {@code value} null) or a scalar leaf
   * (with its {@code value}, {@code dtype} and {@code shape} null).
   *
   * @param path the leaf's {@link dev.diffopt.tree.KeyPath} as a string, e.g. {@code .mu['w']}
   * @param dtype the tensor's dtype, or null
   * @param shape the tensor's shape, or null
   * @param value the scalar value (a Double, Float, Long, Integer, Boolean or String), or null
   */
  public record Entry(String path, DType dtype, Shape shape, Object value) {
    /**
     * Whether this leaf is a tensor.
     *
     * @return true for a tensor leaf
     */
    public boolean isTensor() {
      return dtype != null;
    }

    /** {@code path: FLOAT32 (3, 2)} or {@code path: Double 0.5}. */
    @Override
    public String toString() {
      return isTensor()
          ? path + ": " + dtype + " " + shape
          : path + ": " + value.getClass().getSimpleName() + " " + value;
    }
  }
}
