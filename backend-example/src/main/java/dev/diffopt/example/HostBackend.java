package dev.diffopt.example;

import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.spi.Backend;
import dev.diffopt.spi.Capability;
import dev.diffopt.spi.UnsupportedCapabilityException;
import dev.diffopt.tensor.TensorOps;
import java.util.EnumSet;
import java.util.Set;

/**
 * The example backend: tensors are Java {@code double} arrays ({@link HostTensor}) and every
 * primitive is a loop over them ({@link HostTensorOps}). It reports {@link Capability#FLOAT64}
 * only: there is no autodiff, no staging and no fused optimizer kernel, so the conformance kit
 * skips the suites that need those, saying why, and runs everything else.
 *
 * <p>{@link #scope()} and {@link #stage} keep the interface's defaults ({@code Scope.open()} and
 * the function itself), which is right for an eager backend. Obtain it with {@code
 * Backends.get("host")}.
 */
public final class HostBackend implements Backend {
  private static final Set<Capability> CAPABILITIES = EnumSet.of(Capability.FLOAT64);

  private final HostTensorOps ops = new HostTensorOps();

  HostBackend() {}

  @Override
  public String name() {
    return HostBackendProvider.NAME;
  }

  @Override
  public Set<Capability> capabilities() {
    return CAPABILITIES;
  }

  @Override
  public TensorOps ops() {
    return ops;
  }

  /**
   * Always throws: this backend records no operations, so it computes no gradients.
   *
   * @throws UnsupportedCapabilityException always
   */
  @Override
  public Autodiff autodiff() {
    throw new UnsupportedCapabilityException(name(), Capability.AUTODIFF,
        "the host example backend has no tape; use a zero-order estimator "
            + "(dev.diffopt.zeroorder.ZeroOrder) or a backend with autodiff");
  }

  /** Nothing to free: tensors are Java arrays that the garbage collector reclaims. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "HostBackend";
  }
}
