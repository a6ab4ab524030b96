package dev.diffopt.transform;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tree.Trees;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

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

  /** Beyond this exponent {@code β^-t − 1} is taken as {@code e^80 − 1}: larger t change nothing. */
  private static final double MAX_EXPONENT = 80.0;

  /**
   * {@code β^−t − 1} for {@code t = count}, accurate in float32 too: with {@code x = t·|ln β|} (the
   * logarithm taken in double on the host from the exact β), {@code expm1(x)} is evaluated by
   * Kahan's {@code (e^x − 1)·x / ln(e^x)}, which keeps full relative precision for small x where
   * {@code 1 − β^t} computed directly would cancel (and where a float32 β such as 0.999 is itself
   * off by 1e-8 absolute, 1e-5 relative in {@code 1 − β}). x is capped at 80 (e^80 fits in float32).
   *
   * @param beta the decay rate β, in (0, 1)
   * @param count the step t
   * @param dtype the floating dtype of the result
   * @return a 0-d tensor {@code β^−t − 1}
   */
  public static Tensor inversePowerMinusOne(double beta, Tensor count, DType dtype) {
    TensorOps ops = count.ops();
    Tensor x = ops.minimum(ops.mul(asFloat(count, dtype), -Math.log(beta)),
        ops.scalar(MAX_EXPONENT, dtype));
    Tensor w = ops.exp(x);
    Tensor one = ops.scalar(1.0, dtype);
    return ops.where(ops.eq(w, one), x, ops.div(ops.mul(ops.sub(w, one), x), ops.log(w)));
  }

  /**
   * Adam's bias correction {@code 1 − β^t} in {@code dtype}, computed as {@code e / (1 + e)} with
   * {@code e = β^−t − 1} from {@link #inversePowerMinusOne}, so that float32 parameters get the
   * correction to float32 precision, as {@code torch.optim} computes it in double on the host
   * (TorchOpt issue #235 shows what a float32 correction does to float64 parameters).
   *
   * @param beta the decay rate β, in [0, 1)
   * @param count the step t (already incremented for the current step, so {@code t >= 1})
   * @param dtype the parameters' dtype
   * @return a 0-d tensor {@code 1 − β^t}
   */
  public static Tensor biasCorrection(double beta, Tensor count, DType dtype) {
    TensorOps ops = count.ops();
    if (beta == 0) {
      return ops.scalar(1.0, dtype);
    }
    Tensor e = inversePowerMinusOne(beta, count, dtype);
    return ops.div(e, ops.add(e, 1.0));
  }

  /**
   * {@link #biasCorrection} for one step, computed once per dtype however many leaves ask: the
   * handful of scalar operations a correction takes are then not repeated for every parameter.
   *
   * @param beta the decay rate β, in [0, 1)
   * @param count the step t
   * @return a function from a dtype to the 0-d correction {@code 1 − β^t} in that dtype
   */
  public static Function<DType, Tensor> biasCorrections(double beta, Tensor count) {
    Map<DType, Tensor> byDtype = new EnumMap<>(DType.class);
    return dtype -> byDtype.computeIfAbsent(dtype, d -> biasCorrection(beta, count, d));
  }
}
