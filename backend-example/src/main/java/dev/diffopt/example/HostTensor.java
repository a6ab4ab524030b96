package dev.diffopt.example;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;

/**
 * A tensor of the example backend: its elements in row-major order in a {@code double[]}, each
 * already rounded to the tensor's dtype ({@link Precision}). Every dtype uses the same storage, so
 * an INT64 value is exact only within ±2<sup>53</sup>, a limit a real backend would not have.
 *
 * <p>{@link #close()} drops the array, so the memory is reclaimed even while a stale handle is
 * still referenced, and a use after close fails in {@code TensorChecks.open} with a message.
 */
public final class HostTensor implements Tensor {
  private final HostTensorOps ops;
  private final Shape shape;
  private final DType dtype;
  private volatile double[] values;

  HostTensor(HostTensorOps ops, double[] values, Shape shape, DType dtype) {
    this.ops = ops;
    this.values = values;
    this.shape = shape;
    this.dtype = dtype;
  }

  /** The live storage; callers have checked that the tensor is open. */
  double[] values() {
    return values;
  }

  @Override
  public Shape shape() {
    return shape;
  }

  @Override
  public DType dtype() {
    return dtype;
  }

  @Override
  public TensorOps ops() {
    return ops;
  }

  @Override
  public boolean isClosed() {
    return values == null;
  }

  @Override
  public void close() {
    values = null;
  }

  @Override
  public String toString() {
    return "HostTensor(" + dtype + shape + (isClosed() ? ", closed" : "") + ")";
  }
}
