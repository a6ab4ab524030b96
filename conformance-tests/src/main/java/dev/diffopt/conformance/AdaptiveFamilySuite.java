package dev.diffopt.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.conformance.OptimizerCases.Case;
import dev.diffopt.conformance.OptimizerTrajectories.Objective;
import dev.diffopt.optim.AdaBelief;
import dev.diffopt.optim.Adadelta;
import dev.diffopt.optim.Adagrad;
import dev.diffopt.optim.Adan;
import dev.diffopt.optim.Lamb;
import dev.diffopt.optim.Lion;
import dev.diffopt.schedule.InverseTimeDecay;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.AddDecayedWeights;
import dev.diffopt.transform.Chain;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.ProximalWeightDecay;
import dev.diffopt.transform.Scale;
import dev.diffopt.transform.ScaleByAdadelta;
import dev.diffopt.transform.ScaleByAdam;
import dev.diffopt.transform.ScaleByAdan;
import dev.diffopt.transform.ScaleByBelief;
import dev.diffopt.transform.ScaleByLearningRate;
import dev.diffopt.transform.ScaleByLion;
import dev.diffopt.transform.ScaleByRss;
import dev.diffopt.transform.ScaleByTrustRatio;
import dev.diffopt.transform.Step;
import dev.diffopt.transform.Updates;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.opentest4j.AssertionFailedError;

/**
 * The adaptive family: Adagrad, Adadelta ({@code torch.optim}), Lion, LAMB, AdaBelief and Adan
 * (their papers), and the building blocks they are made of ({@link ScaleByRss}, {@link
 * ScaleByAdadelta}, {@link ScaleByLion}, {@link ScaleByTrustRatio}, {@link ScaleByBelief}, {@link
 * ScaleByAdan}, {@link ProximalWeightDecay}, {@link InverseTimeDecay}).
 *
 * <p>For each optimizer {@code X}: {@code OPT-X-01} it is exactly its documented chain (record
 * equality); {@code OPT-X-02} 20 steps on the parabola and on Rosenbrock match a float64 plain-Java
 * reference (in {@code dev.diffopt.conformance.reference.optim}) in float64 to rtol 1e-9, atol 1e-12,
 * for the option combinations of {@code OptimizerCases}, which together set every option; {@code
 * OPT-X-03} the same in float32 to rtol 1e-4, atol 1e-5; {@code OPT-X-04} bad options are
 * rejected naming the option and the value;
 * {@code OPT-X-05} a state of another transformation is rejected with a clear message; {@code
 * OPT-X-06} the gradient of the loss after three differentiable steps with respect to the initial
 * parameters matches finite differences (needs {@link Capability#AUTODIFF}).
 *
 * <p>Learning rates and step counts are chosen so that float32 stays well conditioned: every
 * trajectory moves the parameters by well under their distance to any point where the update is
 * discontinuous or ill-conditioned. In particular Lion's update is {@code sign(c)}, which jumps at
 * {@code c = 0}: with lr 1e-3 and 20 steps each coordinate moves at most about 0.02, while on the
 * parabola the closest coordinate starts 0.097 from its optimum and on Rosenbrock the gradient
 * keeps its sign in a ball of radius 0.1 around the start, so no gradient, momentum or
 * interpolation {@code c} changes sign and float32 rounding cannot flip a step.
 */
public abstract class AdaptiveFamilySuite extends BackendSuite {
  private static final int STEPS = 20;
  private static final double F64_RTOL = 1e-9;
  private static final double F64_ATOL = 1e-12;
  private static final double F32_RTOL = 1e-4;
  private static final double F32_ATOL = 1e-5;
  private static final Objective[] OBJECTIVES = {
    OptimizerTrajectories.PARABOLA, OptimizerTrajectories.ROSENBROCK
  };

  // ================================================================ shared plumbing

  /**
   * Dynamic tests {@code <id>.N <objective>, <dtype>, <every option's value>}, N numbering (option
   * set, objective) pairs in order.
   */
  private Stream<DynamicTest> trajectories(String id, List<Case> cases, DType dtype) {
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (Case c : cases) {
      for (Objective objective : OBJECTIVES) {
        double lr = objective == OptimizerTrajectories.PARABOLA ? c.lrParabola() : c.lrRosenbrock();
        String name = String.format(Locale.ROOT, "%s.%d %s, %s, %s", id, ++n, objective,
            dtype.name().toLowerCase(Locale.ROOT), spelledOut(c.options().apply(lr)));
        tests.add(dynamic(name, () -> {
          if (dtype == DType.FLOAT64) {
            require(Capability.FLOAT64);
          }
          boolean f64 = dtype == DType.FLOAT64;
          OptimizerTrajectories.assertMatchesReference(backend().ops(), dtype,
              c.optimizer().apply(lr), () -> c.reference().apply(lr), objective, STEPS,
              f64 ? F64_RTOL : F32_RTOL, f64 ? F64_ATOL : F32_ATOL);
        }));
      }
    }
    return tests.stream();
  }

  /** {@code name value, …} for every component of an {@code Options} record, in order. */
  private static String spelledOut(Record options) {
    StringJoiner joined = new StringJoiner(", ");
    for (RecordComponent component : options.getClass().getRecordComponents()) {
      try {
        joined.add(component.getName() + " " + component.getAccessor().invoke(options));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + component + " of " + options, e);
      }
    }
    return joined.toString();
  }

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

  /** Asserts that {@code build} throws an IllegalArgumentException naming the option and value. */
  private static void assertRejected(String option, String value, Executable build) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build,
        option + " = " + value + " must be rejected");
    assertTrue(e.getMessage().contains(option) && e.getMessage().contains(value),
        "the message must name " + option + " and " + value + ": " + e.getMessage());
  }

  private List<Tensor> params(DType dtype) {
    TensorOps ops = backend().ops();
    return List.of(
        ops.fromDoubles(new double[] {0.5, -1.0, 1.5, -2.0, 0.25, 0.75}, Shape.of(2, 3), dtype),
        ops.fromDoubles(new double[] {1.0, -0.5, 0.3, 2.0}, Shape.of(4), dtype));
  }

  private DType anyFloat() {
    return backend().has(Capability.FLOAT64) ? DType.FLOAT64 : DType.FLOAT32;
  }

  /** A foreign state (of {@code other}) given to {@code optimizer} is rejected, clearly. */
  private void assertForeignStateRejected(
      GradientTransformation optimizer, GradientTransformation other) {
    List<Tensor> p = params(anyFloat());
    Object foreign = other.init(p);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> optimizer.update(p, foreign, p));
    assertTrue(e.getMessage().contains("state"), e.getMessage());
    // and a plain object that is no state at all
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> optimizer.update(p, "not a state", p));
    assertTrue(none.getMessage().contains("init()"), none.getMessage());
  }

  /** The transformation rejects the state of {@code other}, naming both state types. */
  private void assertTransformRejectsState(
      GradientTransformation transform, GradientTransformation other) {
    List<Tensor> p = params(anyFloat());
    Object foreign = other.init(p);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> transform.update(p, foreign, p));
    assertTrue(e.getMessage().contains(foreign.getClass().getName())
            && e.getMessage().contains("did you call init()"), e.getMessage());
  }

  /**
   * The sum of squares of the parameters after three steps of {@code optimizer} on the parabola
   * {@code Σ w_i (x_i − c_i)² / 2}, computed with tensor operations only (the gradient {@code w ⊙
   * (x − c)} is written out, so one level of autodiff suffices).
   */
  private Tensor unrolledLoss(GradientTransformation optimizer, List<Tensor> start) {
    TensorOps ops = backend().ops();
    List<Tensor> weights = new ArrayList<>();
    List<Tensor> centres = new ArrayList<>();
    for (Tensor p : start) {
      double[] w = new double[Math.toIntExact(p.size())];
      double[] c = new double[w.length];
      for (int i = 0; i < w.length; i++) {
        w[i] = 1 + i + weights.size();
        c[i] = Math.sin(i + 3 * weights.size());
      }
      weights.add(ops.fromDoubles(w, p.shape(), p.dtype()));
      centres.add(ops.fromDoubles(c, p.shape(), p.dtype()));
    }
    List<Tensor> x = start;
    Object state = optimizer.init(x);
    for (int step = 0; step < 3; step++) {
      List<Tensor> grads = new ArrayList<>();
      for (int k = 0; k < x.size(); k++) {
        grads.add(ops.mul(weights.get(k), ops.sub(x.get(k), centres.get(k))));
      }
      Step<List<Tensor>> out = optimizer.update(grads, state, x);
      x = Updates.apply(x, out.updates());
      state = out.state();
    }
    Tensor loss = null;
    for (Tensor p : x) {
      Tensor s = ops.sum(ops.square(p));
      loss = loss == null ? s : ops.add(loss, s);
    }
    return loss;
  }

  private void assertDifferentiable(GradientTransformation optimizer) {
    require(Capability.AUTODIFF);
    require(Capability.FLOAT64);
    TensorOps ops = backend().ops();
    List<Tensor> start = params(DType.FLOAT64);
    List<Tensor> grad = backend().autodiff().grad(p -> unrolledLoss(optimizer, p), start);
    List<double[]> expected =
        FiniteDifferences.gradient(ops, p -> unrolledLoss(optimizer, p), start);
    FiniteDifferences.assertClose(ops, grad, expected, 1e-5, 1e-7,
        "d(loss after 3 steps of " + optimizer + ")/d(initial params)");
  }

  // ================================================================ Adagrad

  @Test
  @DisplayName("OPT-ADAGRAD-01 Adagrad is [Scale(-1)] → [AddDecayedWeights] → ScaleByRss → "
      + "ScaleByLearningRate (InverseTimeDecay schedule when lrDecay ≠ 0)")
  void adagradChain() {
    assertEquals(
        Chain.of(new ScaleByRss(0.0, 1e-10), ScaleByLearningRate.constant(0.01)),
        Adagrad.of(0.01));
    assertEquals(
        Chain.of(
            new Scale(-1),
            new AddDecayedWeights(0.1, null),
            new ScaleByRss(0.5, 1e-8),
            ScaleByLearningRate.scheduled(new InverseTimeDecay(0.1, 0.05))),
        Adagrad.of(Adagrad.Options.builder().lr(0.1).lrDecay(0.05).weightDecay(0.1)
            .initialAccumulatorValue(0.5).eps(1e-8).maximize(true).build()));
  }

  @TestFactory
  @DisplayName("OPT-ADAGRAD-02 Adagrad matches torch.optim.Adagrad (float64 reference) in float64")
  Stream<DynamicTest> adagradFloat64() {
    return trajectories("OPT-ADAGRAD-02", OptimizerCases.adagradCases(), DType.FLOAT64);
  }

  @TestFactory
  @DisplayName("OPT-ADAGRAD-03 Adagrad matches torch.optim.Adagrad (float64 reference) in float32")
  Stream<DynamicTest> adagradFloat32() {
    return trajectories("OPT-ADAGRAD-03", OptimizerCases.adagradCases(), DType.FLOAT32);
  }

  @Test
  @DisplayName("OPT-ADAGRAD-04 bad Adagrad options are rejected naming the option and the value")
  void adagradBadOptions() {
    assertRejected("lr", "-1.0", () -> Adagrad.Options.builder().lr(-1).build());
    assertRejected("lrDecay", "-0.5", () -> Adagrad.Options.builder().lrDecay(-0.5).build());
    assertRejected("weightDecay", "NaN",
        () -> Adagrad.Options.builder().weightDecay(Double.NaN).build());
    assertRejected("initialAccumulatorValue", "-2.0",
        () -> Adagrad.Options.builder().initialAccumulatorValue(-2).build());
    assertRejected("eps", "Infinity",
        () -> Adagrad.Options.builder().eps(Double.POSITIVE_INFINITY).build());
    assertRejected("lr", "-1.0", () -> Adagrad.of(-1));
    assertRejected("initialAccumulatorValue", "-1.0", () -> new ScaleByRss(-1, 0));
    assertRejected("decayRate", "-1.0", () -> new InverseTimeDecay(0.1, -1));
    assertRejected("initValue", "NaN", () -> new InverseTimeDecay(Double.NaN, 0.1));
  }

  @Test
  @DisplayName("OPT-ADAGRAD-05 Adagrad and ScaleByRss reject a foreign state")
  void adagradForeignState() {
    assertForeignStateRejected(Adagrad.of(0.1), Lion.of(0.1));
    assertTransformRejectsState(new ScaleByRss(0, 1e-10), new ScaleByLion(0.9, 0.99));
  }

  @Test
  @DisplayName("OPT-ADAGRAD-06 Adagrad (all options) is differentiable: unrolled gradient vs "
      + "finite differences")
  void adagradDifferentiable() {
    assertDifferentiable(Adagrad.of(Adagrad.Options.builder().lr(0.1).lrDecay(0.05)
        .weightDecay(0.1).initialAccumulatorValue(0.5).build()));
  }

  @Test
  @DisplayName("OPT-ADAGRAD-07 InverseTimeDecay: lr / (1 + count·decay), count 0 first")
  void inverseTimeDecay() {
    TensorOps ops = backend().ops();
    InverseTimeDecay schedule = new InverseTimeDecay(0.1, 0.05);
    for (long step = 0; step < 5; step++) {
      double expected = 0.1 / (1 + step * 0.05);
      assertEquals(expected, schedule.valueAt(ops, step, DType.FLOAT32), 1e-7 * expected);
    }
  }

  // ================================================================ Adadelta

  @Test
  @DisplayName("OPT-ADADELTA-01 Adadelta is [Scale(-1)] → [AddDecayedWeights] → ScaleByAdadelta → "
      + "ScaleByLearningRate")
  void adadeltaChain() {
    assertEquals(
        Chain.of(new ScaleByAdadelta(0.9, 1e-6), ScaleByLearningRate.constant(1.0)),
        Adadelta.of(1.0));
    assertEquals(
        Chain.of(
            new Scale(-1),
            new AddDecayedWeights(0.1, null),
            new ScaleByAdadelta(0.8, 1e-5),
            ScaleByLearningRate.constant(0.5)),
        Adadelta.of(Adadelta.Options.builder().lr(0.5).rho(0.8).eps(1e-5).weightDecay(0.1)
            .maximize(true).build()));
  }

  @TestFactory
  @DisplayName("OPT-ADADELTA-02 Adadelta matches torch.optim.Adadelta (float64 reference) in float64")
  Stream<DynamicTest> adadeltaFloat64() {
    return trajectories("OPT-ADADELTA-02", OptimizerCases.adadeltaCases(), DType.FLOAT64);
  }

  @TestFactory
  @DisplayName("OPT-ADADELTA-03 Adadelta matches torch.optim.Adadelta (float64 reference) in float32")
  Stream<DynamicTest> adadeltaFloat32() {
    return trajectories("OPT-ADADELTA-03", OptimizerCases.adadeltaCases(), DType.FLOAT32);
  }

  @Test
  @DisplayName("OPT-ADADELTA-04 bad Adadelta options are rejected naming the option and the value")
  void adadeltaBadOptions() {
    assertRejected("lr", "-1.0", () -> Adadelta.Options.builder().lr(-1).build());
    assertRejected("rho", "1.0", () -> Adadelta.Options.builder().rho(1).build());
    assertRejected("rho", "-0.1", () -> Adadelta.Options.builder().rho(-0.1).build());
    assertRejected("eps", "-1.0E-6", () -> Adadelta.Options.builder().eps(-1e-6).build());
    assertRejected("weightDecay", "-0.1",
        () -> Adadelta.Options.builder().weightDecay(-0.1).build());
    assertRejected("rho", "NaN", () -> new ScaleByAdadelta(Double.NaN, 1e-6));
  }

  @Test
  @DisplayName("OPT-ADADELTA-05 Adadelta and ScaleByAdadelta reject a foreign state")
  void adadeltaForeignState() {
    assertForeignStateRejected(Adadelta.of(1.0), Adagrad.of(0.1));
    assertTransformRejectsState(new ScaleByAdadelta(0.9, 1e-6), new ScaleByRss(0, 1e-10));
  }

  @Test
  @DisplayName("OPT-ADADELTA-06 Adadelta (all options) is differentiable: unrolled gradient vs "
      + "finite differences")
  void adadeltaDifferentiable() {
    assertDifferentiable(Adadelta.of(Adadelta.Options.builder().lr(0.5).rho(0.8).eps(1e-5)
        .weightDecay(0.1).build()));
  }

  // ================================================================ Lion

  @Test
  @DisplayName("OPT-LION-01 Lion is [Scale(-1)] → ScaleByLion → [AddDecayedWeights] → "
      + "ScaleByLearningRate")
  void lionChain() {
    assertEquals(
        Chain.of(new ScaleByLion(0.9, 0.99), ScaleByLearningRate.constant(1e-4)),
        Lion.of(1e-4));
    assertEquals(
        Chain.of(
            new Scale(-1),
            new ScaleByLion(0.8, 0.95),
            new AddDecayedWeights(0.1, null),
            ScaleByLearningRate.constant(1e-3)),
        Lion.of(Lion.Options.builder().lr(1e-3).b1(0.8).b2(0.95).weightDecay(0.1).maximize(true)
            .build()));
  }

  @TestFactory
  @DisplayName("OPT-LION-02 Lion matches the paper's update (float64 reference) in float64")
  Stream<DynamicTest> lionFloat64() {
    return trajectories("OPT-LION-02", OptimizerCases.lionCases(), DType.FLOAT64);
  }

  @TestFactory
  @DisplayName("OPT-LION-03 Lion matches the paper's update (float64 reference) in float32")
  Stream<DynamicTest> lionFloat32() {
    return trajectories("OPT-LION-03", OptimizerCases.lionCases(), DType.FLOAT32);
  }

  @Test
  @DisplayName("OPT-LION-04 bad Lion options are rejected naming the option and the value")
  void lionBadOptions() {
    assertRejected("lr", "-1.0E-4", () -> Lion.Options.builder().lr(-1e-4).build());
    assertRejected("b1", "1.0", () -> Lion.Options.builder().b1(1).build());
    assertRejected("b2", "1.5", () -> Lion.Options.builder().b2(1.5).build());
    assertRejected("weightDecay", "-1.0", () -> Lion.Options.builder().weightDecay(-1).build());
    assertRejected("b2", "-0.5", () -> new ScaleByLion(0.9, -0.5));
  }

  @Test
  @DisplayName("OPT-LION-05 Lion and ScaleByLion reject a foreign state")
  void lionForeignState() {
    assertForeignStateRejected(Lion.of(1e-4), Adagrad.of(0.1));
    assertTransformRejectsState(new ScaleByLion(0.9, 0.99), new ScaleByRss(0, 1e-10));
  }

  @Test
  @DisplayName("OPT-LION-06 Lion (all options) is differentiable: unrolled gradient vs finite "
      + "differences (the sign contributes zero)")
  void lionDifferentiable() {
    assertDifferentiable(Lion.of(Lion.Options.builder().lr(1e-3).b1(0.8).b2(0.95).weightDecay(0.1)
        .build()));
  }

  // ================================================================ LAMB

  @Test
  @DisplayName("OPT-LAMB-01 LAMB is [Scale(-1)] → ScaleByAdam → [AddDecayedWeights] → "
      + "ScaleByTrustRatio → ScaleByLearningRate")
  void lambChain() {
    assertEquals(
        Chain.of(new ScaleByAdam(0.9, 0.999, 1e-6, 0.0, false), new ScaleByTrustRatio(),
            ScaleByLearningRate.constant(1e-3)),
        Lamb.of(1e-3));
    assertEquals(
        Chain.of(
            new Scale(-1),
            new ScaleByAdam(0.8, 0.99, 1e-8, 0.0, false),
            new AddDecayedWeights(0.1, null),
            new ScaleByTrustRatio(),
            ScaleByLearningRate.constant(1e-2)),
        Lamb.of(Lamb.Options.builder().lr(1e-2).b1(0.8).b2(0.99).eps(1e-8).weightDecay(0.1)
            .maximize(true).build()));
  }

  @TestFactory
  @DisplayName("OPT-LAMB-02 LAMB matches the paper's Algorithm 2 (float64 reference) in float64")
  Stream<DynamicTest> lambFloat64() {
    return trajectories("OPT-LAMB-02", OptimizerCases.lambCases(), DType.FLOAT64);
  }

  @TestFactory
  @DisplayName("OPT-LAMB-03 LAMB matches the paper's Algorithm 2 (float64 reference) in float32")
  Stream<DynamicTest> lambFloat32() {
    return trajectories("OPT-LAMB-03", OptimizerCases.lambCases(), DType.FLOAT32);
  }

  @Test
  @DisplayName("OPT-LAMB-04 bad LAMB options are rejected naming the option and the value")
  void lambBadOptions() {
    assertRejected("lr", "NaN", () -> Lamb.Options.builder().lr(Double.NaN).build());
    assertRejected("b1", "-0.1", () -> Lamb.Options.builder().b1(-0.1).build());
    assertRejected("b2", "1.0", () -> Lamb.Options.builder().b2(1).build());
    assertRejected("eps", "-1.0", () -> Lamb.Options.builder().eps(-1).build());
    assertRejected("weightDecay", "Infinity",
        () -> Lamb.Options.builder().weightDecay(Double.POSITIVE_INFINITY).build());
  }

  @Test
  @DisplayName("OPT-LAMB-05 LAMB and ScaleByTrustRatio reject a foreign state; the trust ratio "
      + "needs the parameters")
  void lambForeignState() {
    assertForeignStateRejected(Lamb.of(1e-3), Adan.of(1e-3));
    assertTransformRejectsState(new ScaleByTrustRatio(), new ScaleByRss(0, 1e-10));
    List<Tensor> p = params(anyFloat());
    ScaleByTrustRatio trust = new ScaleByTrustRatio();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> trust.update(p, trust.init(p)));
    assertTrue(e.getMessage().contains("needs the parameters"), e.getMessage());
  }

  @Test
  @DisplayName("OPT-LAMB-06 LAMB (all options) is differentiable: unrolled gradient vs finite "
      + "differences")
  void lambDifferentiable() {
    assertDifferentiable(Lamb.of(Lamb.Options.builder().lr(1e-2).b1(0.8).b2(0.99).eps(1e-8)
        .weightDecay(0.1).build()));
  }

  @Test
  @DisplayName("OPT-LAMB-07 trust ratio: ‖p‖/‖u‖ per leaf, 1 when either norm is 0, no NaN")
  void trustRatioZeroNorms() {
    TensorOps ops = backend().ops();
    DType dtype = anyFloat();
    List<Tensor> p = List.of(
        ops.fromDoubles(new double[] {3, 4}, Shape.of(2), dtype),
        ops.zeros(Shape.of(3), dtype),
        ops.fromDoubles(new double[] {1, 1}, Shape.of(2), dtype));
    List<Tensor> u = List.of(
        ops.fromDoubles(new double[] {0.6, 0.8}, Shape.of(2), dtype),
        ops.fromDoubles(new double[] {1, -2, 2}, Shape.of(3), dtype),
        ops.zeros(Shape.of(2), dtype));
    ScaleByTrustRatio trust = new ScaleByTrustRatio();
    List<Tensor> out = trust.update(u, trust.init(p), p).updates();
    double[][] expected = {{3, 4}, {1, -2, 2}, {0, 0}};
    for (int k = 0; k < expected.length; k++) {
      double[] actual = ops.toDoubleArray(out.get(k));
      for (int i = 0; i < actual.length; i++) {
        assertEquals(expected[k][i], actual[i], 1e-6, "leaf " + k + " element " + i);
      }
    }
  }

  @Test
  @DisplayName("OPT-LAMB-08 trust ratio: gradients at zero parameters and zero updates are finite")
  void trustRatioGradientAtZero() {
    require(Capability.AUTODIFF);
    TensorOps ops = backend().ops();
    DType dtype = anyFloat();
    ScaleByTrustRatio trust = new ScaleByTrustRatio();
    Tensor u = ops.fromDoubles(new double[] {1, 2}, Shape.of(2), dtype);
    Tensor zeros = ops.zeros(Shape.of(2), dtype);
    Tensor dp = backend().autodiff().grad(
        p -> ops.sum(trust.update(List.of(u), trust.init(List.of(p)), List.of(p)).updates().get(0)),
        zeros);
    Tensor du = backend().autodiff().grad(
        x -> ops.sum(trust.update(List.of(x), trust.init(List.of(u)), List.of(u)).updates().get(0)),
        zeros);
    for (double v : ops.toDoubleArray(dp)) {
      assertTrue(Double.isFinite(v), "d/dp at p = 0 must be finite, got " + v);
    }
    double[] g = ops.toDoubleArray(du);
    assertArrayEqualsWithin(new double[] {1, 1}, g, 1e-6, "d/du at u = 0 (ratio 1 there)");
  }

  private static void assertArrayEqualsWithin(double[] expected, double[] actual, double tol,
      String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tol, what + ": element " + i);
    }
  }

  // ================================================================ AdaBelief

  @Test
  @DisplayName("OPT-ADABELIEF-01 AdaBelief is [Scale(-1)] → ScaleByBelief → [AddDecayedWeights] → "
      + "ScaleByLearningRate")
  void adaBeliefChain() {
    assertEquals(
        Chain.of(new ScaleByBelief(0.9, 0.999, 1e-16), ScaleByLearningRate.constant(1e-3)),
        AdaBelief.of(1e-3));
    assertEquals(
        Chain.of(
            new Scale(-1),
            new ScaleByBelief(0.8, 0.99, 1e-10),
            new AddDecayedWeights(0.1, null),
            ScaleByLearningRate.constant(1e-2)),
        AdaBelief.of(AdaBelief.Options.builder().lr(1e-2).b1(0.8).b2(0.99).eps(1e-10)
            .weightDecay(0.1).maximize(true).build()));
  }

  @TestFactory
  @DisplayName("OPT-ADABELIEF-02 AdaBelief matches the paper's Algorithm 2 (float64 reference) in "
      + "float64")
  Stream<DynamicTest> adaBeliefFloat64() {
    return trajectories("OPT-ADABELIEF-02", OptimizerCases.adaBeliefCases(), DType.FLOAT64);
  }

  @TestFactory
  @DisplayName("OPT-ADABELIEF-03 AdaBelief matches the paper's Algorithm 2 (float64 reference) in "
      + "float32")
  Stream<DynamicTest> adaBeliefFloat32() {
    return trajectories("OPT-ADABELIEF-03", OptimizerCases.adaBeliefCases(), DType.FLOAT32);
  }

  @Test
  @DisplayName("OPT-ADABELIEF-04 bad AdaBelief options are rejected naming the option and the value")
  void adaBeliefBadOptions() {
    assertRejected("lr", "-0.001", () -> AdaBelief.Options.builder().lr(-1e-3).build());
    assertRejected("b1", "1.0", () -> AdaBelief.Options.builder().b1(1).build());
    assertRejected("b2", "NaN", () -> AdaBelief.Options.builder().b2(Double.NaN).build());
    assertRejected("eps", "-1.0E-16", () -> AdaBelief.Options.builder().eps(-1e-16).build());
    assertRejected("weightDecay", "-1.0",
        () -> AdaBelief.Options.builder().weightDecay(-1).build());
    assertRejected("eps", "NaN", () -> new ScaleByBelief(0.9, 0.999, Double.NaN));
  }

  @Test
  @DisplayName("OPT-ADABELIEF-05 AdaBelief and ScaleByBelief reject a foreign state")
  void adaBeliefForeignState() {
    assertForeignStateRejected(AdaBelief.of(1e-3), Lion.of(1e-4));
    assertTransformRejectsState(new ScaleByBelief(0.9, 0.999, 1e-16),
        new ScaleByAdam(0.9, 0.999, 1e-8, 0, false));
  }

  @Test
  @DisplayName("OPT-ADABELIEF-06 AdaBelief (all options) is differentiable: unrolled gradient vs "
      + "finite differences")
  void adaBeliefDifferentiable() {
    assertDifferentiable(AdaBelief.of(AdaBelief.Options.builder().lr(1e-2).b1(0.8).b2(0.99)
        .eps(1e-10).weightDecay(0.1).build()));
  }

  // ================================================================ Adan

  @Test
  @DisplayName("OPT-ADAN-01 Adan is [Scale(-1)] → ScaleByAdan → ScaleByLearningRate → "
      + "[ProximalWeightDecay]")
  void adanChain() {
    assertEquals(
        Chain.of(new ScaleByAdan(0.98, 0.92, 0.99, 1e-8), ScaleByLearningRate.constant(1e-3)),
        Adan.of(1e-3));
    assertEquals(
        Chain.of(
            new Scale(-1),
            new ScaleByAdan(0.9, 0.85, 0.95, 1e-6),
            ScaleByLearningRate.constant(1e-2),
            new ProximalWeightDecay(1e-2, 0.1)),
        Adan.of(Adan.Options.builder().lr(1e-2).b1(0.9).b2(0.85).b3(0.95).eps(1e-6)
            .weightDecay(0.1).maximize(true).build()));
  }

  @TestFactory
  @DisplayName("OPT-ADAN-02 Adan matches the paper's Algorithm 1 (float64 reference) in float64")
  Stream<DynamicTest> adanFloat64() {
    return trajectories("OPT-ADAN-02", OptimizerCases.adanCases(), DType.FLOAT64);
  }

  @TestFactory
  @DisplayName("OPT-ADAN-03 Adan matches the paper's Algorithm 1 (float64 reference) in float32")
  Stream<DynamicTest> adanFloat32() {
    return trajectories("OPT-ADAN-03", OptimizerCases.adanCases(), DType.FLOAT32);
  }

  @Test
  @DisplayName("OPT-ADAN-04 bad Adan options are rejected naming the option and the value")
  void adanBadOptions() {
    assertRejected("lr", "-1.0", () -> Adan.Options.builder().lr(-1).build());
    assertRejected("b1", "1.0", () -> Adan.Options.builder().b1(1).build());
    assertRejected("b2", "-0.08", () -> Adan.Options.builder().b2(-0.08).build());
    assertRejected("b3", "2.0", () -> Adan.Options.builder().b3(2).build());
    assertRejected("eps", "NaN", () -> Adan.Options.builder().eps(Double.NaN).build());
    assertRejected("weightDecay", "-0.02", () -> Adan.Options.builder().weightDecay(-0.02).build());
    assertRejected("learningRate", "-1.0", () -> new ProximalWeightDecay(-1, 0.1));
    assertRejected("weightDecay", "NaN", () -> new ProximalWeightDecay(0.1, Double.NaN));
  }

  @Test
  @DisplayName("OPT-ADAN-05 Adan, ScaleByAdan and ProximalWeightDecay reject a foreign state; "
      + "the decay needs the parameters")
  void adanForeignState() {
    assertForeignStateRejected(Adan.of(1e-3), Adagrad.of(0.1));
    assertTransformRejectsState(new ScaleByAdan(0.98, 0.92, 0.99, 1e-8),
        new ScaleByBelief(0.9, 0.999, 1e-16));
    assertTransformRejectsState(new ProximalWeightDecay(0.1, 0.1), new ScaleByTrustRatio());
    List<Tensor> p = params(anyFloat());
    ProximalWeightDecay decay = new ProximalWeightDecay(0.1, 0.1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> decay.update(p, decay.init(p)));
    assertTrue(e.getMessage().contains("needs the parameters"), e.getMessage());
  }

  @Test
  @DisplayName("OPT-ADAN-06 Adan (all options) is differentiable through its first-step selection: "
      + "unrolled gradient vs finite differences")
  void adanDifferentiable() {
    assertDifferentiable(Adan.of(Adan.Options.builder().lr(1e-2).b1(0.9).b2(0.85).b3(0.95)
        .eps(1e-6).weightDecay(0.1).build()));
  }

  @Test
  @DisplayName("OPT-ADAN-07 ProximalWeightDecay: θ + u' = (θ + u) / (1 + ηλ)")
  void proximalWeightDecay() {
    TensorOps ops = backend().ops();
    DType dtype = anyFloat();
    List<Tensor> p = params(dtype);
    List<Tensor> u = List.of(
        ops.fromDoubles(new double[] {0.1, 0.2, -0.3, 0.4, -0.5, 0.6}, Shape.of(2, 3), dtype),
        ops.fromDoubles(new double[] {-1, 1, 0, 2}, Shape.of(4), dtype));
    ProximalWeightDecay decay = new ProximalWeightDecay(0.5, 0.2);
    List<Tensor> next = Updates.apply(p, decay.update(u, decay.init(p), p).updates());
    for (int k = 0; k < p.size(); k++) {
      double[] theta = ops.toDoubleArray(p.get(k));
      double[] step = ops.toDoubleArray(u.get(k));
      double[] actual = ops.toDoubleArray(next.get(k));
      for (int i = 0; i < theta.length; i++) {
        assertEquals((theta[i] + step[i]) / 1.1, actual[i], 1e-6, "leaf " + k + " element " + i);
      }
    }
  }
}
