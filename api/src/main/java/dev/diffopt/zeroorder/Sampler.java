package dev.diffopt.zeroorder;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;

/**
 * The distribution of the search directions z of a {@link ZeroOrder} estimator.
 *
 * <p>The estimators are unbiased for the gradient of the smoothed objective when z has mean zero
 * and identity covariance, {@code E[z] = 0, E[z zᵀ] = I}; {@link #STANDARD_NORMAL} (Nesterov and
 * Spokoiny's Gaussian smoothing) and {@link #RADEMACHER} (independent ±1 entries) both do. A
 * custom sampler should keep that normalization (a direction uniform on the unit sphere, for
 * instance, must be scaled by {@code sqrt(d)}) or the estimate is scaled accordingly.
 *
 * <p>A sampler must return a new tensor of exactly the requested shape and dtype, and the same
 * values for the same seed, so that estimates are reproducible.
 */
@FunctionalInterface
public interface Sampler {

  /** Independent standard normal entries, through {@link TensorOps#randomNormal}. */
  Sampler STANDARD_NORMAL = BuiltInSampler.STANDARD_NORMAL;

  /** Independent Rademacher entries: −1 or +1 with probability ½ each, drawn on the host. */
  Sampler RADEMACHER = BuiltInSampler.RADEMACHER;

  /**
   * Draws one direction for one parameter leaf.
   *
   * @param ops the operations of the backend that owns the leaf
   * @param shape the leaf's shape
   * @param dtype the leaf's (floating) dtype
   * @param seed the seed of this sample and leaf (see {@link ZeroOrder#sampleSeed})
   * @return a new tensor of that shape and dtype
   */
  Tensor sample(TensorOps ops, Shape shape, DType dtype, long seed);
}
