package dev.diffopt.transform;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tree.Trees;

/**
 * Step counters kept in transformation states: 0-d {@link DType#INT64} tensors on the parameters'
 * backend, so that a staged step reads the count as data rather than baking it into the trace.
 * A tree without leaves has no backend to hold a counter; its counter is {@code null}.
 */
public final class Counters {
  private Counters() {}

  /**
   * A zero counter on the backend of the first leaf of {@code tree}.
   *
   * @param tree a tree of tensors
   * @return a 0-d INT64 zero, or {@code null} when the tree has no leaves
   */
  public static Tensor zero(Object tree) {
    for (Object leaf : Trees.leaves(tree)) {
      if (leaf instanceof Tensor t) {
        return t.ops().zeros(dev.diffopt.tensor.Shape.scalar(), DType.INT64);
      }
    }
    return null;
  }

  /**
   * {@code count + 1}.
   *
   * @param count a counter from {@link #zero}, or {@code null}
   * @return the incremented counter ({@code null} stays {@code null})
   */
  public static Tensor increment(Tensor count) {
    return count == null ? null : count.ops().add(count, count.ops().scalar(1, DType.INT64));
  }

  /**
   * The counter as a 0-d tensor of {@code dtype}, for use in formulas.
   *
   * @param count a counter
   * @param dtype the floating dtype wanted
   * @return {@code (dtype) count}
   */
  public static Tensor asFloat(Tensor count, DType dtype) {
    return count.ops().cast(count, dtype);
  }

  /**
   * Adam's bias correction {@code 1 − β^t} in {@code dtype} (the parameters' precision; see
   * TorchOpt issue #235 for what float32 corrections do to float64 parameters).
   *
   * @param beta the decay rate β
   * @param count the step t (already incremented for the current step)
   * @param dtype the parameters' dtype
   * @return a 0-d tensor {@code 1 − β^t}
   */
  public static Tensor biasCorrection(double beta, Tensor count, DType dtype) {
    TensorOps ops = count.ops();
    Tensor power = ops.pow(ops.scalar(beta, dtype), asFloat(count, dtype));
    return ops.sub(ops.scalar(1.0, dtype), power);
  }
}
