package dev.diffopt.schedule;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;

/**
 * A step-size (or any hyper-parameter) schedule: a pure function from the step count to a value,
 * computed with tensor operations so that a staged step reads the count as data and a schedule's
 * own parameters could be differentiated. Counts are 0-d {@link DType#INT64} tensors starting at
 * 0 (the value used for the first update is {@code value(0)}, as in optax and TorchOpt).
 */
@FunctionalInterface
public interface Schedule {

  /**
   * The value at {@code count}.
   *
   * @param count the step, a 0-d INT64 tensor
   * @param dtype the floating dtype of the result
   * @return a 0-d tensor of {@code dtype}
   */
  Tensor value(Tensor count, DType dtype);

  /**
   * The value at a step given on the host, computed on {@code ops}' backend in float64 where the
   * backend has it.
   *
   * @param ops the backend's operations
   * @param step the step, {@code >= 0}
   * @param dtype the floating dtype to compute in
   * @return the value
   */
  default double valueAt(TensorOps ops, long step, DType dtype) {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, got " + step);
    }
    return value(ops.full(Shape.scalar(), step, DType.INT64), dtype).item();
  }
}
