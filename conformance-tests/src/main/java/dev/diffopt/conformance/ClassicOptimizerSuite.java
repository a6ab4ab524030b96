package dev.diffopt.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.optim.Optimizer;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.Chain;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.ScaleByAdam;
import dev.diffopt.transform.ScaleByLearningRate;
import dev.diffopt.transform.Step;
import dev.diffopt.transform.Updates;
import dev.diffopt.tree.Trees;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The classic {@link Optimizer}: it updates the caller's tensors in place, equals the functional
 * path step for step, frees replaced state, and rejects mismatched gradients and states.
 */
public abstract class ClassicOptimizerSuite extends BackendSuite {
  private static final GradientTransformation ADAM =
      Chain.of(new ScaleByAdam(0.9, 0.999, 1e-8, 0, false), ScaleByLearningRate.constant(0.05));

  private Map<String, Tensor> params(TensorOps ops, DType dtype) {
    Map<String, Tensor> p = new TreeMap<>();
    p.put("b", ops.fromDoubles(new double[] {0.5, -0.25}, Shape.of(2), dtype));
    p.put("w", ops.fromDoubles(new double[] {1, -2, 3, 0.5, 0, -1}, Shape.of(2, 3), dtype));
    return p;
  }

  private Map<String, Tensor> grads(TensorOps ops, Map<String, Tensor> p) {
    // the gradient of Σ x⁴/4 + x: x³ + 1
    Map<String, Tensor> g = new TreeMap<>();
    p.forEach((k, v) -> g.put(k, ops.add(ops.mul(ops.square(v), v), 1.0)));
    return g;
  }

  @Test
  @DisplayName("CLASSIC-01 step updates the caller's tensors in place and equals the functional path")
  void inPlaceEqualsFunctional() {
    TensorOps ops = backend().ops();
    Map<String, Tensor> classic = params(ops, DType.FLOAT32);
    Tensor w = classic.get("w");
    Object functional = params(ops, DType.FLOAT32);
    Object state = ADAM.init(functional);
    try (Optimizer opt = Optimizer.of(backend(), ADAM, classic)) {
      for (int step = 0; step < 5; step++) {
        try (Scope s = backend().scope()) {
          opt.step(grads(ops, classic));
        }
        @SuppressWarnings("unchecked")
        Step<Object> out = ADAM.update(grads(ops, (Map<String, Tensor>) functional), state, functional);
        functional = Updates.apply(functional, out.updates());
        state = out.state();
      }
      assertSame(w, classic.get("w"), "the optimizer keeps the caller's tensor objects");
      assertSame(classic, opt.params());
      assertEquals(5, opt.steps());
      List<Object> f = Trees.leaves(functional);
      List<Object> c = Trees.leaves(classic);
      for (int i = 0; i < f.size(); i++) {
        assertArrayEquals(ops.toDoubleArray((Tensor) f.get(i)), ops.toDoubleArray((Tensor) c.get(i)),
            0.0, "leaf " + i + " after 5 steps");
      }
    }
    assertFalse(w.isClosed(), "closing the optimizer leaves the parameters open");
  }

  @Test
  @DisplayName("CLASSIC-02 op by op, each step frees the state it replaces; close frees the rest")
  void statesAreFreed() {
    TensorOps ops = backend().ops();
    Map<String, Tensor> p = params(ops, DType.FLOAT32);
    Optimizer opt = Optimizer.opByOp(backend(), ADAM, p);
    List<Tensor> first = new ArrayList<>();
    for (Object leaf : Trees.leaves(opt.state())) {
      first.add((Tensor) leaf);
    }
    try (Scope s = backend().scope()) {
      opt.step(grads(ops, p));
    }
    assertTrue(first.stream().allMatch(Tensor::isClosed), "the replaced state is closed");
    List<Object> current = Trees.leaves(opt.state());
    assertTrue(current.stream().noneMatch(t -> ((Tensor) t).isClosed()), "the new state is open");
    opt.close();
    assertTrue(current.stream().allMatch(t -> ((Tensor) t).isClosed()), "close frees the state");
    assertThrows(IllegalStateException.class, () -> opt.step(grads(ops, p)));
  }

  @Test
  @DisplayName("CLASSIC-03 gradients of another structure are rejected with the path")
  void mismatchedGradients() {
    TensorOps ops = backend().ops();
    Map<String, Tensor> p = params(ops, DType.FLOAT32);
    try (Optimizer opt = Optimizer.of(backend(), ADAM, p)) {
      Map<String, Tensor> g = new TreeMap<>(grads(ops, p));
      g.remove("b");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.step(g));
      assertTrue(e.getMessage().contains("gradients do not match"), e.getMessage());
      assertEquals(0, opt.steps(), "a rejected step changes nothing");
    }
  }

  @Test
  @DisplayName("CLASSIC-04 restore replaces the state and the step count, on both paths")
  void restore() {
    TensorOps ops = backend().ops();
    Map<String, Tensor> p = params(ops, DType.FLOAT32);
    try (Optimizer opt = Optimizer.opByOp(backend(), ADAM, p)) {
      Object fresh;
      try (Scope s = backend().scope()) {
        fresh = s.detach(ADAM.init(p));
      }
      opt.restore(fresh, 7);
      assertSame(fresh, opt.state(), "op by op, the optimizer adopts the given state");
      assertEquals(7, opt.steps());
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> opt.restore(List.of(), 1));
      assertTrue(e.getMessage().contains("restore"), e.getMessage());
    }
    // whichever path Optimizer.of picks, a state of the params' structure restores
    try (Optimizer opt = Optimizer.of(backend(), ADAM, p)) {
      Object fresh;
      try (Scope s = backend().scope()) {
        fresh = s.detach(ADAM.init(p));
      }
      opt.restore(fresh, 3);
      assertEquals(3, opt.steps());
      assertEquals(Trees.structure(fresh), Trees.structure(opt.state()));
    }
  }

  /**
   * Every option set of every optimizer ({@link OptimizerCases}): five in-place steps equal five
   * functional steps within {@code rtol 1e-5} (float32). Covers whatever path {@code Optimizer.of}
   * takes on the backend: a fused kernel, a staged update, or op by op.
   */
  @TestFactory
  @DisplayName("CLASSIC-05 every optimizer: in-place steps equal functional steps")
  Stream<DynamicTest> everyOptimizer() {
    List<List<OptimizerCases.Case>> families = List.of(OptimizerCases.sgdCases(),
        OptimizerCases.adamCases(), OptimizerCases.adamwCases(), OptimizerCases.rmspropCases(),
        OptimizerCases.nadamCases(), OptimizerCases.radamCases(), OptimizerCases.adamaxCases(),
        OptimizerCases.adagradCases(), OptimizerCases.adadeltaCases(), OptimizerCases.lionCases(),
        OptimizerCases.lambCases(), OptimizerCases.adaBeliefCases(), OptimizerCases.adanCases());
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (List<OptimizerCases.Case> family : families) {
      for (OptimizerCases.Case c : family) {
        GradientTransformation t = c.optimizer().apply(0.01);
        String name = String.format("CLASSIC-05-%02d %s %s", ++n,
            c.options().apply(0.01).getClass().getEnclosingClass().getSimpleName(), c.label());
        tests.add(DynamicTest.dynamicTest(name, () -> inPlaceMatches(t, name)));
      }
    }
    return tests.stream();
  }

  private void inPlaceMatches(GradientTransformation t, String name) {
    TensorOps ops = backend().ops();
    try (Scope scope = backend().scope()) {
      Map<String, Tensor> classic = params(ops, DType.FLOAT32);
      Object functional = params(ops, DType.FLOAT32);
      Object state = t.init(functional);
      try (Optimizer opt = Optimizer.of(backend(), t, classic)) {
        for (int step = 0; step < 5; step++) {
          try (Scope s = backend().scope()) {
            opt.step(grads(ops, classic));
          }
          @SuppressWarnings("unchecked")
          Step<Object> out = t.update(grads(ops, (Map<String, Tensor>) functional), state,
              functional);
          functional = Updates.apply(functional, out.updates());
          state = out.state();
        }
        List<Object> f = Trees.leaves(functional);
        List<Object> c = Trees.leaves(classic);
        for (int i = 0; i < f.size(); i++) {
          double[] want = ops.toDoubleArray((Tensor) f.get(i));
          double[] got = ops.toDoubleArray((Tensor) c.get(i));
          for (int k = 0; k < want.length; k++) {
            assertEquals(want[k], got[k], 1e-5 * Math.max(1, Math.abs(want[k])),
                name + ": leaf " + i + "[" + k + "] after 5 steps");
          }
        }
      }
    }
  }
}
