package dev.diffopt.conformance;

import dev.diffopt.spi.Backend;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/**
 * The diffopt conformance kit (a TCK): every backend, ours or a third party's, passes it by
 * extending this class once in its tests and returning its backend from {@link #createBackend()}.
 *
 * <pre>{@code
 * class MyBackendConformanceTest extends ConformanceKit {
 *   @Override protected Backend createBackend() { return Backends.get("mine"); }
 * }
 * }</pre>
 *
 * <p>Each area is a {@link Nested} suite in its own file; every case carries a stable id in its
 * display name (e.g. {@code AD-MLP-TANH-01}). Suites that need a {@link
 * dev.diffopt.spi.Capability} the backend lacks are skipped, each case saying why.
 */
public abstract class ConformanceKit {
  private static final Map<Class<?>, Backend> BACKENDS = new ConcurrentHashMap<>();

  /** Creates the backend under test; called once per kit subclass. */
  protected abstract Backend createBackend();

  /** The backend under test, created on first use. */
  protected final Backend backend() {
    return BACKENDS.computeIfAbsent(getClass(), k -> createBackend());
  }

  /** Discovery and the SPI contract. */
  @Nested
  @DisplayName("spi: discovery and backend contract")
  class Spi extends SpiSuite {
    @Override
    protected Backend backend() {
      return ConformanceKit.this.backend();
    }
  }

  /** Element-wise primitives against the float64 reference. */
  @Nested
  @DisplayName("ops: element-wise primitives against a float64 Java reference")
  class ElementwiseOps extends ElementwiseOpsSuite {
    @Override
    protected Backend backend() {
      return ConformanceKit.this.backend();
    }
  }

  /** Reductions against the float64 reference. */
  @Nested
  @DisplayName("ops: reductions against a float64 Java reference")
  class ReductionOps extends ReductionOpsSuite {
    @Override
    protected Backend backend() {
      return ConformanceKit.this.backend();
    }
  }

  /** Shape and linear-algebra primitives against the float64 reference. */
  @Nested
  @DisplayName("ops: shape and linear algebra against a float64 Java reference")
  class ShapeOps extends ShapeOpsSuite {
    @Override
    protected Backend backend() {
      return ConformanceKit.this.backend();
    }
  }

  /** Creation, host copies and random numbers. */
  @Nested
  @DisplayName("ops: creation, host copies and random numbers")
  class CreationOps extends CreationOpsSuite {
    @Override
    protected Backend backend() {
      return ConformanceKit.this.backend();
    }
  }

  /** First- and second-order gradients against finite differences. */
  @Nested
  @DisplayName("autodiff: gradients against central finite differences")
  class Autodiff extends AutodiffSuite {
    @Override
    protected Backend backend() {
      return ConformanceKit.this.backend();
    }
  }

  /** Staged functions give the numbers of the functions themselves. */
  @Nested
  @DisplayName("stage: staged functions against the functions themselves")
  class Staging extends StagingSuite {
    @Override
    protected Backend backend() {
      return ConformanceKit.this.backend();
    }
  }

  /** Differentiable inner optimizers: meta-gradients, first-order mode, state utilities. */
  @Nested
  @DisplayName("meta: differentiable meta-optimizers against finite differences")
  class MetaOptimizers extends MetaOptimizerSuite {
    @Override
    protected Backend backend() {
      return ConformanceKit.this.backend();
    }
  }

  /** Zero-order gradient estimators against analytic gradients of quadratics. */
  @Nested
  @DisplayName("zeroorder: naive, antithetic and forward estimators against analytic gradients")
  class ZeroOrder extends ZeroOrderSuite {
    @Override
    protected Backend backend() {
      return ConformanceKit.this.backend();
    }
  }

  /** The local task-parallel runtime: workers with their own backend instances. */
  @Nested
  @DisplayName("distributed: local workers agree with one thread, failures are reported")
  class Distributed extends DistributedSuite {
    @Override
    protected Backend backend() {
      return ConformanceKit.this.backend();
    }
  }

  /** Linear solvers over trees and implicit differentiation. */
  @Nested
  @DisplayName("implicit: linear solvers and implicit meta-gradients against references")
  class Implicit extends ImplicitSuite {
    @Override
    protected Backend backend() {
      return ConformanceKit.this.backend();
    }
  }

  /** The golden cases of TorchOpt's linear solvers and implicit differentiation. */
  @Nested
  @DisplayName("golden: TorchOpt linear solvers and implicit differentiation")
  class GoldenLinalg extends dev.diffopt.conformance.golden.GoldenLinalgSuite {
    @Override
    protected Backend backend() {
      return ConformanceKit.this.backend();
    }
  }

  /** Bad input gives clear exceptions. */
  @Nested
  @DisplayName("errors: bad input gives a clear exception")
  class Errors extends BadInputSuite {
    @Override
    protected Backend backend() {
      return ConformanceKit.this.backend();
    }
  }

  /** The golden cases of torch.optim and TorchOpt. */
  @Nested
  @DisplayName("golden: torch.optim and TorchOpt reference cases")
  class Golden extends dev.diffopt.conformance.golden.GoldenSuite {
    @Override
    protected Backend backend() {
      return ConformanceKit.this.backend();
    }
  }

  /** SGD, Adam, AdamW, RMSProp, NAdam, RAdam and Adamax against float64 references. */
  @Nested
  @DisplayName("optim: sgd, adam, adamw, rmsprop, nadam, radam, adamax against float64 references")
  class SgdAdamFamily extends SgdAdamFamilySuite {
    @Override
    protected Backend backend() {
      return ConformanceKit.this.backend();
    }
  }

  /** Adagrad, Adadelta, Lion, LAMB, AdaBelief and Adan against float64 references. */
  @Nested
  @DisplayName("optim: adagrad, adadelta, lion, lamb, adabelief, adan against float64 references")
  class AdaptiveFamily extends AdaptiveFamilySuite {
    @Override
    protected Backend backend() {
      return ConformanceKit.this.backend();
    }
  }

  /** Masking, clipping, accumulation, partitions and injected hyper-parameters. */
  @Nested
  @DisplayName("transform: masked, clipping, nanToNum, multiSteps, partition, injectHyperparams")
  class StructuralTransforms extends StructuralTransformsSuite {
    @Override
    protected Backend backend() {
      return ConformanceKit.this.backend();
    }
  }

  /** Schedules against float64 formulas. */
  @Nested
  @DisplayName("schedule: every schedule against its float64 formula")
  class Schedules extends ScheduleSuite {
    @Override
    protected Backend backend() {
      return ConformanceKit.this.backend();
    }
  }

  /** Fused multi-tensor updates agree with the op-by-op path and the references. */
  @Nested
  @DisplayName("optim: fused multi-tensor updates against op-by-op and float64 references")
  class FusedUpdates extends FusedUpdatesSuite {
    @Override
    protected Backend backend() {
      return ConformanceKit.this.backend();
    }
  }

  /** The classic, in-place optimizer face. */
  @Nested
  @DisplayName("optim: the classic in-place Optimizer")
  class ClassicOptimizer extends ClassicOptimizerSuite {
    @Override
    protected Backend backend() {
      return ConformanceKit.this.backend();
    }
  }

  /** Checkpoints round-trip exactly; corrupt files are rejected. */
  @Nested
  @DisplayName("checkpoint: exact round trips and rejected corrupt files")
  class Checkpoints extends CheckpointSuite {
    @Override
    protected Backend backend() {
      return ConformanceKit.this.backend();
    }
  }

  /** Process memory stays flat in long loops. */
  @Nested
  @DisplayName("memory: long loops keep process memory flat")
  class Memory extends MemorySuite {
    @Override
    protected Backend backend() {
      return ConformanceKit.this.backend();
    }
  }
}
