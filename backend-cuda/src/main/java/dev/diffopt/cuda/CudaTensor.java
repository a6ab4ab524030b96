package dev.diffopt.cuda;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A tensor in GPU memory: one contiguous row-major buffer of {@code shape.size()} elements of
 * {@code dtype} (BOOL as one byte, 0 or 1), owned by this handle and returned to the device's
 * memory pool by {@link #close()}.
 */
public final class CudaTensor implements Tensor {
  private final CudaTensorOps ops;
  private final DevicePointer pointer;
  private final Shape shape;
  private final DType dtype;
  private final AtomicBoolean closed = new AtomicBoolean();

  CudaTensor(CudaTensorOps ops, DevicePointer pointer, Shape shape, DType dtype) {
    this.ops = ops;
    this.pointer = pointer;
    this.shape = shape;
    this.dtype = dtype;
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

  /** The buffer's device address (0 for an empty tensor), e.g. for other CUDA code. */
  public long address() {
    return pointer.address();
  }

  /** The buffer's size in bytes. */
  public long byteSize() {
    return shape.size() * dtype.byteSize();
  }

  DevicePointer pointer() {
    return pointer;
  }

  @Override
  public boolean isClosed() {
    return closed.get();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      ops.device().free(pointer);
    }
  }

  @Override
  public String toString() {
    return "CudaTensor(" + dtype + shape + (isClosed() ? ", closed" : "") + ")";
  }
}
