package dev.diffopt.spi;

import dev.diffopt.tensor.Tensor;
import dev.diffopt.transform.GradientTransformation;
import java.util.List;
import java.util.Optional;

/**
 * Multi-tensor fused optimizer steps ({@link Capability#FUSED_UPDATES}): one pass over memory and
 * as few native calls as possible per step for all parameters, updating them in place. The classic
 * {@link dev.diffopt.optim.Optimizer} uses it when the backend can fuse its transformation; the
 * functional and differentiable paths never do (a fused step is not recorded by autodiff).
 *
 * <p>A fused step must compute exactly what the transformation's op-by-op {@code update} followed
 * by {@link dev.diffopt.transform.Updates#apply} computes, up to floating-point rounding (the kit
 * checks rtol 1e-5 in float32), and keep its state in the same tree structure as {@code
 * transformation.init(params)}, so states can be checkpointed and moved between the two paths.
 */
public interface FusedUpdates {

  /**
   * A fused kernel for {@code transformation} over {@code params}, or empty when this backend
   * cannot fuse it (another optimizer, an unsupported option or dtype); the caller then runs the
   * op-by-op path.
   *
   * @param transformation the update rule, e.g. {@code Adam.of(1e-3)}
   * @param params the parameter tree; its tensor leaves are updated in place by {@link
   *     FusedStep#step}, and the state has the structure {@code transformation.init(params)} gives
   * @return the kernel, holding a fresh state, or empty
   */
  Optional<FusedStep> prepare(GradientTransformation transformation, Object params);

  /** A prepared fused kernel: parameters, state and hyper-parameters bound. */
  interface FusedStep extends AutoCloseable {

    /**
     * Updates every parameter in place from {@code grads} and advances the state.
     *
     * @param grads one gradient per parameter leaf, in leaf order, same shapes and dtypes
     */
    void step(List<Tensor> grads);

    /**
     * The state as a tree of the structure {@code transformation.init(params)} returns; its tensors
     * belong to the kernel and stay valid until the next step or {@link #close()}.
     *
     * @return the state tree
     */
    Object state();

    /**
     * Replaces the state with {@code state} (same structure), e.g. one loaded from a checkpoint.
     *
     * @param state the new state; its values are copied, the caller keeps its tensors
     */
    void load(Object state);

    /** Frees the kernel's state. */
    @Override
    void close();
  }
}
