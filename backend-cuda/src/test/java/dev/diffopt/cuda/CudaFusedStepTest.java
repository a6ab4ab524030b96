package dev.diffopt.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.optim.AdaBelief;
import dev.diffopt.optim.Adadelta;
import dev.diffopt.optim.Adagrad;
import dev.diffopt.optim.Adam;
import dev.diffopt.optim.AdamW;
import dev.diffopt.optim.Adamax;
import dev.diffopt.optim.Adan;
import dev.diffopt.optim.Lamb;
import dev.diffopt.optim.Lion;
import dev.diffopt.optim.NAdam;
import dev.diffopt.optim.Optimizer;
import dev.diffopt.optim.RAdam;
import dev.diffopt.optim.RmsProp;
import dev.diffopt.optim.Sgd;
import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.spi.FusedUpdates;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.tree.Trees;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * What the conformance kit's tiny tensors do not reach, on a GPU (skipped without one, saying
 * why): tensors of many blocks with odd tails, empty and one-element tensors, more parameters than
 * one launch takes (several segments), and float64 (off in the backend, on here). The fused step
 * must equal the op-by-op step bit for bit, parameters and state, since the kernels compute every
 * scalar and element with the same operations; LAMB's norms add the same squares in another
 * order, so LAMB is compared within a few ulps.
 */
@DisplayName("fused steps on a GPU: large, odd-sized and many tensors, float32 and float64")
class CudaFusedStepTest {
  /** Several blocks with tails, an empty and a one-element tensor, a one-block tensor. */
  private static final long[] SIZES =
      {100_003, 7, 2 * CudaFusedStep.CHUNK + 5, 0, 1, CudaFusedStep.CHUNK, 4, 3, 1000};

  private CudaBackend backend;
  private CudaTensorOps ops;

  @BeforeEach
  void open() {
    backend = CudaTestDevice.backend();
    ops = (CudaTensorOps) backend.ops();
  }

  /** One option set per rule, with every option on somewhere. */
  private static List<GradientTransformation> rules() {
    return List.of(
        Sgd.of(Sgd.Options.builder().lr(0.01).momentum(0.9).dampening(0.5).weightDecay(0.1)
            .maximize(true).build()),
        Sgd.of(Sgd.Options.builder().lr(0.01).momentum(0.8).nesterov(true).build()),
        Adam.of(Adam.Options.builder().lr(0.01).amsgrad(true).weightDecay(0.1).maximize(true)
            .build()),
        Adam.of(Adam.Options.builder().lr(0.01).epsRoot(1e-8).b1(0.8).b2(0.99).build()),
        AdamW.of(AdamW.Options.builder().lr(0.01).amsgrad(true).weightDecay(0.1).build()),
        Lamb.of(Lamb.Options.builder().lr(0.01).weightDecay(0.1).build()),
        RmsProp.of(RmsProp.Options.builder().lr(0.01).centered(true).momentum(0.5)
            .weightDecay(0.1).build()),
        RmsProp.of(RmsProp.Options.builder().lr(0.01).alpha(0.9).build()),
        Adagrad.of(Adagrad.Options.builder().lr(0.1).lrDecay(0.5).weightDecay(0.1).build()),
        Adadelta.of(Adadelta.Options.builder().lr(1.0).rho(0.8).build()),
        Adamax.of(Adamax.Options.builder().lr(0.01).weightDecay(0.1).build()),
        RAdam.of(0.01),
        NAdam.of(NAdam.Options.builder().lr(0.01).weightDecay(0.1).momentumDecay(0.05).build()),
        Lion.of(Lion.Options.builder().lr(0.001).weightDecay(0.1).build()),
        AdaBelief.of(AdaBelief.Options.builder().lr(0.01).build()),
        Adan.of(Adan.Options.builder().lr(0.01).weightDecay(0.1).build()));
  }

  @TestFactory
  @DisplayName("FUSED-GPU-01 every rule on odd and multi-block sizes equals op-by-op, float32 and "
      + "float64")
  Stream<DynamicTest> everyRule() {
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
      for (GradientTransformation t : rules()) {
        String name = String.format("FUSED-GPU-01-%02d %s %s", ++n,
            FusedPlan.recognize(t).orElseThrow().rule(), dtype);
        tests.add(DynamicTest.dynamicTest(name, () -> assertMatches(name, t, dtype, SIZES, 10)));
      }
    }
    return tests.stream();
  }

  @Test
  @DisplayName("FUSED-GPU-02 1000 parameters (three launches per pass) equal op-by-op")
  void manyParameters() {
    SplittableRandom r = new SplittableRandom(3);
    long[] sizes = new long[1000];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = r.nextInt(5) == 0 ? 0 : 1 + r.nextInt(60);
    }
    sizes[17] = 70_001;
    sizes[999] = 3 * CudaFusedStep.CHUNK;
    for (GradientTransformation t : List.of(rules().get(2), rules().get(5), rules().get(12),
        rules().get(1))) {
      assertMatches("1000 parameters, " + t, t, DType.FLOAT32, sizes, 4);
    }
  }

  /**
   * Runs {@code t} fused and op-by-op on equal parameters and gradients for {@code steps} steps;
   * parameters after every step and the states at the end must be equal.
   */
  private void assertMatches(String name, GradientTransformation t, DType dtype, long[] sizes,
      int steps) {
    boolean lamb = FusedPlan.recognize(t).orElseThrow().rule() == FusedPlan.Rule.LAMB;
    double rtol = !lamb ? 0 : dtype == DType.FLOAT32 ? 1e-6 : 1e-11;
    try (Scope scope = Scope.open()) {
      SplittableRandom r = new SplittableRandom(name.hashCode());
      List<Tensor> fusedParams = new ArrayList<>();
      List<Tensor> plainParams = new ArrayList<>();
      for (long n : sizes) {
        double[] v = gaussian(r, n);
        fusedParams.add(ops.fromDoubles(v, Shape.of(n), dtype));
        plainParams.add(ops.fromDoubles(v, Shape.of(n), dtype));
      }
      CudaFusedUpdates fused = new CudaFusedUpdates(ops);
      assertNull(fused.whyNot(t, fusedParams), name);
      try (FusedUpdates.FusedStep f = fused.prepare(t, fusedParams).orElseThrow();
          Optimizer plain = Optimizer.opByOp(backend, t, plainParams)) {
        for (int step = 1; step <= steps; step++) {
          try (Scope s = Scope.open()) {
            List<Tensor> grads = new ArrayList<>();
            for (long n : sizes) {
              grads.add(ops.fromDoubles(gaussian(r, n), Shape.of(n), dtype));
            }
            f.step(grads);
            plain.step(grads);
          }
          for (int i = 0; i < sizes.length; i++) {
            assertClose(ops.toDoubleArray(plainParams.get(i)),
                ops.toDoubleArray(fusedParams.get(i)), rtol,
                name + ", step " + step + ", parameter " + i);
          }
        }
        assertEquals(Trees.structure(plain.state()), Trees.structure(f.state()), name);
        List<Object> mine = Trees.leaves(f.state());
        List<Object> theirs = Trees.leaves(plain.state());
        for (int i = 0; i < mine.size(); i++) {
          Tensor a = (Tensor) mine.get(i);
          assertClose(ops.toDoubleArray((Tensor) theirs.get(i)), ops.toDoubleArray(a),
              a.dtype().isFloating() ? rtol : 0, name + ", state leaf " + i);
        }
      }
    }
  }

  private static double[] gaussian(SplittableRandom r, long n) {
    double[] d = new double[Math.toIntExact(n)];
    for (int i = 0; i < d.length; i++) {
      d[i] = r.nextGaussian();
    }
    return d;
  }

  /**
   * Bit for bit when {@code rtol} is 0, else {@code |a − e| ≤ rtol·(|e| + max(1, max |e|))}: an
   * absolute floor for the values that cross zero.
   */
  private static void assertClose(double[] expected, double[] actual, double rtol, String what) {
    assertEquals(expected.length, actual.length, what);
    double scale = 1;
    for (double e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    for (int k = 0; k < expected.length; k++) {
      double e = expected[k];
      double a = actual[k];
      boolean ok = rtol == 0
          ? Double.doubleToLongBits(e) == Double.doubleToLongBits(a)
          : Math.abs(a - e) <= rtol * (Math.abs(e) + scale);
      assertTrue(ok, what + " element " + k + ": fused " + a + ", op-by-op " + e);
    }
  }
}
