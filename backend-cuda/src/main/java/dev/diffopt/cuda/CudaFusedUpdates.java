package dev.diffopt.cuda;

import dev.diffopt.optim.fused.FusedParameters;
import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.spi.FusedUpdates;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.transform.GradientTransformation;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Multi-tensor fused optimizer steps on the GPU ({@link dev.diffopt.spi.Capability#FUSED_UPDATES}):
 * every optimizer of {@link dev.diffopt.optim} whose chain {@link FusedPlan#recognize} accepts
 * (SGD with momentum, Adam/AdamW with AMSGrad and ε_root, LAMB, RMSProp and centered RMSProp,
 * Adagrad, Adadelta, Adamax, RAdam, NAdam, Lion, AdaBelief, Adan) runs as one kernel launch per
 * step over all parameters, updating parameters and state in place ({@code
 * src/main/cuda/fused.cu}). Per element, with {@code x} the gradient and {@code p} the parameter,
 * in the order and float rounding of the op-by-op chain:
 *
 * <pre>
 *   x ← −x                                    (maximize)
 *   x ← x + λ_L2·p                            (L2 weight decay)
 *   u ← core(x; moments)                      (the rule; moments updated in place)
 *   u ← u + λ_dec·p                           (decoupled weight decay)
 *   u ← trace(u)                              (momentum, SGD and RMSProp)
 *   u ← (‖p‖ / ‖u‖)·u                          (LAMB, per tensor)
 *   u ← −η_t·u                                (constant or inverse-time-decay learning rate)
 *   u ← (u − d·p) / (1 + d)                   (proximal decay)
 *   p ← p + u
 * </pre>
 *
 * <p>Per step the host passes the gradient addresses, the counters and the learning-rate factor
 * ({@link dev.diffopt.optim.fused.Float32Scalars#learningRateFactor} for float32) by value, so a
 * step queues its launch without copying anything to the device and without waiting for it; the
 * kernel itself writes the new step counters into the state. The step scalars that need {@code
 * exp}, {@code log} or {@code pow} (bias corrections, RAdam's rectification, NAdam's momentum
 * schedule) are computed in the kernel with the CUDA math functions the op-by-op path uses: CUDA's
 * {@code expf}, {@code logf} and {@code powf} are not correctly rounded, so host-computed values
 * would differ by an ulp or two, which chaotic trajectories amplify (Rosenbrock with AdaBelief
 * drifted past the kit's tolerance that way). Fused steps thus equal op-by-op steps bit for bit,
 * LAMB's norms aside (the same sums of squares, added in another order).
 *
 * <p>LAMB's per-tensor norms need every element's update before any parameter changes, so LAMB
 * takes three launches: the first updates the moments and sums p² and the squared update per
 * block, a small one adds those sums up per tensor in a fixed order (deterministic, no atomics)
 * into the trust ratios, the third applies them. Steps over more than {@link
 * MultiTensorTable#GRAD_CAPACITY} parameters take one launch (LAMB: pass) per that many.
 *
 * <p>Requirements, checked by {@link #prepare} (which returns empty otherwise, logging the reason
 * at DEBUG, so the optimizer runs op-by-op; {@link #whyNot} says why): a recognized chain; at
 * least one parameter with elements; distinct, open parameters of this backend, all float32 or
 * all float64 (each dtype has its own kernels). The state is
 * the transformation's own {@code init} tree, so states move freely between the fused and the
 * op-by-op paths.
 */
public final class CudaFusedUpdates implements FusedUpdates {
  private static final System.Logger LOG = System.getLogger(CudaFusedUpdates.class.getName());

  private final CudaTensorOps ops;

  /**
   * Fused steps for float32 and float64 parameters.
   *
   * @param ops the backend's ops, whose tensors the kernels update
   */
  CudaFusedUpdates(CudaTensorOps ops) {
    if (ops == null) {
      throw new NullPointerException("ops is null");
    }
    this.ops = ops;
  }

  @Override
  public Optional<FusedStep> prepare(GradientTransformation transformation, Object params) {
    String why = whyNot(transformation, params);
    if (why != null) {
      LOG.log(System.Logger.Level.DEBUG, "diffopt cuda: not fused: " + why);
      return Optional.empty();
    }
    FusedPlan plan = FusedPlan.recognize(transformation).orElseThrow();
    return Optional.of(new CudaFusedStep(ops, FusedRule.of(plan), transformation, params));
  }

  /**
   * Why {@link #prepare} returns empty for these arguments, or {@code null} when it fuses them.
   *
   * @param transformation the update rule
   * @param paramTree the parameter tree
   * @return the reason, or null
   */
  public String whyNot(GradientTransformation transformation, Object paramTree) {
    return FusedParameters.whyNot(transformation, paramTree, "cuda",
        p -> p instanceof CudaTensor && p.ops() == ops, CudaFusedUpdates::whyNotDtype,
        CudaFusedUpdates::whyNotBlocks);
  }

  /** Parameter {@code i}'s dtype: float32 or float64, and parameter 0's. */
  private static String whyNotDtype(List<Tensor> params, int i) {
    Tensor p = params.get(i);
    DType dtype = params.get(0).dtype();
    if (p.dtype() != DType.FLOAT32 && p.dtype() != DType.FLOAT64) {
      return "parameter " + i + " is " + name(p.dtype())
          + "; the fused kernels take float32 or float64";
    }
    if (p.dtype() != dtype) {
      return "parameter " + i + " is " + name(p.dtype()) + " but parameter 0 is "
          + name(dtype) + "; a fused step takes one dtype";
    }
    return null;
  }

  /** Why the parameters' blocks of {@link CudaFusedStep#CHUNK} elements fit no launch, or null. */
  private static String whyNotBlocks(List<Tensor> params) {
    long blocks = 0;
    for (Tensor p : params) {
      blocks += (p.size() + CudaFusedStep.CHUNK - 1) / CudaFusedStep.CHUNK;
    }
    if (blocks == 0) {
      return "every parameter is empty";
    }
    if (blocks > Integer.MAX_VALUE) {
      return "the parameters need " + blocks + " blocks of " + CudaFusedStep.CHUNK
          + " elements, more than one launch takes";
    }
    return null;
  }

  private static String name(DType dtype) {
    return dtype.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "CudaFusedUpdates(float32, float64)";
  }
}
