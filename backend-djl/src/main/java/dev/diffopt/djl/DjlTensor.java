package dev.diffopt.djl;

import ai.djl.pytorch.engine.PtNDArray;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorChecks;
import dev.diffopt.tensor.TensorOps;

/**
 * A diffopt {@link Tensor} backed by a DJL PyTorch {@link PtNDArray}. {@link #ndArray()} hands the
 * array to DJL code (models, blocks) without a copy.
 */
public final class DjlTensor implements Tensor {
  private final DjlBackend backend;
  private final PtNDArray array;
  private final Shape shape;
  private final DType dtype;
  private volatile boolean closed;

  DjlTensor(DjlBackend backend, PtNDArray array) {
    this.backend = backend;
    this.array = array;
    this.shape = Shape.of(array.getShape().getShape());
    this.dtype = DjlTypes.toDiffopt(array.getDataType());
  }

  /** The underlying DJL array (shared, not copied); valid until this tensor is closed. */
  public PtNDArray ndArray() {
    TensorChecks.open(this, "ndArray");
    return array;
  }

  DjlBackend backend() {
    return backend;
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
    return backend.ops();
  }

  @Override
  public boolean isClosed() {
    return closed || array.isReleased();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      array.close();
    }
  }

  /** {@code djl float32(2, 3)}, plus {@code closed} once closed. Values are not printed. */
  @Override
  public String toString() {
    return "DjlTensor " + dtype.name().toLowerCase(java.util.Locale.ROOT) + shape
        + (isClosed() ? " closed" : "");
  }
}
