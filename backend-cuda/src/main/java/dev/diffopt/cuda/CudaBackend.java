package dev.diffopt.cuda;

import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.spi.Backend;
import dev.diffopt.spi.Capability;
import dev.diffopt.spi.FusedUpdates;
import dev.diffopt.spi.UnsupportedCapabilityException;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * diffopt on one NVIDIA GPU through the CUDA driver API: every primitive is one of diffopt's own
 * kernels ({@code src/main/cuda/ops.cu}, shipped as PTX), optimizer steps over a whole parameter
 * tree are one multi-tensor launch ({@link CudaFusedUpdates}), and {@link TreeFlattening} moves a
 * tree into one contiguous buffer and back. There is no automatic differentiation: gradients come
 * from elsewhere (zero-order estimators, another backend, a model's own backward pass), and the
 * conformance kit skips its autodiff suites here with that reason.
 *
 * <p>Obtain it with {@code Backends.get("cuda")}; option {@code device} picks the GPU (default 0).
 */
public final class CudaBackend implements Backend {
  private static final Set<Capability> CAPABILITIES =
      EnumSet.of(Capability.FLOAT64, Capability.FUSED_UPDATES, Capability.GPU);

  private final CudaDevice device;
  private final CudaTensorOps ops;
  private final Optional<FusedUpdates> fused;
  private final TreeFlattening flattening;

  CudaBackend(int ordinal) {
    this.device = new CudaDevice(ordinal);
    boolean ok = false;
    try {
      this.ops = new CudaTensorOps(device);
      this.fused = Optional.of(new CudaFusedUpdates(ops));
      this.flattening = new TreeFlattening(ops);
      selfTest();
      ok = true;
    } finally {
      if (!ok) {
        device.close();
      }
    }
  }

  /** Loads the kernels and checks one round trip, so a broken driver fails here, not later. */
  private void selfTest() {
    try (Scope scope = Scope.open()) {
      Tensor x = ops.fromDoubles(new double[] {1.5, -2}, Shape.of(2), DType.FLOAT32);
      double[] y = ops.toDoubleArray(ops.add(x, x));
      if (y[0] != 3 || y[1] != -4) {
        throw new IllegalStateException(
            "cuda self-test: 2 * [1.5, -2] gave " + java.util.Arrays.toString(y));
      }
    }
  }

  @Override
  public String name() {
    return CudaBackendProvider.NAME;
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
   * Always throws: this backend computes no gradients.
   *
   * @throws UnsupportedCapabilityException always
   */
  @Override
  public Autodiff autodiff() {
    throw new UnsupportedCapabilityException(name(), Capability.AUTODIFF,
        "the cuda backend runs diffopt's own kernels without a tape; compute gradients with "
            + "another backend or a zero-order estimator (dev.diffopt.zeroorder.ZeroOrder)");
  }

  @Override
  public Optional<FusedUpdates> fusedUpdates() {
    return fused;
  }

  /** Ravel a tree of this backend's tensors into one buffer and back. */
  public TreeFlattening flattening() {
    return flattening;
  }

  /** The GPU's name, e.g. {@code NVIDIA H100 80GB HBM3}. */
  public String deviceName() {
    return device.name();
  }

  /** Waits until every queued kernel and copy has finished (for timing). */
  public void synchronize() {
    device.synchronize();
  }

  @Override
  public void close() {
    device.close();
  }

  @Override
  public String toString() {
    return "CudaBackend(" + device + ")";
  }
}
