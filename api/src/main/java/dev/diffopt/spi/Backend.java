package dev.diffopt.spi;

import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.TensorOps;
import java.util.Set;
import java.util.function.Function;

/**
 * A tensor engine diffopt runs on: its primitive {@linkplain #ops() operations}, optionally
 * {@linkplain #autodiff() automatic differentiation}, and what else it can do ({@link
 * #capabilities()}). Obtain one from {@link dev.diffopt.Backends}; implement one through {@link
 * BackendProvider}. A backend is thread-safe: several threads may create tensors and take gradients
 * at once, each in its own {@link Scope}.
 */
public interface Backend extends AutoCloseable {

  /** The provider's name, e.g. {@code djl}. */
  String name();

  /** What this backend supports. */
  Set<Capability> capabilities();

  /** Whether {@code capability} is supported. */
  default boolean has(Capability capability) {
    return capabilities().contains(capability);
  }

  /** The primitive operations. */
  TensorOps ops();

  /**
   * Reverse-mode automatic differentiation.
   *
   * @throws UnsupportedCapabilityException if the backend lacks {@link Capability#AUTODIFF}
   */
  Autodiff autodiff();

  /**
   * Multi-tensor fused optimizer steps, present when the backend has {@link
   * Capability#FUSED_UPDATES}.
   *
   * @return the fused kernels, or empty
   */
  default java.util.Optional<FusedUpdates> fusedUpdates() {
    return java.util.Optional.empty();
  }

  /** Opens a {@link Scope} on the current thread, owning the tensors created until it closes. */
  default Scope scope() {
    return Scope.open();
  }

  /**
   * Turns a pure function of trees into a reusable callable. Eager backends return {@code fn}
   * itself; staged backends ({@link Capability#STAGING}) trace it once per input structure, shape and
   * dtype, and re-run the compiled form.
   */
  default <I, O> Function<I, O> stage(Function<I, O> fn) {
    return fn;
  }

  /** Frees what the backend holds; tensors created by it must not be used afterwards. */
  @Override
  void close();
}
