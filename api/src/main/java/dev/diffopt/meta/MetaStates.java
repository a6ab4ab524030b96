package dev.diffopt.meta;

import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tree.Trees;

/**
 * Utilities over trees of parameters and optimizer states (TorchOpt's {@code stop_gradient} and
 * {@code extract_state_dict(by="copy")}). Leaves that are not floating-point tensors (counters,
 * flags, numbers) pass through unchanged.
 */
public final class MetaStates {
  private MetaStates() {}

  /**
   * The same values with the graph cut: an outer gradient does not flow into the result.
   *
   * @param <T> the tree type
   * @param autodiff the backend's autodiff
   * @param tree parameters, a state, or a snapshot
   * @return a tree of the same structure
   */
  public static <T> T stopGradient(Autodiff autodiff, T tree) {
    return Trees.map(leaf -> leaf instanceof Tensor t && t.dtype().isFloating()
        ? autodiff.stopGradient(t) : leaf, tree);
  }

  /**
   * New tensors with the same values; an outer gradient flows through the copy into the original
   * (a differentiable identity), while later in-place changes of either do not show in the other.
   *
   * @param <T> the tree type
   * @param ops the backend's operations
   * @param tree parameters, a state, or a snapshot
   * @return a tree of the same structure
   */
  public static <T> T copy(TensorOps ops, T tree) {
    // x·1 rather than a cast: casts to the same dtype are not recorded by every backend's autodiff
    return Trees.map(leaf -> !(leaf instanceof Tensor t) ? leaf
        : t.dtype().isFloating() ? ops.mul(t, 1.0) : ops.cast(t, t.dtype()), tree);
  }
}
