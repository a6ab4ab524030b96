package dev.diffopt.tensor;

/**
 * An n-dimensional array owned by a backend, usually in native memory.
 *
 * <p>A tensor is created inside the innermost open {@link Scope} of the creating thread and is
 * closed with it unless {@linkplain Scope#keep(Object) kept}; outside any scope the caller owns it
 * and must {@link #close()} it. Using a closed tensor throws {@link IllegalStateException}.
 *
 * <p>The fluent methods below are conveniences that delegate to {@link #ops()}; the primitives and
 * their exact semantics are documented on {@link TensorOps}.
 */
public interface Tensor extends AutoCloseable {

  /** The shape. */
  Shape shape();

  /** The element type. */
  DType dtype();

  /** The operations of the backend that owns this tensor. */
  TensorOps ops();

  /** Whether {@link #close()} has been called. */
  boolean isClosed();

  /** Releases the native memory of this handle; idempotent. */
  @Override
  void close();

  /** {@code this + other} with broadcasting. */
  default Tensor add(Tensor other) {
    return ops().add(this, other);
  }

  /** {@code this - other} with broadcasting. */
  default Tensor sub(Tensor other) {
    return ops().sub(this, other);
  }

  /** {@code this * other} element-wise with broadcasting. */
  default Tensor mul(Tensor other) {
    return ops().mul(this, other);
  }

  /** {@code this / other} element-wise with broadcasting. */
  default Tensor div(Tensor other) {
    return ops().div(this, other);
  }

  /** {@code this + c}. */
  default Tensor add(double c) {
    return ops().add(this, c);
  }

  /** {@code this * c}. */
  default Tensor mul(double c) {
    return ops().mul(this, c);
  }

  /** {@code -this}. */
  default Tensor neg() {
    return ops().neg(this);
  }

  /** Matrix product, see {@link TensorOps#matmul}. */
  default Tensor matmul(Tensor other) {
    return ops().matmul(this, other);
  }

  /** Sum of all elements as a 0-d tensor. */
  default Tensor sum() {
    return ops().sum(this);
  }

  /** Mean of all elements as a 0-d tensor. */
  default Tensor mean() {
    return ops().mean(this);
  }

  /** Same data, new shape of equal size. */
  default Tensor reshape(long... dims) {
    return ops().reshape(this, Shape.of(dims));
  }

  /** Number of elements. */
  default long size() {
    return shape().size();
  }

  /** The single element of a one-element tensor, as a double (copies to the host). */
  default double item() {
    return ops().item(this);
  }

  /** All elements in row-major order, as doubles (copies to the host). */
  default double[] toDoubleArray() {
    return ops().toDoubleArray(this);
  }
}
