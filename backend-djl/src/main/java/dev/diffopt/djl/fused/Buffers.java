package dev.diffopt.djl.fused;

import java.nio.ByteBuffer;

/** The zero-copy views a kernel reads and writes for one tensor: parameter, gradient, state. */
final class Buffers {
  ByteBuffer p;
  ByteBuffer g;
  final ByteBuffer[] s;

  Buffers(int slots) {
    this.s = new ByteBuffer[slots];
  }

  /** Direct, native-order buffers of {@code bytes} each, for a kernel's tail block. */
  static Buffers scratch(int slots, int bytes) {
    Buffers b = new Buffers(slots);
    b.p = direct(bytes);
    b.g = direct(bytes);
    for (int k = 0; k < slots; k++) {
      b.s[k] = direct(bytes);
    }
    return b;
  }

  private static ByteBuffer direct(int bytes) {
    return ByteBuffer.allocateDirect(bytes).order(java.nio.ByteOrder.nativeOrder());
  }
}
