package dev.diffopt.example;

import dev.diffopt.tensor.Shape;

/**
 * Index arithmetic on row-major arrays. Broadcasting, transposition and reduction all come down to
 * one question: for each element of the result, which element of the source does it read (or, for
 * a reduction, which element of the result does each source element add into)? Each method here
 * answers it with an {@code int[]} of flat positions, so the kernels ({@link Kernels}) are plain
 * loops over arrays.
 */
final class Offsets {
  private Offsets() {}

  /**
   * Visits every index of {@code dims} in row-major order and returns, for each, the flat position
   * {@code Σ index[axis] · strides[axis]}. The position is updated like an odometer: the last axis
   * advances, and an axis that reaches its extent goes back to 0 and carries into the one before.
   */
  static int[] walk(long[] dims, long[] strides) {
    int count = Math.toIntExact(Shape.of(dims).size());
    int[] positions = new int[count];
    long[] index = new long[dims.length];
    long position = 0;
    for (int i = 0; i < count; i++) {
      positions[i] = Math.toIntExact(position);
      for (int axis = dims.length - 1; axis >= 0; axis--) {
        index[axis]++;
        position += strides[axis];
        if (index[axis] < dims[axis]) {
          break;
        }
        position -= strides[axis] * dims[axis];
        index[axis] = 0;
      }
    }
    return positions;
  }

  /**
   * For each element of {@code result}, the element of {@code source} it reads under NumPy
   * broadcasting: the shapes are aligned at their last axes, and an axis where the source has
   * extent 1 (or that the source lacks) repeats that one element (stride 0).
   */
  static int[] broadcast(Shape source, Shape result) {
    return walk(result.dims(), source.broadcastStrides(result));
  }

  /**
   * For each element of {@code result}, the transpose of {@code source} by {@code perm}, its
   * element of {@code source}: result axis {@code i} steps along source axis {@code perm[i]}.
   */
  static int[] transpose(Shape source, int[] perm, Shape result) {
    long[] sourceStrides = source.strides();
    long[] strides = new long[perm.length];
    for (int axis = 0; axis < perm.length; axis++) {
      strides[axis] = sourceStrides[perm[axis]];
    }
    return walk(result.dims(), strides);
  }

  /**
   * For each element of {@code source}, the element of the reduced result it goes into, where
   * {@code kept} is the result's shape with the reduced axes kept at extent 1. This is a broadcast
   * read backwards: the result broadcasts to the source's shape.
   */
  static int[] reduction(Shape source, Shape kept) {
    return broadcast(kept, source);
  }
}
