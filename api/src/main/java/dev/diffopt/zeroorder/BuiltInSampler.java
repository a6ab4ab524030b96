package dev.diffopt.zeroorder;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.SplittableRandom;

/** The samplers offered as constants of {@link Sampler}; an enum so they print by name. */
enum BuiltInSampler implements Sampler {
  STANDARD_NORMAL {
    @Override
    public Tensor sample(TensorOps ops, Shape shape, DType dtype, long seed) {
      return ops.randomNormal(shape, dtype, seed);
    }
  },
  RADEMACHER {
    @Override
    public Tensor sample(TensorOps ops, Shape shape, DType dtype, long seed) {
      SplittableRandom random = new SplittableRandom(seed);
      double[] signs = new double[Math.toIntExact(shape.size())];
      for (int i = 0; i < signs.length; i++) {
        signs[i] = random.nextBoolean() ? 1.0 : -1.0;
      }
      return ops.fromDoubles(signs, shape, dtype);
    }
  }
}
