package dev.diffopt.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.conformance.OptimizerCases.Case;
import dev.diffopt.conformance.OptimizerTrajectories.Objective;
import dev.diffopt.conformance.reference.optim.RefOptimizer;
import dev.diffopt.optim.Adam;
import dev.diffopt.optim.AdamW;
import dev.diffopt.optim.Adan;
import dev.diffopt.optim.Lamb;
import dev.diffopt.optim.Optimizer;
import dev.diffopt.optim.RmsProp;
import dev.diffopt.schedule.CosineDecay;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensor.TensorTrees;
import dev.diffopt.transform.Chain;
import dev.diffopt.transform.ClipByGlobalNorm;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.ScaleByLearningRate;
import dev.diffopt.transform.Trace;
import dev.diffopt.tree.Trees;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.opentest4j.AssertionFailedError;

/**
 * Fused multi-tensor updates ({@link Capability#FUSED_UPDATES}, {@link
 * dev.diffopt.spi.FusedUpdates}) through the classic {@link Optimizer}: for every optimizer of
 * {@link dev.diffopt.optim} and option sets that together turn on every option, {@code
 * Optimizer.of} fuses the chain, and after each of 20 steps on the parabola and Rosenbrock
 * (float32) the parameters equal {@link Optimizer#opByOp} within {@code rtol 1e-5} and the float64
 * reference within the family suites' float32 tolerance ({@code rtol 1e-4, atol 1e-5}); the state
 * has the structure of {@code init(params)} and the op-by-op state's values. Then: checkpoint-style
 * restores continue identically (fused to fused exactly, across paths within {@code rtol 1e-5}),
 * strided gradients and tensor sizes that are not a multiple of any vector width work, chains and
 * parameters a kernel cannot run are not fused and still work, and bad gradients are rejected
 * clearly without changing anything.
 *
 * <p>Ids: {@code FUSED-<NAME>-NN} for the trajectories (NN numbers option set × objective pairs),
 * {@code FUSED-RESTORE-*}, {@code FUSED-STRIDED-*}, {@code FUSED-SIZES-*}, {@code FUSED-FALLBACK-*},
 * {@code FUSED-BAD-*}, {@code FUSED-SPI-*}, {@code FUSED-CLOSE-*}. Everything is skipped, with the reason, on a backend
 * without {@link Capability#FUSED_UPDATES}.
 */
public abstract class FusedUpdatesSuite extends BackendSuite {
  private static final int STEPS = 20;
  /** Fused against op-by-op, both float32. */
  private static final double PATH_RTOL = 1e-5;
  /** An absolute floor for values that cross zero (a few float32 ulps of the values around 1). */
  private static final double PATH_ATOL = 1e-7;
  private static final double REF_RTOL = 1e-4;
  private static final double REF_ATOL = 1e-5;
  private static final Shape[] SHAPES = {Shape.of(2, 3), Shape.of(4)};

  // ================================================================ trajectories

  private Stream<DynamicTest> trajectories(String id, List<Case> cases) {
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (Case c : cases) {
      for (Objective objective :
          List.of(OptimizerTrajectories.PARABOLA, OptimizerTrajectories.ROSENBROCK)) {
        double lr = objective == OptimizerTrajectories.PARABOLA ? c.lrParabola() : c.lrRosenbrock();
        String name = String.format(Locale.ROOT, "%s-%02d %s: %s, lr=%s", id, ++n, objective,
            c.label(), lr);
        tests.add(dynamic(name, () -> assertFusedTrajectory(
            c.optimizer().apply(lr), () -> c.reference().apply(lr), objective)));
      }
    }
    return tests.stream();
  }

  @TestFactory
  @DisplayName("FUSED-SGD fused SGD equals op-by-op and the float64 reference")
  Stream<DynamicTest> sgd() {
    return trajectories("FUSED-SGD", OptimizerCases.sgdFusedCases());
  }

  @TestFactory
  @DisplayName("FUSED-ADAM fused Adam equals op-by-op and the float64 reference")
  Stream<DynamicTest> adam() {
    return trajectories("FUSED-ADAM", OptimizerCases.adamFusedCases());
  }

  @TestFactory
  @DisplayName("FUSED-ADAMW fused AdamW equals op-by-op and the float64 reference")
  Stream<DynamicTest> adamw() {
    return trajectories("FUSED-ADAMW", OptimizerCases.adamwFusedCases());
  }

  @TestFactory
  @DisplayName("FUSED-RMSPROP fused RMSProp equals op-by-op and the float64 reference")
  Stream<DynamicTest> rmsprop() {
    return trajectories("FUSED-RMSPROP", OptimizerCases.rmspropFusedCases());
  }

  @TestFactory
  @DisplayName("FUSED-ADAGRAD fused Adagrad equals op-by-op and the float64 reference")
  Stream<DynamicTest> adagrad() {
    return trajectories("FUSED-ADAGRAD", OptimizerCases.adagradCases());
  }

  @TestFactory
  @DisplayName("FUSED-ADADELTA fused Adadelta equals op-by-op and the float64 reference")
  Stream<DynamicTest> adadelta() {
    return trajectories("FUSED-ADADELTA", OptimizerCases.adadeltaCases());
  }

  @TestFactory
  @DisplayName("FUSED-ADAMAX fused Adamax equals op-by-op and the float64 reference")
  Stream<DynamicTest> adamax() {
    return trajectories("FUSED-ADAMAX", OptimizerCases.adamaxFusedCases());
  }

  @TestFactory
  @DisplayName("FUSED-RADAM fused RAdam equals op-by-op and the float64 reference")
  Stream<DynamicTest> radam() {
    return trajectories("FUSED-RADAM", OptimizerCases.radamFusedCases());
  }

  @TestFactory
  @DisplayName("FUSED-NADAM fused NAdam equals op-by-op and the float64 reference")
  Stream<DynamicTest> nadam() {
    return trajectories("FUSED-NADAM", OptimizerCases.nadamFusedCases());
  }

  @TestFactory
  @DisplayName("FUSED-LION fused Lion equals op-by-op and the float64 reference")
  Stream<DynamicTest> lion() {
    return trajectories("FUSED-LION", OptimizerCases.lionCases());
  }

  @TestFactory
  @DisplayName("FUSED-LAMB fused LAMB equals op-by-op and the float64 reference")
  Stream<DynamicTest> lamb() {
    return trajectories("FUSED-LAMB", OptimizerCases.lambCases());
  }

  @TestFactory
  @DisplayName("FUSED-ADABELIEF fused AdaBelief equals op-by-op and the float64 reference")
  Stream<DynamicTest> adaBelief() {
    return trajectories("FUSED-ADABELIEF", OptimizerCases.adaBeliefCases());
  }

  @TestFactory
  @DisplayName("FUSED-ADAN fused Adan equals op-by-op and the float64 reference")
  Stream<DynamicTest> adan() {
    return trajectories("FUSED-ADAN", OptimizerCases.adanCases());
  }

  /**
   * Runs {@code optimizer} fused, op-by-op and as the float64 reference side by side for {@link
   * #STEPS} steps, each side on gradients of its own parameters, and compares after every step;
   * then compares the states.
   */
  private void assertFusedTrajectory(
      GradientTransformation optimizer, java.util.function.Supplier<RefOptimizer> reference,
      Objective objective) {
    require(Capability.FUSED_UPDATES);
    TensorOps ops = backend().ops();
    double[] x0 = objective.start();
    List<Tensor> fusedParams = tensors(ops, x0, DType.FLOAT32);
    List<Tensor> plainParams = tensors(ops, x0, DType.FLOAT32);
    List<double[]> refParams = split(x0);
    RefOptimizer ref = reference.get();
    try (Optimizer fused = Optimizer.of(backend(), optimizer, fusedParams);
        Optimizer plain = Optimizer.opByOp(backend(), optimizer, plainParams)) {
      assertTrue(fused.isFused(),
          "backend '" + backend().name() + "' reports FUSED_UPDATES but did not fuse " + optimizer);
      assertFalse(plain.isFused());
      assertEquals(Trees.structure(optimizer.init(fusedParams)), Trees.structure(fused.state()),
          "the fused state has the structure of init(params)");
      for (int step = 1; step <= STEPS; step++) {
        stepOnObjective(fused, objective);
        stepOnObjective(plain, objective);
        ref.step(refParams, split(objective.gradient(join(refParams))));
        String where = optimizer + " on " + objective + ", step " + step;
        compare(host(ops, fusedParams), host(ops, plainParams), PATH_RTOL, PATH_ATOL,
            "fused vs op-by-op, " + where);
        compare(host(ops, fusedParams), refParams, REF_RTOL, REF_ATOL,
            "fused vs the float64 reference, " + where);
      }
      assertEquals(STEPS, fused.steps());
      assertStatesMatch(fused.state(), plain.state(), optimizer + " on " + objective);
    }
  }

  /** Same structure; counters equal; float leaves within the path tolerance. */
  private void assertStatesMatch(Object actual, Object expected, String what) {
    TensorOps ops = backend().ops();
    assertEquals(Trees.structure(expected), Trees.structure(actual),
        "state structure, " + what);
    List<Object> a = Trees.leaves(actual);
    List<Object> e = Trees.leaves(expected);
    for (int i = 0; i < a.size(); i++) {
      Tensor ta = (Tensor) a.get(i);
      Tensor te = (Tensor) e.get(i);
      assertEquals(te.dtype(), ta.dtype(), "state leaf " + i + " dtype, " + what);
      assertEquals(te.shape(), ta.shape(), "state leaf " + i + " shape, " + what);
      double[] va = ops.toDoubleArray(ta);
      double[] ve = ops.toDoubleArray(te);
      if (!te.dtype().isFloating()) {
        for (int k = 0; k < va.length; k++) {
          assertEquals(ve[k], va[k], 0.0, "state leaf " + i + " (a counter), " + what);
        }
        continue;
      }
      double scale = 0;
      for (double v : ve) {
        scale = Math.max(scale, Math.abs(v));
      }
      List<double[]> wrapped = new ArrayList<>();
      wrapped.add(va);
      List<double[]> expectedWrapped = new ArrayList<>();
      expectedWrapped.add(ve);
      compare(wrapped, expectedWrapped, PATH_RTOL, 1e-6 * scale + 1e-30,
          "state leaf " + i + ", " + what);
    }
  }

  // ================================================================ restore

  /** Optimizers whose state has every kind of part: moments, counters, a trace, μ product. */
  private static List<Case> restoreCases() {
    return List.of(
        OptimizerCases.adamFusedCases().get(3),
        OptimizerCases.sgdFusedCases().get(2),
        OptimizerCases.adagradCases().get(1),
        OptimizerCases.nadamFusedCases().get(1),
        OptimizerCases.radamFusedCases().get(0),
        OptimizerCases.adanCases().get(1),
        OptimizerCases.lambCases().get(1),
        OptimizerCases.rmspropFusedCases().get(3));
  }

  @TestFactory
  @DisplayName("FUSED-RESTORE checkpoint-style restore continues identically")
  Stream<DynamicTest> restore() {
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (Case c : restoreCases()) {
      String name = String.format(Locale.ROOT, "FUSED-RESTORE-%02d %s", ++n,
          c.optimizer().apply(c.lrParabola()));
      tests.add(dynamic(name, () -> assertRestores(c.optimizer().apply(c.lrParabola()))));
    }
    return tests.stream();
  }

  /**
   * A: fused for 20 steps. B: fused for 10 steps, its state and parameters copied through the host
   * (as a checkpoint would), restored into a new fused optimizer C that runs 10 more steps: C ends
   * exactly where A does. The same through the op-by-op path on either side of the restore ends
   * within the path tolerance.
   */
  private void assertRestores(GradientTransformation optimizer) {
    require(Capability.FUSED_UPDATES);
    TensorOps ops = backend().ops();
    Objective objective = OptimizerTrajectories.PARABOLA;
    double[] x0 = objective.start();
    int half = STEPS / 2;

    List<Tensor> pa = tensors(ops, x0, DType.FLOAT32);
    Object stateA;
    try (Optimizer a = Optimizer.of(backend(), optimizer, pa)) {
      run(a, objective, STEPS);
      stateA = copy(ops, a.state());
    }

    List<Tensor> pb = tensors(ops, x0, DType.FLOAT32);
    Object checkpoint;
    try (Optimizer b = Optimizer.of(backend(), optimizer, pb)) {
      run(b, objective, half);
      checkpoint = copy(ops, b.state());
    }
    List<Tensor> pc = copy(ops, pb);
    try (Optimizer c = Optimizer.of(backend(), optimizer, pc)) {
      assertTrue(c.isFused());
      c.restore(copy(ops, checkpoint), half);
      assertEquals(half, c.steps());
      assertStatesMatch(c.state(), checkpoint, "the restored state");
      run(c, objective, half);
      compare(host(ops, pc), host(ops, pa), 0, 0, "fused, restored at step " + half + ", vs fused");
      assertStatesMatch(c.state(), stateA, "the state after a fused restore");
    }

    // op-by-op → checkpoint → fused
    List<Tensor> pd = tensors(ops, x0, DType.FLOAT32);
    Object plainCheckpoint;
    try (Optimizer d = Optimizer.opByOp(backend(), optimizer, pd)) {
      run(d, objective, half);
      plainCheckpoint = copy(ops, d.state());
    }
    try (Optimizer e = Optimizer.of(backend(), optimizer, pd)) {
      assertTrue(e.isFused());
      e.restore(plainCheckpoint, half);
      run(e, objective, half);
      compare(host(ops, pd), host(ops, pa), PATH_RTOL, PATH_ATOL,
          "op-by-op, restored fused at step " + half + ", vs fused");
    }

    // fused → checkpoint → op-by-op
    List<Tensor> pf = copy(ops, pb);
    try (Optimizer f = Optimizer.opByOp(backend(), optimizer, pf)) {
      f.restore(copy(ops, checkpoint), half);
      run(f, objective, half);
      compare(host(ops, pf), host(ops, pa), PATH_RTOL, PATH_ATOL,
          "fused, restored op-by-op at step " + half + ", vs fused");
    }
  }

  // ================================================================ layouts and sizes

  @Test
  @DisplayName("FUSED-STRIDED-01 transposed and broadcast (strided) gradients give the op-by-op result")
  void stridedGradients() {
    require(Capability.FUSED_UPDATES);
    TensorOps ops = backend().ops();
    GradientTransformation adam = Adam.of(Adam.Options.builder().lr(0.05).amsgrad(true).build());
    double[] x0 = OptimizerTrajectories.PARABOLA.start();
    List<Tensor> fp = tensors(ops, x0, DType.FLOAT32);
    List<Tensor> pp = tensors(ops, x0, DType.FLOAT32);
    try (Optimizer fused = Optimizer.of(backend(), adam, fp);
        Optimizer plain = Optimizer.opByOp(backend(), adam, pp)) {
      assertTrue(fused.isFused());
      for (int step = 0; step < 5; step++) {
        try (Scope s = backend().scope()) {
          double[] gt = new double[6];
          for (int i = 0; i < 6; i++) {
            gt[i] = Math.sin(3 * i + step) + 0.1;
          }
          // (2, 3) gradient as the transpose of a (3, 2) tensor; (4,) as a broadcast scalar
          Tensor g0 = ops.transpose(ops.fromDoubles(gt, Shape.of(3, 2), DType.FLOAT32), 1, 0);
          Tensor g1 = ops.broadcastTo(ops.scalar(0.25 + step, DType.FLOAT32), Shape.of(4));
          fused.step(List.of(g0, g1));
          plain.step(List.of(g0, g1));
        }
        compare(host(ops, fp), host(ops, pp), PATH_RTOL, PATH_ATOL,
            "fused vs op-by-op with strided gradients, step " + step);
      }
    }
  }

  @Test
  @DisplayName("FUSED-SIZES-01 tensors of 0 to 1000 elements (vector tails) give the op-by-op result")
  void sizes() {
    require(Capability.FUSED_UPDATES);
    TensorOps ops = backend().ops();
    Shape[] shapes = {Shape.scalar(), Shape.of(1), Shape.of(0), Shape.of(7), Shape.of(16),
        Shape.of(17), Shape.of(5, 7), Shape.of(64), Shape.of(1000)};
    List<GradientTransformation> optimizers = List.of(
        Adam.of(Adam.Options.builder().lr(0.01).weightDecay(0.1).build()),
        Lamb.of(Lamb.Options.builder().lr(0.01).weightDecay(0.1).eps(0).build()),
        Adan.of(Adan.Options.builder().lr(0.01).weightDecay(0.1).build()),
        RmsProp.of(RmsProp.Options.builder().lr(0.01).centered(true).momentum(0.5).build()));
    for (GradientTransformation optimizer : optimizers) {
      List<Tensor> fp = new ArrayList<>();
      List<Tensor> pp = new ArrayList<>();
      for (int k = 0; k < shapes.length; k++) {
        double[] v = pattern(shapes[k], k, 0);
        fp.add(ops.fromDoubles(v, shapes[k], DType.FLOAT32));
        pp.add(ops.fromDoubles(v, shapes[k], DType.FLOAT32));
      }
      try (Optimizer fused = Optimizer.of(backend(), optimizer, fp);
          Optimizer plain = Optimizer.opByOp(backend(), optimizer, pp)) {
        assertTrue(fused.isFused(), "not fused: " + optimizer);
        for (int step = 1; step <= 10; step++) {
          try (Scope s = backend().scope()) {
            List<Tensor> grads = new ArrayList<>();
            for (int k = 0; k < shapes.length; k++) {
              grads.add(ops.fromDoubles(pattern(shapes[k], k, step), shapes[k], DType.FLOAT32));
            }
            fused.step(grads);
            plain.step(grads);
          }
          compare(host(ops, fp), host(ops, pp), PATH_RTOL, PATH_ATOL,
              "fused vs op-by-op over odd sizes, " + optimizer + ", step " + step);
        }
        assertStatesMatch(fused.state(), plain.state(), "odd sizes, " + optimizer);
      }
    }
  }

  /** Deterministic values of both signs for a tensor of {@code shape}. */
  private static double[] pattern(Shape shape, int k, int step) {
    double[] v = new double[Math.toIntExact(shape.size())];
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.sin(0.37 * i + 1.3 * k + 0.71 * step) * (1 + 0.1 * k);
    }
    return v;
  }

  // ================================================================ not fused, still working

  @TestFactory
  @DisplayName("FUSED-FALLBACK chains a kernel cannot run are not fused; every case gives the op-by-op numbers")
  Stream<DynamicTest> fallbacks() {
    // mayFuse: parameters some backends' kernels take (float64, a transposed tensor that is
    // contiguous where the backend has no views) and others must decline
    record Fallback(String name, Function<List<Tensor>, GradientTransformation> optimizer,
        DType dtype, boolean transposed, boolean mayFuse) {}
    List<Fallback> cases = List.of(
        new Fallback("FUSED-FALLBACK-01 a masked weight decay (AdamW with a mask)",
            p -> AdamW.of(AdamW.Options.builder().lr(0.02).weightDecay(0.1)
                .mask(List.of(true, false)).build()), DType.FLOAT32, false, false),
        new Fallback("FUSED-FALLBACK-02 a cosine learning-rate schedule",
            p -> Chain.of(new Trace(0.9, 0, false),
                ScaleByLearningRate.scheduled(new CosineDecay(0.02, 10, 0.1, 1))),
            DType.FLOAT32, false, false),
        new Fallback("FUSED-FALLBACK-03 gradient clipping before Adam",
            p -> Chain.of(ClipByGlobalNorm.of(1.0), Adam.of(0.02)), DType.FLOAT32, false, false),
        new Fallback("FUSED-FALLBACK-04 float64 parameters (fused only where the backend's kernels"
            + " take float64)", p -> Adam.of(0.02), DType.FLOAT64, false, true),
        new Fallback("FUSED-FALLBACK-05 a transposed parameter (a strided view where the backend "
            + "has views: not fused there; elsewhere fused or not, always the op-by-op numbers)",
            p -> Adam.of(0.02), DType.FLOAT32, true, true));
    return cases.stream().map(c -> dynamic(c.name(), () -> {
      require(Capability.FUSED_UPDATES);
      if (c.dtype() == DType.FLOAT64) {
        require(Capability.FLOAT64);
      }
      TensorOps ops = backend().ops();
      double[] x0 = OptimizerTrajectories.PARABOLA.start();
      List<Tensor> a = c.transposed() ? transposedParams(ops, x0) : tensors(ops, x0, c.dtype());
      List<Tensor> b = c.transposed() ? transposedParams(ops, x0) : tensors(ops, x0, c.dtype());
      GradientTransformation optimizer = c.optimizer().apply(a);
      try (Optimizer maybe = Optimizer.of(backend(), optimizer, a);
          Optimizer plain = Optimizer.opByOp(backend(), optimizer, b)) {
        boolean fused = maybe.isFused();
        if (!c.mayFuse()) {
          assertFalse(fused, "must not be fused: " + optimizer);
        }
        for (int step = 0; step < 3; step++) {
          stepOnObjective(maybe, OptimizerTrajectories.PARABOLA);
          stepOnObjective(plain, OptimizerTrajectories.PARABOLA);
        }
        double rtol = fused ? 1e-5 : 0;
        compare(host(ops, a), host(ops, b), rtol, rtol, (fused ? "fused" : "not fused")
            + " vs op-by-op");
        assertEquals(3, maybe.steps());
      }
    }));
  }

  /** The parabola's start as a (2, 3) tensor that is the transpose of a (3, 2) one, and a (4,). */
  private List<Tensor> transposedParams(TensorOps ops, double[] x0) {
    List<double[]> parts = split(x0);
    double[] t = new double[6];
    for (int r = 0; r < 2; r++) {
      for (int c = 0; c < 3; c++) {
        t[c * 2 + r] = parts.get(0)[r * 3 + c];
      }
    }
    return List.of(
        ops.transpose(ops.fromDoubles(t, Shape.of(3, 2), DType.FLOAT32), 1, 0),
        ops.fromDoubles(parts.get(1), SHAPES[1], DType.FLOAT32));
  }

  // ================================================================ bad input, close

  @Test
  @DisplayName("FUSED-SPI-01 a backend that reports FUSED_UPDATES provides fusedUpdates()")
  void capabilityMeansKernels() {
    require(Capability.FUSED_UPDATES);
    assertTrue(backend().fusedUpdates().isPresent(),
        "backend '" + backend().name() + "' reports FUSED_UPDATES but fusedUpdates() is empty");
  }

  @Test
  @DisplayName("FUSED-BAD-01 gradients of the wrong shape are rejected, naming both, and change nothing")
  void wrongShape() {
    require(Capability.FUSED_UPDATES);
    TensorOps ops = backend().ops();
    double[] x0 = OptimizerTrajectories.PARABOLA.start();
    List<Tensor> p = tensors(ops, x0, DType.FLOAT32);
    try (Optimizer opt = Optimizer.of(backend(), Adam.of(0.1), p)) {
      assertTrue(opt.isFused());
      stepOnObjective(opt, OptimizerTrajectories.PARABOLA);
      List<double[]> before = host(ops, p);
      Object stateBefore = copy(ops, opt.state());
      List<Tensor> bad = List.of(
          ops.zeros(Shape.of(2, 3), DType.FLOAT32), ops.zeros(Shape.of(5), DType.FLOAT32));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> opt.step(bad));
      assertTrue(e.getMessage().contains("gradient 1") && e.getMessage().contains("(5,)")
          && e.getMessage().contains("(4,)"), e.getMessage());
      compare(host(ops, p), before, 0, 0, "parameters after a rejected step");
      assertStatesMatch(opt.state(), stateBefore, "the state after a rejected step");
      assertEquals(1, opt.steps());
    }
  }

  @Test
  @DisplayName("FUSED-BAD-02 gradients of another dtype are rejected with a clear message")
  void wrongDtype() {
    require(Capability.FUSED_UPDATES);
    require(Capability.FLOAT64);
    TensorOps ops = backend().ops();
    double[] x0 = OptimizerTrajectories.PARABOLA.start();
    List<Tensor> p = tensors(ops, x0, DType.FLOAT32);
    try (Optimizer opt = Optimizer.of(backend(), Adam.of(0.1), p)) {
      assertTrue(opt.isFused());
      List<Tensor> bad = tensors(ops, x0, DType.FLOAT64);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> opt.step(bad));
      assertTrue(e.getMessage().contains("gradient 0") && e.getMessage().contains("float64"),
          e.getMessage());
      assertEquals(0, opt.steps());
    }
  }

  @Test
  @DisplayName("FUSED-BAD-03 a state tensor closed from outside gives a clear error, not a crash")
  void closedStateTensor() {
    require(Capability.FUSED_UPDATES);
    TensorOps ops = backend().ops();
    List<Tensor> p = tensors(ops, OptimizerTrajectories.PARABOLA.start(), DType.FLOAT32);
    try (Optimizer opt = Optimizer.of(backend(), Adam.of(0.1), p)) {
      assertTrue(opt.isFused());
      stepOnObjective(opt, OptimizerTrajectories.PARABOLA);
      ((Tensor) Trees.leaves(opt.state()).get(0)).close();
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> stepOnObjective(opt, OptimizerTrajectories.PARABOLA));
      assertTrue(e.getMessage().contains("state"), e.getMessage());
    }
  }

  @Test
  @DisplayName("FUSED-CLOSE-01 close frees the fused state, leaves the parameters open, ends steps")
  void close() {
    require(Capability.FUSED_UPDATES);
    TensorOps ops = backend().ops();
    List<Tensor> p = tensors(ops, OptimizerTrajectories.PARABOLA.start(), DType.FLOAT32);
    Optimizer opt = Optimizer.of(backend(), Adam.of(Adam.Options.builder().amsgrad(true).build()), p);
    assertTrue(opt.isFused());
    stepOnObjective(opt, OptimizerTrajectories.PARABOLA);
    List<Object> state = Trees.leaves(opt.state());
    assertTrue(state.stream().noneMatch(t -> ((Tensor) t).isClosed()));
    opt.close();
    assertTrue(state.stream().allMatch(t -> ((Tensor) t).isClosed()), "close frees the state");
    assertTrue(p.stream().noneMatch(Tensor::isClosed), "the parameters stay open");
    assertThrows(IllegalStateException.class,
        () -> stepOnObjective(opt, OptimizerTrajectories.PARABOLA));
  }

  // ================================================================ plumbing

  private DynamicTest dynamic(String name, Executable body) {
    return DynamicTest.dynamicTest(name, () -> {
      try (Scope scope = backend().scope()) {
        body.execute();
      } catch (AssertionError e) {
        // surefire reports dynamic tests as "method()[n]": put the id into the failure itself
        throw new AssertionFailedError(name + ": " + e.getMessage(), e);
      }
    });
  }

  /** One step of {@code opt} on the gradient at its own current parameters. */
  private void stepOnObjective(Optimizer opt, Objective objective) {
    TensorOps ops = backend().ops();
    List<Tensor> params = opt.params();
    try (Scope s = backend().scope()) {
      List<double[]> g = split(objective.gradient(join(host(ops, params))));
      List<Tensor> grads = new ArrayList<>();
      for (int i = 0; i < g.size(); i++) {
        grads.add(ops.fromDoubles(g.get(i), params.get(i).shape(), params.get(i).dtype()));
      }
      opt.step(grads);
    }
  }

  private void run(Optimizer opt, Objective objective, int steps) {
    for (int i = 0; i < steps; i++) {
      stepOnObjective(opt, objective);
    }
  }

  /** A copy of a tree of tensors through the host, as a checkpoint makes one. */
  private static <T> T copy(TensorOps ops, T tree) {
    return TensorTrees.map(tree, t -> ops.fromDoubles(ops.toDoubleArray(t), t.shape(), t.dtype()));
  }

  private static List<Tensor> tensors(TensorOps ops, double[] x, DType dtype) {
    List<Tensor> out = new ArrayList<>();
    List<double[]> parts = split(x);
    for (int i = 0; i < parts.size(); i++) {
      out.add(ops.fromDoubles(parts.get(i), SHAPES[i], dtype));
    }
    return out;
  }

  private static List<double[]> host(TensorOps ops, List<Tensor> params) {
    List<double[]> out = new ArrayList<>();
    for (Tensor p : params) {
      out.add(ops.toDoubleArray(p));
    }
    return out;
  }

  private static List<double[]> split(double[] x) {
    List<double[]> parts = new ArrayList<>();
    int offset = 0;
    for (Shape s : SHAPES) {
      double[] part = new double[Math.toIntExact(s.size())];
      System.arraycopy(x, offset, part, 0, part.length);
      offset += part.length;
      parts.add(part);
    }
    return parts;
  }

  private static double[] join(List<double[]> parts) {
    int n = 0;
    for (double[] p : parts) {
      n += p.length;
    }
    double[] x = new double[n];
    int offset = 0;
    for (double[] p : parts) {
      System.arraycopy(p, 0, x, offset, p.length);
      offset += p.length;
    }
    return x;
  }

  /** {@code |a − e| ≤ atol + rtol·|e|} everywhere (both 0: exactly equal, NaN included). */
  private static void compare(
      List<double[]> actual, List<double[]> expected, double rtol, double atol, String what) {
    assertEquals(expected.size(), actual.size(), what + ": tensor count");
    for (int t = 0; t < actual.size(); t++) {
      assertEquals(expected.get(t).length, actual.get(t).length, what + ": tensor " + t + " size");
      for (int i = 0; i < actual.get(t).length; i++) {
        double a = actual.get(t)[i];
        double e = expected.get(t)[i];
        boolean ok = rtol == 0 && atol == 0
            ? Double.doubleToLongBits(a) == Double.doubleToLongBits(e)
            : Math.abs(a - e) <= atol + rtol * Math.abs(e);
        if (!ok) {
          throw new AssertionFailedError(what + ": tensor " + t + " element " + i + " is " + a
              + ", expected " + e + " (|diff| " + Math.abs(a - e) + ", rtol " + rtol + ", atol "
              + atol + ")");
        }
      }
    }
  }
}
