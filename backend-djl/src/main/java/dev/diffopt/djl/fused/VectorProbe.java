package dev.diffopt.djl.fused;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Checks once that the Vector API can run the kernels here: the incubator module is present
 * ({@code --add-modules jdk.incubator.vector}), has the JDK 17 API the kernels use ({@code
 * fromByteBuffer}/{@code intoByteBuffer}, replaced in later JDKs), has at least 128-bit vectors,
 * and computes a small block correctly. Loading this class fails with a {@link LinkageError} when
 * the module is absent; the caller catches it.
 */
final class VectorProbe {
  private VectorProbe() {}

  /** Null when the kernels can run, else why not. */
  static String check() {
    VectorSpecies<Float> species = FloatVector.SPECIES_PREFERRED;
    if (species.vectorBitSize() < 128) {
      return "the preferred float vector here has " + species.vectorBitSize()
          + " bits; the fused kernels need at least 128";
    }
    int n = species.length() * 2;
    ByteBuffer a = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder());
    ByteBuffer b = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder());
    for (int i = 0; i < n; i++) {
      a.putFloat(i * 4, 0.5f + i);
      b.putFloat(i * 4, 3f - i);
    }
    for (int o = 0; o < n * 4; o += species.length() * 4) {
      FloatVector x = FloatVector.fromByteBuffer(species, a, o, ByteOrder.nativeOrder());
      FloatVector y = FloatVector.fromByteBuffer(species, b, o, ByteOrder.nativeOrder());
      x.mul(0.9f).add(y.mul(y)).sqrt().div(x.add(1e-8f)).intoByteBuffer(a, o, ByteOrder.nativeOrder());
    }
    for (int i = 0; i < n; i++) {
      float x = 0.5f + i;
      float y = 3f - i;
      float expected = (float) Math.sqrt(x * 0.9f + y * y) / (x + 1e-8f);
      if (Float.floatToIntBits(a.getFloat(i * 4)) != Float.floatToIntBits(expected)) {
        return "the Vector API self-test computed " + a.getFloat(i * 4) + " instead of " + expected;
      }
    }
    return null;
  }
}
