package dev.diffopt.conformance.reference;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import java.util.SplittableRandom;

/**
 * Deterministic pseudo-random test inputs ({@link SplittableRandom} from a fixed seed), already
 * converted to their dtype so that the reference and the backend see the same values.
 */
public final class Samples {
  private Samples() {}

  /** Uniform values in {@code [lo, hi)}. */
  public static RefTensor uniform(Shape shape, DType dtype, double lo, double hi, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] d = new double[Math.toIntExact(shape.size())];
    for (int i = 0; i < d.length; i++) {
      d[i] = random.nextDouble(lo, hi);
    }
    return RefTensor.of(d, shape, dtype);
  }

  /**
   * Uniform values in {@code [lo, hi)}, except that about a quarter of the elements are drawn from
   * {@code specials} instead (exact zeros for {@code sign}, ties for comparisons, ...).
   */
  public static RefTensor uniformWith(
      Shape shape, DType dtype, double lo, double hi, long seed, double... specials) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] d = new double[Math.toIntExact(shape.size())];
    for (int i = 0; i < d.length; i++) {
      boolean special = specials.length > 0 && random.nextInt(4) == 0;
      d[i] = special ? specials[random.nextInt(specials.length)] : random.nextDouble(lo, hi);
    }
    return RefTensor.of(d, shape, dtype);
  }

  /** Magnitudes uniform in {@code [lo, hi)} with a random sign: values bounded away from zero. */
  public static RefTensor signedMagnitude(
      Shape shape, DType dtype, double lo, double hi, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] d = new double[Math.toIntExact(shape.size())];
    for (int i = 0; i < d.length; i++) {
      double m = random.nextDouble(lo, hi);
      d[i] = random.nextBoolean() ? m : -m;
    }
    return RefTensor.of(d, shape, dtype);
  }

  /** Values drawn from {@code choices} (for exact ties, integers and booleans). */
  public static RefTensor choice(Shape shape, DType dtype, long seed, double... choices) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] d = new double[Math.toIntExact(shape.size())];
    for (int i = 0; i < d.length; i++) {
      d[i] = choices[random.nextInt(choices.length)];
    }
    return RefTensor.of(d, shape, dtype);
  }

  /** Uniform integers in {@code [lo, hi]}. */
  public static RefTensor integers(Shape shape, DType dtype, int lo, int hi, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] d = new double[Math.toIntExact(shape.size())];
    for (int i = 0; i < d.length; i++) {
      d[i] = random.nextInt(lo, hi + 1);
    }
    return RefTensor.of(d, shape, dtype);
  }
}
