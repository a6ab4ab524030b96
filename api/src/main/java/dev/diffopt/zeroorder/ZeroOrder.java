package dev.diffopt.zeroorder;

import dev.diffopt.autodiff.ValueAndGrad;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.Check;
import dev.diffopt.tree.Flat;
import dev.diffopt.tree.TreeSpec;
import dev.diffopt.tree.Trees;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A zero-order gradient estimator: the gradient of {@code f} at θ estimated from values of {@code
 * f} alone, at θ perturbed along random directions. With σ &gt; 0 the smoothing radius, n the
 * number of samples and z₁ … zₙ directions drawn from the {@link Sampler distribution} (standard
 * normal by default):
 *
 * <pre>
 *   NAIVE       ĝ = 1/(nσ)  Σᵢ f(θ + σzᵢ) · zᵢ                         n evaluations
 *   ANTITHETIC  ĝ = 1/(2nσ) Σᵢ (f(θ + σzᵢ) − f(θ − σzᵢ)) · zᵢ          2n evaluations
 *   FORWARD     ĝ = 1/(nσ)  Σᵢ (f(θ + σzᵢ) − f(θ)) · zᵢ                n + 1 evaluations
 * </pre>
 *
 * <p>Each is an unbiased estimate of {@code ∇f_σ(θ)}, the gradient of the smoothed objective
 * {@code f_σ(θ) = E_z f(θ + σz)}, which equals ∇f(θ) up to O(σ²) for a smooth f (exactly for a
 * quadratic) and exists for a discontinuous one (Nesterov and Spokoiny, "Random Gradient-Free
 * Minimization of Convex Functions", Foundations of Computational Mathematics 17, 2017). NAIVE's
 * variance grows with f(θ)²/σ²; FORWARD subtracts the baseline f(θ), computed once per estimate,
 * and ANTITHETIC the mirrored sample, which also cancels the even part of f around θ (Salimans,
 * Ho, Chen, Sidor and Sutskever, "Evolution Strategies as a Scalable Alternative to Reinforcement
 * Learning", arXiv:1703.03864, 2017). The error of every estimator falls like 1/√n.
 *
 * <p>The parameters are any tree of floating tensors; each sample draws one direction per leaf,
 * from the seed {@link #sampleSeed(long, int, int) sampleSeed(seed, i, leaf)}, so an estimate is
 * reproducible on every backend and a new {@link #withSeed(long) seed} gives independent
 * directions (an optimization loop should change the seed at every step). {@code f} must return a
 * one-element floating tensor. Only {@link TensorOps} are used: no autodiff and no reads of
 * values, so a staged backend can trace an estimate. Each sample's temporaries live in their own
 * {@link Scope} and only the running sums survive it, so memory does not grow with n.
 *
 * <p>Built with {@link #builder()}; the defaults are TorchOpt's ({@code method='naive',
 * num_samples=1, sigma=1.0}) and a standard normal distribution. TorchOpt's {@code forward}
 * estimator scales by σ instead of 1/σ and replaces its baseline at every sample; this class
 * implements the formulas above.
 *
 * @param method the estimator
 * @param numSamples n, the number of directions, {@code >= 1}
 * @param sigma σ, the smoothing radius, finite and {@code > 0}
 * @param seed the seed the directions are derived from
 * @param distribution the distribution of the directions
 */
public record ZeroOrder(
    Method method, int numSamples, double sigma, long seed, Sampler distribution) {

  /** The estimators; see the class comment for their formulas. */
  public enum Method {
    /** {@code 1/(nσ) Σ f(θ + σz) z}: n evaluations, variance growing with f(θ)². */
    NAIVE,
    /** {@code 1/(2nσ) Σ (f(θ + σz) − f(θ − σz)) z}: 2n evaluations, the lowest variance. */
    ANTITHETIC,
    /** {@code 1/(nσ) Σ (f(θ + σz) − f(θ)) z}: n + 1 evaluations, f(θ) computed once. */
    FORWARD
  }

  /** The default method: {@link Method#NAIVE} (TorchOpt's). */
  public static final Method DEFAULT_METHOD = Method.NAIVE;

  /** The default number of samples: 1 (TorchOpt's). */
  public static final int DEFAULT_NUM_SAMPLES = 1;

  /** The default smoothing radius σ: 1.0 (TorchOpt's). */
  public static final double DEFAULT_SIGMA = 1.0;

  /** The default seed: 0. */
  public static final long DEFAULT_SEED = 0L;

  /** The default distribution: {@link Sampler#STANDARD_NORMAL}. */
  public static final Sampler DEFAULT_DISTRIBUTION = Sampler.STANDARD_NORMAL;

  /**
   * Validates every value.
   *
   * @param method the estimator
   * @param numSamples n
   * @param sigma σ
   * @param seed the seed
   * @param distribution the distribution
   */
  public ZeroOrder {
    Objects.requireNonNull(method, "method is null");
    Check.atLeastOne("numSamples", numSamples);
    Check.positive("sigma", sigma);
    Objects.requireNonNull(distribution, "distribution is null");
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from these options.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder()
        .method(method)
        .numSamples(numSamples)
        .sigma(sigma)
        .seed(seed)
        .distribution(distribution);
  }

  /**
   * These options with another seed: independent directions, e.g. one seed per optimization step.
   *
   * @param newSeed the seed
   * @return the options with {@code seed = newSeed}
   */
  public ZeroOrder withSeed(long newSeed) {
    return new ZeroOrder(method, numSamples, sigma, newSeed, distribution);
  }

  /**
   * The number of evaluations of {@code f} one {@link #grad} call makes: n (NAIVE), 2n
   * (ANTITHETIC) or n + 1 (FORWARD).
   *
   * @return the count
   */
  public long gradEvaluations() {
    return switch (method) {
      case NAIVE -> numSamples;
      case ANTITHETIC -> 2L * numSamples;
      case FORWARD -> numSamples + 1L;
    };
  }

  /**
   * The number of evaluations of {@code f} one {@link #valueAndGrad} call makes: {@link
   * #gradEvaluations()} plus one for f(θ), except with FORWARD, whose baseline is that value.
   *
   * @return the count
   */
  public long valueAndGradEvaluations() {
    return method == Method.FORWARD ? gradEvaluations() : gradEvaluations() + 1;
  }

  /**
   * The seed of the direction of sample {@code sample} for the parameter leaf {@code leaf} (in
   * flattening order): a SplitMix64 mix of the three numbers, so that neighbouring seeds, samples
   * and leaves give unrelated streams.
   *
   * @param seed the estimator's seed
   * @param sample the sample index i, from 0
   * @param leaf the leaf index, from 0
   * @return the seed passed to the {@link Sampler}
   */
  public static long sampleSeed(long seed, int sample, int leaf) {
    long h = mix64(seed + 0x9E3779B97F4A7C15L * (sample + 1L));
    return mix64(h ^ 0xD1B54A32D192ED03L * (leaf + 1L));
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * The value f(θ) and the zero-order estimate of its gradient, both owned by the current scope.
   * The value costs one extra evaluation except with FORWARD (see {@link
   * #valueAndGradEvaluations()}).
   *
   * @param f the objective; must return a one-element floating tensor
   * @param params θ, a tree of floating tensors
   * @param <P> the tree type
   * @return f(θ) as {@code f} returned it, and the estimate, a tree like {@code params}
   * @throws IllegalArgumentException if a leaf is not a floating tensor, {@code f} returns more or
   *     fewer than one element, or the distribution returns a tensor of the wrong shape or dtype
   */
  public <P> ValueAndGrad<P> valueAndGrad(Function<? super P, Tensor> f, P params) {
    return estimate(f, params, true);
  }

  /**
   * The zero-order estimate of the gradient of {@code f} at θ, owned by the current scope.
   *
   * @param f the objective; must return a one-element floating tensor
   * @param params θ, a tree of floating tensors
   * @param <P> the tree type
   * @return the estimate, a tree like {@code params}
   * @throws IllegalArgumentException as {@link #valueAndGrad}
   */
  public <P> P grad(Function<? super P, Tensor> f, P params) {
    return estimate(f, params, false).grad();
  }

  private <P> ValueAndGrad<P> estimate(
      Function<? super P, Tensor> f, P params, boolean withValue) {
    Objects.requireNonNull(f, "f is null");
    Flat flat = Trees.flatten(params);
    List<Tensor> theta = floatingLeaves(flat.leaves());
    try (Scope work = Scope.open()) {
      Tensor value =
          withValue || method == Method.FORWARD ? evaluate(f, flat.spec(), theta) : null;
      Tensor baseline = method == Method.FORWARD ? toScalar(value) : null;
      List<Tensor> sigmas = new ArrayList<>(theta.size());
      for (Tensor t : theta) {
        sigmas.add(t.ops().scalar(sigma, t.dtype()));
      }
      List<Tensor> sums = null;
      for (int i = 0; i < numSamples; i++) {
        List<Tensor> next;
        try (Scope sample = Scope.open()) {
          next = sample.keep(addSample(f, flat.spec(), theta, sigmas, i, baseline, sums));
        }
        if (sums != null) {
          sums.forEach(Tensor::close); // the handles stay with `work`; the memory goes now
        }
        sums = next;
      }
      double scale = (method == Method.ANTITHETIC ? 0.5 : 1.0) / (numSamples * sigma);
      List<Tensor> grad = new ArrayList<>(theta.size());
      for (Tensor sum : sums) {
        grad.add(sum.ops().mul(sum, scale));
      }
      @SuppressWarnings("unchecked") // unflattening the structure of a P gives a P
      P tree = (P) Trees.unflatten(flat.spec(), grad);
      work.keep(tree);
      if (withValue) {
        work.keep(value);
      }
      return new ValueAndGrad<>(withValue ? value : null, tree);
    }
  }

  /** {@code sums + w·z} for sample {@code i}, leaf by leaf ({@code w·z} when sums is null). */
  private <P> List<Tensor> addSample(
      Function<? super P, Tensor> f,
      TreeSpec spec,
      List<Tensor> theta,
      List<Tensor> sigmas,
      int i,
      Tensor baseline,
      List<Tensor> sums) {
    int k = theta.size();
    List<Tensor> directions = new ArrayList<>(k);
    List<Tensor> plus = new ArrayList<>(k);
    List<Tensor> minus = method == Method.ANTITHETIC ? new ArrayList<>(k) : null;
    for (int leaf = 0; leaf < k; leaf++) {
      Tensor t = theta.get(leaf);
      TensorOps ops = t.ops();
      Tensor z = draw(ops, t, sampleSeed(seed, i, leaf));
      Tensor step = ops.mul(z, sigmas.get(leaf));
      directions.add(z);
      plus.add(ops.add(t, step));
      if (minus != null) {
        minus.add(ops.sub(t, step));
      }
    }
    Tensor weight = toScalar(evaluate(f, spec, plus));
    if (method == Method.ANTITHETIC) {
      weight = weight.ops().sub(weight, toScalar(evaluate(f, spec, minus)));
    } else if (method == Method.FORWARD) {
      weight = weight.ops().sub(weight, baseline);
    }
    List<Tensor> out = new ArrayList<>(k);
    for (int leaf = 0; leaf < k; leaf++) {
      Tensor z = directions.get(leaf);
      TensorOps ops = z.ops();
      Tensor w = weight.dtype() == z.dtype() ? weight : weight.ops().cast(weight, z.dtype());
      Tensor term = ops.mul(z, w);
      out.add(sums == null ? term : ops.add(sums.get(leaf), term));
    }
    return out;
  }

  private Tensor draw(TensorOps ops, Tensor like, long sampleSeed) {
    Tensor z = distribution.sample(ops, like.shape(), like.dtype(), sampleSeed);
    if (z == null || !z.shape().equals(like.shape()) || z.dtype() != like.dtype()) {
      throw new IllegalArgumentException(
          "distribution " + distribution + " must return a tensor of shape " + like.shape()
              + " and dtype " + like.dtype() + ", got "
              + (z == null ? "null" : "shape " + z.shape() + " and dtype " + z.dtype()));
    }
    return z;
  }

  private static <P> Tensor evaluate(
      Function<? super P, Tensor> f, TreeSpec spec, List<Tensor> leaves) {
    @SuppressWarnings("unchecked") // unflattening the structure of a P gives a P
    P tree = (P) Trees.unflatten(spec, leaves);
    Tensor value = f.apply(tree);
    if (value == null) {
      throw new NullPointerException("f returned null");
    }
    if (value.shape().size() != 1 || !value.dtype().isFloating()) {
      throw new IllegalArgumentException(
          "f must return a one-element floating tensor, got shape " + value.shape() + " and dtype "
              + value.dtype());
    }
    return value;
  }

  private static Tensor toScalar(Tensor value) {
    return value.shape().rank() == 0 ? value : value.ops().reshape(value, Shape.scalar());
  }

  private static List<Tensor> floatingLeaves(List<Object> leaves) {
    List<Tensor> out = new ArrayList<>(leaves.size());
    for (int i = 0; i < leaves.size(); i++) {
      Object leaf = leaves.get(i);
      if (!(leaf instanceof Tensor t) || !t.dtype().isFloating()) {
        throw new IllegalArgumentException(
            "params must be a tree of floating tensors, leaf " + i + " is "
                + (leaf instanceof Tensor t ? "a tensor of dtype " + t.dtype() : leaf == null
                    ? "null" : "a " + leaf.getClass().getName()));
      }
      out.add(t);
    }
    return out;
  }

  /** A mutable builder of {@link ZeroOrder}; values are validated by {@link #build()}. */
  public static final class Builder {
    private Method method = DEFAULT_METHOD;
    private int numSamples = DEFAULT_NUM_SAMPLES;
    private double sigma = DEFAULT_SIGMA;
    private long seed = DEFAULT_SEED;
    private Sampler distribution = DEFAULT_DISTRIBUTION;

    private Builder() {}

    /**
     * Sets the estimator.
     *
     * @param value the method
     * @return this builder
     */
    public Builder method(Method value) {
      this.method = value;
      return this;
    }

    /**
     * Sets the number of samples n.
     *
     * @param value n, {@code >= 1}
     * @return this builder
     */
    public Builder numSamples(int value) {
      this.numSamples = value;
      return this;
    }

    /**
     * Sets the smoothing radius σ.
     *
     * @param value σ, finite and {@code > 0}
     * @return this builder
     */
    public Builder sigma(double value) {
      this.sigma = value;
      return this;
    }

    /**
     * Sets the seed the directions are derived from.
     *
     * @param value the seed
     * @return this builder
     */
    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    /**
     * Sets the distribution of the directions.
     *
     * @param value the sampler, e.g. {@link Sampler#RADEMACHER}
     * @return this builder
     */
    public Builder distribution(Sampler value) {
      this.distribution = value;
      return this;
    }

    /**
     * Validates and builds the options.
     *
     * @return the estimator
     * @throws IllegalArgumentException naming the first invalid option and its value
     * @throws NullPointerException if the method or the distribution is null
     */
    public ZeroOrder build() {
      return new ZeroOrder(method, numSamples, sigma, seed, distribution);
    }
  }
}
