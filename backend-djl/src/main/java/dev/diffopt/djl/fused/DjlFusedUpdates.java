package dev.diffopt.djl.fused;

import dev.diffopt.djl.DjlTensor;
import dev.diffopt.optim.fused.FusedParameters;
import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.spi.Backend;
import dev.diffopt.spi.FusedUpdates;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.transform.GradientTransformation;
import java.util.List;
import java.util.Optional;

/**
 * Fused multi-tensor optimizer steps for the DJL backend ({@link
 * dev.diffopt.spi.Capability#FUSED_UPDATES}): every optimizer of {@link dev.diffopt.optim} whose
 * chain {@link FusedPlan#recognize} accepts runs as one Vector-API pass per tensor over zero-copy
 * views of the libtorch storage of the parameters, gradients and moments (two passes for LAMB),
 * with the per-step scalars computed once on the host ({@link
 * dev.diffopt.optim.fused.Float32Scalars}). The state is the transformation's own {@code init}
 * tree, updated in place; results equal the op-by-op float32 path.
 *
 * <p>Requirements, checked by {@link #prepare} (which returns empty otherwise, so the optimizer
 * runs op-by-op; {@link #whyNot} says why): a recognized chain; float32, contiguous, distinct
 * parameters of this backend with fewer than 2³¹ bytes each. Float64 parameters are not fused.
 * Gradients that are strided views are read through a contiguous copy.
 *
 * <p>The kernels need the incubating Vector API of JDK 17: run with {@code --add-modules
 * jdk.incubator.vector}. Without it (or on a JDK whose Vector API differs) {@link #create} returns
 * empty, the backend does not report {@code FUSED_UPDATES}, and {@link #unavailableReason()} says
 * why (also logged once per JVM at INFO).
 */
public final class DjlFusedUpdates implements FusedUpdates {
  private static final System.Logger LOG = System.getLogger(DjlFusedUpdates.class.getName());
  private static final String UNAVAILABLE = probe();
  private static final java.util.concurrent.atomic.AtomicBoolean LOGGED =
      new java.util.concurrent.atomic.AtomicBoolean();

  private final Backend backend;

  private DjlFusedUpdates(Backend backend) {
    this.backend = backend;
  }

  /**
   * The fused kernels for {@code backend} (a DJL backend), or empty when they cannot run here.
   *
   * @param backend the DJL backend whose tensors the kernels will update
   * @return the kernels, or empty (the reason is logged)
   */
  public static Optional<FusedUpdates> create(Backend backend) {
    String reason = UNAVAILABLE != null ? UNAVAILABLE : layoutSelfTest(backend);
    if (reason != null) {
      if (LOGGED.compareAndSet(false, true)) {
        LOG.log(System.Logger.Level.INFO, "diffopt djl: fused optimizer kernels are off: " + reason);
      }
      return Optional.empty();
    }
    return Optional.of(new DjlFusedUpdates(backend));
  }

  /**
   * Why the fused kernels cannot run in this JVM, or empty when they can.
   *
   * @return the reason
   */
  public static Optional<String> unavailableReason() {
    return Optional.ofNullable(UNAVAILABLE);
  }

  @Override
  public Optional<FusedStep> prepare(GradientTransformation transformation, Object params) {
    String why = whyNot(transformation, params);
    if (why != null) {
      LOG.log(System.Logger.Level.DEBUG, "diffopt djl: not fused: " + why);
      return Optional.empty();
    }
    FusedPlan plan = FusedPlan.recognize(transformation).orElseThrow();
    return Optional.of(
        new FusedKernelStep(backend.ops(), Kernels.of(plan), transformation, params));
  }

  /**
   * Why {@link #prepare} returns empty for these arguments, or {@code null} when it fuses them.
   *
   * @param transformation the update rule
   * @param paramTree the parameter tree
   * @return the reason, or null
   */
  public String whyNot(GradientTransformation transformation, Object paramTree) {
    return FusedParameters.whyNot(transformation, paramTree, "djl",
        p -> p instanceof DjlTensor && p.ops() == backend.ops(), DjlFusedUpdates::whyNotParameter);
  }

  /** This backend's own checks of parameter {@code i}, an open tensor of it. */
  private static String whyNotParameter(List<Tensor> params, int i) {
    Tensor p = params.get(i);
    if (p.dtype() != DType.FLOAT32) {
      return "parameter " + i + " is " + p.dtype() + "; the fused kernels are float32 only";
    }
    if (p.size() * Float.BYTES > Integer.MAX_VALUE) {
      return "parameter " + i + " has " + p.size() + " elements, more than one view can hold";
    }
    if (!TorchLayout.isContiguous(((DjlTensor) p).ndArray())) {
      return "parameter " + i + " is not contiguous (a strided view)";
    }
    return null;
  }

  @Override
  public String toString() {
    return "DjlFusedUpdates(Vector API, " + VectorKernel.LANES + " float lanes)";
  }

  /** Null when the Vector API and DJL's layout queries work here, else why not. */
  private static String probe() {
    String layout = TorchLayout.problem();
    if (layout != null) {
      return layout;
    }
    try {
      String vector = VectorProbe.check();
      if (vector != null) {
        return vector;
      }
      // load the kernel base once more through its own class, so a missing piece fails here
      return VectorKernel.LANES >= 4 ? null : "fewer than 4 float lanes";
    } catch (LinkageError e) {
      return "the Vector API is not available (" + e
          + "); run the JVM with --add-modules jdk.incubator.vector (JDK 17)";
    } catch (RuntimeException e) {
      return "the Vector API self-test failed (" + e + ")";
    }
  }

  /** Checks that contiguity is reported right for a fresh and a transposed tensor. */
  private static String layoutSelfTest(Backend backend) {
    try (Scope scope = backend.scope()) {
      Tensor fresh = backend.ops().zeros(Shape.of(2, 3), DType.FLOAT32);
      Tensor transposed = backend.ops().transpose(fresh, 1, 0);
      boolean a = TorchLayout.isContiguous(((DjlTensor) fresh).ndArray());
      boolean b = TorchLayout.isContiguous(((DjlTensor) transposed).ndArray());
      return a && !b ? null
          : "the contiguity self-test failed (fresh " + a + ", transposed " + b + ")";
    } catch (RuntimeException | LinkageError e) {
      return "the contiguity self-test failed (" + e + ")";
    }
  }
}
