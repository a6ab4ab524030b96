package dev.diffopt.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.spi.Backend;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.EnumSet;
import java.util.Set;

/**
 * The DJL backend: PyTorch (libtorch) on the CPU through DJL, with first- and higher-order
 * autodiff. Create it through {@link dev.diffopt.Backends#get(String) Backends.get("djl")}.
 *
 * <p>It owns one DJL {@code NDManager}; every tensor it creates lives there until closed, by a
 * {@link Scope} or by hand. On start it runs a self-test of the second-order gradient route and
 * refuses to start if that gives a wrong number.
 */
public final class DjlBackend implements Backend {
  private static final Set<Capability> CAPABILITIES =
      EnumSet.of(Capability.AUTODIFF, Capability.HIGHER_ORDER, Capability.FLOAT64);
  private static final Set<Capability> CAPABILITIES_FUSED = EnumSet.of(
      Capability.AUTODIFF, Capability.HIGHER_ORDER, Capability.FLOAT64, Capability.FUSED_UPDATES);

  private final PtNDManager manager;
  private final DjlTensorOps ops;
  private final TorchScriptModule autogradModule;
  private final DjlAutodiff autodiff;
  private final java.util.Optional<dev.diffopt.spi.FusedUpdates> fusedUpdates;

  DjlBackend(Engine engine) {
    this.manager = (PtNDManager) engine.newBaseManager();
    this.manager.setName("diffopt");
    this.autogradModule = TorchScriptModule.load(manager, "DiffoptAutograd", "autograd.py");
    this.ops = new DjlTensorOps(this, manager, autogradModule);
    this.autodiff = new DjlAutodiff(ops, manager, autogradModule);
    // libtorch turns grad mode off on the thread that loaded it and leaves it on elsewhere; make
    // every thread behave alike.
    JniUtils.setGradMode(true);
    selfTest();
    this.fusedUpdates = dev.diffopt.djl.fused.DjlFusedUpdates.create(this);
  }

  @Override
  public String name() {
    return DjlBackendProvider.NAME;
  }

  @Override
  public Set<Capability> capabilities() {
    return fusedUpdates.isPresent() ? CAPABILITIES_FUSED : CAPABILITIES;
  }

  /**
   * The fused multi-tensor optimizer kernels ({@link dev.diffopt.djl.fused.DjlFusedUpdates}),
   * present when the JVM runs with {@code --add-modules jdk.incubator.vector}.
   */
  @Override
  public java.util.Optional<dev.diffopt.spi.FusedUpdates> fusedUpdates() {
    return fusedUpdates;
  }

  @Override
  public TensorOps ops() {
    return ops;
  }

  @Override
  public Autodiff autodiff() {
    return autodiff;
  }

  /**
   * Wraps an existing DJL PyTorch array (no copy) so diffopt can use it; the tensor joins the
   * current scope, and closing it closes the array.
   */
  public DjlTensor wrap(NDArray array) {
    if (!(array instanceof PtNDArray pt)) {
      throw new IllegalArgumentException(
          "wrap: needs a PyTorch-engine NDArray, got " + array.getClass().getName());
    }
    return ops.wrap(pt);
  }

  /**
   * Checks on start that {@code d²/dx² x³ = 6x} through the TorchScript route; a DJL or libtorch
   * build whose route silently drops the graph fails here instead of giving wrong meta-gradients.
   */
  private void selfTest() {
    try (Scope scope = Scope.open()) {
      Tensor x = ops.fromDoubles(new double[] {1.5}, Shape.scalar(), DType.FLOAT64);
      Tensor second =
          autodiff.grad(p -> autodiff.grad(q -> ops.pow(q, 3.0), p, true), x, false);
      double got = second.item();
      if (Math.abs(got - 9.0) > 1e-9) {
        throw new IllegalStateException(
            "djl backend self-test failed: d²/dx² x³ at 1.5 gave " + got + " instead of 9.0; "
                + "the TorchScript autograd route does not keep the graph in this DJL build");
      }
    }
  }

  @Override
  public void close() {
    autogradModule.close();
    manager.close();
  }

  @Override
  public String toString() {
    return "DjlBackend(PyTorch " + Engine.getEngine("PyTorch").getVersion() + ", "
        + JniUtils.getNumThreads() + " intra-op threads)";
  }
}
