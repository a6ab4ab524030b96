package dev.diffopt.transform;

import dev.diffopt.tensor.TensorTrees;

/** Applying updates to parameters. */
public final class Updates {
  private Updates() {}

  /**
   * {@code params + updates}, leaf by leaf (updates are added; the learning-rate step has already
   * flipped the sign of the gradient). Differentiable when the backend is.
   *
   * @param params the parameters
   * @param updates updates of the same structure
   * @param <T> the tree type
   * @return the new parameters
   */
  public static <T> T apply(T params, Object updates) {
    return TensorTrees.map(params, updates, (p, u) -> p.ops().add(p, u));
  }
}
