package dev.diffopt.tensorflow;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import org.tensorflow.Output;

/**
 * A tensor of the TensorFlow backend: either <em>eager</em>, holding a host TensorFlow tensor with
 * its values, or <em>symbolic</em>, a value of a graph being traced (inside {@link
 * TfBackend#stage} or a gradient), whose numbers exist only when the graph runs. Closing an eager
 * tensor frees its native memory; a symbolic tensor becomes unusable when its trace ends.
 */
public final class TfTensor implements Tensor {
  private final TfTensorOps ops;
  private final Shape shape;
  private final DType dtype;
  private final Trace trace;
  private final Output<?> symbol;
  private org.tensorflow.Tensor value;
  private volatile boolean closed;

  /** An eager tensor owning {@code value}. */
  TfTensor(TfTensorOps ops, org.tensorflow.Tensor value, Shape shape, DType dtype) {
    this.ops = ops;
    this.value = value;
    this.shape = shape;
    this.dtype = dtype;
    this.trace = null;
    this.symbol = null;
  }

  /** A symbolic tensor of {@code trace}. */
  TfTensor(TfTensorOps ops, Trace trace, Output<?> symbol, Shape shape, DType dtype) {
    this.ops = ops;
    this.trace = trace;
    this.symbol = symbol;
    this.shape = shape;
    this.dtype = dtype;
    this.value = null;
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

  /**
   * Whether this tensor is a value of a graph being traced rather than a host value.
   *
   * @return true inside a staged function or gradient
   */
  public boolean isSymbolic() {
    return symbol != null;
  }

  Trace trace() {
    return trace;
  }

  Output<?> symbol() {
    return symbol;
  }

  /** The host TensorFlow tensor of an eager tensor; fails for a symbolic or closed one. */
  synchronized org.tensorflow.Tensor value() {
    if (symbol != null) {
      throw new IllegalStateException(
          "the values of a tensor inside a staged function (or gradient) are not known while it "
              + "is traced; return the tensor from the function and read it afterwards");
    }
    if (closed) {
      throw new IllegalStateException("tensor " + dtype + shape + " is closed");
    }
    return value;
  }

  /** Replaces the host value (the in-place {@code assign}); closes the old one. */
  synchronized void replace(org.tensorflow.Tensor newValue) {
    org.tensorflow.Tensor old = value;
    value = newValue;
    old.close();
  }

  @Override
  public boolean isClosed() {
    return closed || trace != null && !trace.isOpen();
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      if (value != null) {
        value.close();
        value = null;
      }
    }
  }

  @Override
  public String toString() {
    return "TfTensor(" + dtype + shape + (symbol != null ? ", symbolic " + symbol.op().name() : "")
        + (closed ? ", closed" : "") + ")";
  }
}
