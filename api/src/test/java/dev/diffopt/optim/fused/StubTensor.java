package dev.diffopt.optim.fused;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;

/**
 * A tensor stand-in for host-only tests: a name, a dtype, open or closed; it has no ops and is
 * never read. A class, not a record: records are tree nodes.
 */
final class StubTensor implements Tensor {
  final String name;
  private final DType dtype;
  private final boolean closed;

  StubTensor(String name, DType dtype, boolean closed) {
    this.name = name;
    this.dtype = dtype;
    this.closed = closed;
  }

  @Override
  public Shape shape() {
    return Shape.scalar();
  }

  @Override
  public DType dtype() {
    return dtype;
  }

  @Override
  public TensorOps ops() {
    throw new UnsupportedOperationException("a stub has no ops");
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return name;
  }
}
