package dev.diffopt.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.conformance.OptimizerCases.Case;
import dev.diffopt.conformance.OptimizerTrajectories.Objective;
import dev.diffopt.optim.Adam;
import dev.diffopt.optim.AdamW;
import dev.diffopt.optim.Adamax;
import dev.diffopt.optim.NAdam;
import dev.diffopt.optim.RAdam;
import dev.diffopt.optim.RmsProp;
import dev.diffopt.optim.Sgd;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensor.TensorTrees;
import dev.diffopt.transform.AddDecayedWeights;
import dev.diffopt.transform.Chain;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Scale;
import dev.diffopt.transform.ScaleByAdam;
import dev.diffopt.transform.ScaleByAdamax;
import dev.diffopt.transform.ScaleByLearningRate;
import dev.diffopt.transform.ScaleByNadam;
import dev.diffopt.transform.ScaleByRAdam;
import dev.diffopt.transform.ScaleByRms;
import dev.diffopt.transform.ScaleByStddev;
import dev.diffopt.transform.Step;
import dev.diffopt.transform.Trace;
import dev.diffopt.transform.Updates;
import dev.diffopt.tree.Trees;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * The SGD and Adam families ({@link Sgd}, {@link Adam}, {@link AdamW}, {@link RmsProp}, {@link
 * NAdam}, {@link RAdam}, {@link Adamax}) and their building blocks ({@link Trace}, {@link
 * ScaleByRms}, {@link ScaleByStddev}, {@link ScaleByAdamax}, {@link ScaleByRAdam}, {@link
 * ScaleByNadam}):
 *
 * <ul>
 *   <li>{@code OPT-<NAME>-01}: each optimizer is the documented chain of building blocks (value
 *       equality of records);
 *   <li>{@code OPT-<NAME>-02}: 20 steps against the float64 {@code torch.optim}-style reference
 *       of {@code dev.diffopt.conformance.reference.optim} on the parabola and Rosenbrock, for
 *       option sets that together turn on every option, in float64 ({@code rtol 1e-9, atol
 *       1e-12}; needs {@link Capability#FLOAT64});
 *   <li>{@code OPT-<NAME>-03}: the same in float32 ({@code rtol 1e-4, atol 1e-5});
 *   <li>{@code OPT-<NAME>-04}: every invalid option value is rejected with an {@link
 *       IllegalArgumentException} naming the option and the value;
 *   <li>{@code OPT-FAMILY-*}: {@link Trace}'s first step, trees of any structure, empty trees,
 *       foreign states, and meta-gradients through unrolled steps (needs {@link
 *       Capability#AUTODIFF} and {@link Capability#FLOAT64}).
 * </ul>
 *
 * <p>The option sets are those of {@code OptimizerCases}. Learning rates: each option set runs
 * at one learning rate on the parabola and a smaller one on Rosenbrock, the same in float64 and
 * float32, chosen so that all 20 steps stay in a well-conditioned region where float32 rounding
 * stays well inside the float32 tolerance.
 * Rosenbrock's curvature at the start {@code (−1.2, 1)} is about 1330, so SGD-like methods run at
 * η = 1e-4 there (2e-5 when maximizing, which climbs the quartic), adaptive ones (whose steps are
 * about η per coordinate) at η = 1e-3. On the parabola, SGD runs at 0.02 and the adaptive methods
 * at 0.02 or 0.01: at η = 0.05, Adam's normalized step {@code m̂/sqrt(v̂)} near the minimum, where
 * the gradient changes sign, amplifies float32 rounding to half the float32 tolerance on DJL,
 * too little margin for other backends; at 0.02 the worst float32 error is about a quarter of the
 * tolerance.
 */
public abstract class SgdAdamFamilySuite extends BackendSuite {
  /** Steps per trajectory. */
  private static final int STEPS = 20;

  private static final double F64_RTOL = 1e-9;
  private static final double F64_ATOL = 1e-12;
  private static final double F32_RTOL = 1e-4;
  private static final double F32_ATOL = 1e-5;

  // ------------------------------------------------------------------ trajectories

  /**
   * Dynamic tests {@code <id>-NN <objective>: <options>}, NN numbering (option set, objective)
   * pairs in order, so that an id stays put as long as option sets are only appended.
   */
  private Stream<DynamicTest> trajectories(String id, List<Case> cases, DType dtype) {
    double rtol = dtype == DType.FLOAT64 ? F64_RTOL : F32_RTOL;
    double atol = dtype == DType.FLOAT64 ? F64_ATOL : F32_ATOL;
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (Case c : cases) {
      for (Objective objective :
          List.of(OptimizerTrajectories.PARABOLA, OptimizerTrajectories.ROSENBROCK)) {
        double lr = objective == OptimizerTrajectories.PARABOLA ? c.lrParabola() : c.lrRosenbrock();
        String name = String.format("%s-%02d %s: %s, lr=%s", id, ++n, objective, c.label(), lr);
        tests.add(DynamicTest.dynamicTest(name, () -> {
          if (dtype == DType.FLOAT64) {
            require(Capability.FLOAT64); // each case skips on its own, naming the capability
          }
          OptimizerTrajectories.assertMatchesReference(
              backend().ops(), dtype, c.optimizer().apply(lr), () -> c.reference().apply(lr),
              objective, STEPS, rtol, atol);
        }));
      }
    }
    return tests.stream();
  }

  @TestFactory
  @DisplayName("OPT-SGD-02 SGD matches the float64 reference (float64)")
  Stream<DynamicTest> sgdFloat64() {
    return trajectories("OPT-SGD-02", OptimizerCases.sgdCases(), DType.FLOAT64);
  }

  @TestFactory
  @DisplayName("OPT-SGD-03 SGD matches the float64 reference (float32)")
  Stream<DynamicTest> sgdFloat32() {
    return trajectories("OPT-SGD-03", OptimizerCases.sgdCases(), DType.FLOAT32);
  }

  @TestFactory
  @DisplayName("OPT-ADAM-02 Adam matches the float64 reference (float64)")
  Stream<DynamicTest> adamFloat64() {
    return trajectories("OPT-ADAM-02", OptimizerCases.adamCases(), DType.FLOAT64);
  }

  @TestFactory
  @DisplayName("OPT-ADAM-03 Adam matches the float64 reference (float32)")
  Stream<DynamicTest> adamFloat32() {
    return trajectories("OPT-ADAM-03", OptimizerCases.adamCases(), DType.FLOAT32);
  }

  @TestFactory
  @DisplayName("OPT-ADAMW-02 AdamW matches the float64 reference (float64)")
  Stream<DynamicTest> adamwFloat64() {
    return trajectories("OPT-ADAMW-02", OptimizerCases.adamwCases(), DType.FLOAT64);
  }

  @TestFactory
  @DisplayName("OPT-ADAMW-03 AdamW matches the float64 reference (float32)")
  Stream<DynamicTest> adamwFloat32() {
    return trajectories("OPT-ADAMW-03", OptimizerCases.adamwCases(), DType.FLOAT32);
  }

  @TestFactory
  @DisplayName("OPT-RMSPROP-02 RMSProp matches the float64 reference (float64)")
  Stream<DynamicTest> rmspropFloat64() {
    return trajectories("OPT-RMSPROP-02", OptimizerCases.rmspropCases(), DType.FLOAT64);
  }

  @TestFactory
  @DisplayName("OPT-RMSPROP-03 RMSProp matches the float64 reference (float32)")
  Stream<DynamicTest> rmspropFloat32() {
    return trajectories("OPT-RMSPROP-03", OptimizerCases.rmspropCases(), DType.FLOAT32);
  }

  @TestFactory
  @DisplayName("OPT-NADAM-02 NAdam matches the float64 reference (float64)")
  Stream<DynamicTest> nadamFloat64() {
    return trajectories("OPT-NADAM-02", OptimizerCases.nadamCases(), DType.FLOAT64);
  }

  @TestFactory
  @DisplayName("OPT-NADAM-03 NAdam matches the float64 reference (float32)")
  Stream<DynamicTest> nadamFloat32() {
    return trajectories("OPT-NADAM-03", OptimizerCases.nadamCases(), DType.FLOAT32);
  }

  @TestFactory
  @DisplayName("OPT-RADAM-02 RAdam matches the float64 reference (float64)")
  Stream<DynamicTest> radamFloat64() {
    return trajectories("OPT-RADAM-02", OptimizerCases.radamCases(), DType.FLOAT64);
  }

  @TestFactory
  @DisplayName("OPT-RADAM-03 RAdam matches the float64 reference (float32)")
  Stream<DynamicTest> radamFloat32() {
    return trajectories("OPT-RADAM-03", OptimizerCases.radamCases(), DType.FLOAT32);
  }

  @TestFactory
  @DisplayName("OPT-ADAMAX-02 Adamax matches the float64 reference (float64)")
  Stream<DynamicTest> adamaxFloat64() {
    return trajectories("OPT-ADAMAX-02", OptimizerCases.adamaxCases(), DType.FLOAT64);
  }

  @TestFactory
  @DisplayName("OPT-ADAMAX-03 Adamax matches the float64 reference (float32)")
  Stream<DynamicTest> adamaxFloat32() {
    return trajectories("OPT-ADAMAX-03", OptimizerCases.adamaxCases(), DType.FLOAT32);
  }

  // ------------------------------------------------------------------ chains of building blocks

  @Test
  @DisplayName("OPT-SGD-01 Sgd.of is its documented chain of building blocks")
  void sgdChain() {
    assertEquals(ScaleByLearningRate.constant(0.1), Sgd.of(0.1));
    assertEquals(
        Chain.of(new Trace(0.9, 0, false), ScaleByLearningRate.constant(0.1)),
        Sgd.of(Sgd.Options.builder().lr(0.1).momentum(0.9).build()));
    assertEquals(
        Chain.of(new Scale(-1), new AddDecayedWeights(1e-4, null), new Trace(0.8, 0, true),
            ScaleByLearningRate.constant(0.01)),
        Sgd.of(Sgd.Options.builder().lr(0.01).maximize(true).weightDecay(1e-4).momentum(0.8)
            .nesterov(true).build()));
    assertEquals(
        Chain.of(new Trace(0.9, 0.25, false), ScaleByLearningRate.constant(0.1)),
        Sgd.of(Sgd.Options.builder().lr(0.1).momentum(0.9).dampening(0.25).build()));
  }

  @Test
  @DisplayName("OPT-ADAM-01 Adam.of is its documented chain of building blocks")
  void adamChain() {
    assertEquals(
        Chain.of(new ScaleByAdam(0.9, 0.999, 1e-8, 0, false), ScaleByLearningRate.constant(1e-3)),
        Adam.of(1e-3));
    assertEquals(
        Chain.of(new Scale(-1), new AddDecayedWeights(0.1, null),
            new ScaleByAdam(0.8, 0.99, 1e-6, 1e-9, true), ScaleByLearningRate.constant(0.5)),
        Adam.of(Adam.Options.builder().lr(0.5).b1(0.8).b2(0.99).eps(1e-6).epsRoot(1e-9)
            .weightDecay(0.1).amsgrad(true).maximize(true).build()));
  }

  @Test
  @DisplayName("OPT-ADAMW-01 AdamW.of is its documented chain (decay after the moments)")
  void adamwChain() {
    assertEquals(
        Chain.of(new ScaleByAdam(0.9, 0.999, 1e-8, 0, false), new AddDecayedWeights(1e-2, null),
            ScaleByLearningRate.constant(1e-3)),
        AdamW.of(1e-3));
    Map<String, Boolean> mask = new TreeMap<>(Map.of("b", false, "w", true));
    assertEquals(
        Chain.of(new Scale(-1), new ScaleByAdam(0.8, 0.99, 1e-6, 1e-9, true),
            new AddDecayedWeights(0.3, mask), ScaleByLearningRate.constant(0.5)),
        AdamW.of(AdamW.Options.builder().lr(0.5).b1(0.8).b2(0.99).eps(1e-6).epsRoot(1e-9)
            .weightDecay(0.3).amsgrad(true).maximize(true).mask(mask).build()));
    assertEquals(
        Chain.of(new ScaleByAdam(0.9, 0.999, 1e-8, 0, false), ScaleByLearningRate.constant(1e-3)),
        AdamW.of(AdamW.Options.builder().weightDecay(0).build()));
  }

  @Test
  @DisplayName("OPT-RMSPROP-01 RmsProp.of is its documented chain of building blocks")
  void rmspropChain() {
    assertEquals(
        Chain.of(new ScaleByRms(0.99, 1e-8), ScaleByLearningRate.constant(1e-2)),
        RmsProp.of(1e-2));
    assertEquals(
        Chain.of(new Scale(-1), new AddDecayedWeights(0.1, null), new ScaleByStddev(0.9, 1e-6),
            new Trace(0.5, 0, false), ScaleByLearningRate.constant(0.3)),
        RmsProp.of(RmsProp.Options.builder().lr(0.3).alpha(0.9).eps(1e-6).weightDecay(0.1)
            .momentum(0.5).centered(true).maximize(true).build()));
    assertEquals(
        Chain.of(new ScaleByRms(0.99, 1e-8), new Trace(0.9, 0, false),
            ScaleByLearningRate.constant(1e-2)),
        RmsProp.of(RmsProp.Options.builder().momentum(0.9).build()));
  }

  @Test
  @DisplayName("OPT-NADAM-01 NAdam.of is its documented chain of building blocks")
  void nadamChain() {
    assertEquals(
        Chain.of(new ScaleByNadam(0.9, 0.999, 1e-8, 4e-3), ScaleByLearningRate.constant(2e-3)),
        NAdam.of(2e-3));
    assertEquals(
        Chain.of(new Scale(-1), new AddDecayedWeights(0.1, null),
            new ScaleByNadam(0.8, 0.99, 1e-6, 0.01), ScaleByLearningRate.constant(0.5)),
        NAdam.of(NAdam.Options.builder().lr(0.5).b1(0.8).b2(0.99).eps(1e-6).weightDecay(0.1)
            .momentumDecay(0.01).maximize(true).build()));
  }

  @Test
  @DisplayName("OPT-RADAM-01 RAdam.of is its documented chain of building blocks")
  void radamChain() {
    assertEquals(
        Chain.of(new ScaleByRAdam(0.9, 0.999, 1e-8), ScaleByLearningRate.constant(1e-3)),
        RAdam.of(1e-3));
    assertEquals(
        Chain.of(new Scale(-1), new AddDecayedWeights(0.1, null), new ScaleByRAdam(0.8, 0.99, 1e-6),
            ScaleByLearningRate.constant(0.5)),
        RAdam.of(RAdam.Options.builder().lr(0.5).b1(0.8).b2(0.99).eps(1e-6).weightDecay(0.1)
            .maximize(true).build()));
  }

  @Test
  @DisplayName("OPT-ADAMAX-01 Adamax.of is its documented chain of building blocks")
  void adamaxChain() {
    assertEquals(
        Chain.of(new ScaleByAdamax(0.9, 0.999, 1e-8), ScaleByLearningRate.constant(2e-3)),
        Adamax.of(2e-3));
    assertEquals(
        Chain.of(new Scale(-1), new AddDecayedWeights(0.1, null),
            new ScaleByAdamax(0.8, 0.99, 1e-6), ScaleByLearningRate.constant(0.5)),
        Adamax.of(Adamax.Options.builder().lr(0.5).b1(0.8).b2(0.99).eps(1e-6).weightDecay(0.1)
            .maximize(true).build()));
  }

  // ------------------------------------------------------------------ bad options

  private static void rejects(String option, Object value, Executable build) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build,
        () -> option + " = " + value + " should be rejected");
    String message = String.valueOf(e.getMessage());
    assertTrue(message.contains(option), () -> "message names " + option + ": " + message);
    assertTrue(message.contains(String.valueOf(value)),
        () -> "message names the value " + value + ": " + message);
  }

  /** The learning-rate checks every optimizer shares. */
  private static void rejectsBadLr(DoubleFunction<Object> withLr) {
    for (double lr : new double[] {-1e-3, Double.NaN, Double.POSITIVE_INFINITY}) {
      rejects("lr", lr, () -> withLr.apply(lr));
    }
  }

  /** The β₁/β₂/ε/λ checks of the Adam family. */
  private static void rejectsBadMoments(
      DoubleFunction<Object> b1, DoubleFunction<Object> b2, DoubleFunction<Object> eps,
      DoubleFunction<Object> weightDecay) {
    for (double b : new double[] {1.5, 1.0, -0.1, Double.NaN}) {
      rejects("b1", b, () -> b1.apply(b));
      rejects("b2", b, () -> b2.apply(b));
    }
    for (double v : new double[] {-1e-8, Double.NaN, Double.POSITIVE_INFINITY}) {
      rejects("eps", v, () -> eps.apply(v));
      rejects("weightDecay", v, () -> weightDecay.apply(v));
    }
  }

  @Test
  @DisplayName("OPT-SGD-04 bad SGD options are rejected, naming the option and the value")
  void sgdBadOptions() {
    rejectsBadLr(v -> Sgd.of(v));
    for (double v : new double[] {-0.5, Double.NaN, Double.POSITIVE_INFINITY}) {
      rejects("momentum", v, () -> Sgd.Options.builder().momentum(v).build());
      rejects("dampening", v, () -> Sgd.Options.builder().dampening(v).build());
      rejects("weightDecay", v, () -> Sgd.Options.builder().weightDecay(v).build());
    }
    rejects("momentum", 0.0, () -> Sgd.Options.builder().nesterov(true).build());
    rejects("dampening", 0.5,
        () -> Sgd.Options.builder().momentum(0.9).dampening(0.5).nesterov(true).build());
    rejects("momentum", -1.0, () -> new Trace(-1, 0, false));
    rejects("dampening", Double.NaN, () -> new Trace(0.9, Double.NaN, false));
  }

  @Test
  @DisplayName("OPT-ADAM-04 bad Adam options are rejected, naming the option and the value")
  void adamBadOptions() {
    rejectsBadLr(v -> Adam.of(v));
    rejectsBadMoments(
        v -> Adam.Options.builder().b1(v).build(),
        v -> Adam.Options.builder().b2(v).build(),
        v -> Adam.Options.builder().eps(v).build(),
        v -> Adam.Options.builder().weightDecay(v).build());
    rejects("epsRoot", -1.0, () -> Adam.Options.builder().epsRoot(-1).build());
  }

  @Test
  @DisplayName("OPT-ADAMW-04 bad AdamW options are rejected, naming the option and the value")
  void adamwBadOptions() {
    rejectsBadLr(v -> AdamW.of(v));
    rejectsBadMoments(
        v -> AdamW.Options.builder().b1(v).build(),
        v -> AdamW.Options.builder().b2(v).build(),
        v -> AdamW.Options.builder().eps(v).build(),
        v -> AdamW.Options.builder().weightDecay(v).build());
    rejects("epsRoot", Double.NaN, () -> AdamW.Options.builder().epsRoot(Double.NaN).build());
  }

  @Test
  @DisplayName("OPT-RMSPROP-04 bad RMSProp options are rejected, naming the option and the value")
  void rmspropBadOptions() {
    rejectsBadLr(v -> RmsProp.of(v));
    for (double v : new double[] {1.0, 1.5, -0.1, Double.NaN}) {
      rejects("alpha", v, () -> RmsProp.Options.builder().alpha(v).build());
      rejects("alpha", v, () -> new ScaleByRms(v, 1e-8));
      rejects("alpha", v, () -> new ScaleByStddev(v, 1e-8));
    }
    for (double v : new double[] {-1e-8, Double.NaN, Double.POSITIVE_INFINITY}) {
      rejects("eps", v, () -> RmsProp.Options.builder().eps(v).build());
      rejects("weightDecay", v, () -> RmsProp.Options.builder().weightDecay(v).build());
      rejects("momentum", v, () -> RmsProp.Options.builder().momentum(v).build());
    }
  }

  @Test
  @DisplayName("OPT-NADAM-04 bad NAdam options are rejected, naming the option and the value")
  void nadamBadOptions() {
    rejectsBadLr(v -> NAdam.of(v));
    rejectsBadMoments(
        v -> NAdam.Options.builder().b1(v).build(),
        v -> NAdam.Options.builder().b2(v).build(),
        v -> NAdam.Options.builder().eps(v).build(),
        v -> NAdam.Options.builder().weightDecay(v).build());
    for (double v : new double[] {-4e-3, Double.NaN, Double.POSITIVE_INFINITY}) {
      rejects("momentumDecay", v, () -> NAdam.Options.builder().momentumDecay(v).build());
      rejects("momentumDecay", v, () -> new ScaleByNadam(0.9, 0.999, 1e-8, v));
    }
  }

  @Test
  @DisplayName("OPT-RADAM-04 bad RAdam options are rejected, naming the option and the value")
  void radamBadOptions() {
    rejectsBadLr(v -> RAdam.of(v));
    rejectsBadMoments(
        v -> RAdam.Options.builder().b1(v).build(),
        v -> RAdam.Options.builder().b2(v).build(),
        v -> RAdam.Options.builder().eps(v).build(),
        v -> RAdam.Options.builder().weightDecay(v).build());
    rejects("b2", 1.0, () -> new ScaleByRAdam(0.9, 1.0, 1e-8));
  }

  @Test
  @DisplayName("OPT-ADAMAX-04 bad Adamax options are rejected, naming the option and the value")
  void adamaxBadOptions() {
    rejectsBadLr(v -> Adamax.of(v));
    rejectsBadMoments(
        v -> Adamax.Options.builder().b1(v).build(),
        v -> Adamax.Options.builder().b2(v).build(),
        v -> Adamax.Options.builder().eps(v).build(),
        v -> Adamax.Options.builder().weightDecay(v).build());
    rejects("eps", -1.0, () -> new ScaleByAdamax(0.9, 0.999, -1));
  }

  // ------------------------------------------------------------------ family-wide behaviour

  /** One representative configuration per optimizer, with every piece of state switched on. */
  private static Map<String, GradientTransformation> everyOptimizer() {
    Map<String, GradientTransformation> all = new LinkedHashMap<>();
    all.put("sgd", Sgd.of(Sgd.Options.builder().lr(0.05).momentum(0.9).dampening(0.2)
        .weightDecay(0.01).build()));
    all.put("sgd-nesterov", Sgd.of(Sgd.Options.builder().lr(0.05).momentum(0.9).nesterov(true)
        .build()));
    all.put("adam", Adam.of(Adam.Options.builder().lr(0.05).amsgrad(true).weightDecay(0.01)
        .build()));
    all.put("adamw", AdamW.of(AdamW.Options.builder().lr(0.05).weightDecay(0.1).build()));
    all.put("rmsprop", RmsProp.of(RmsProp.Options.builder().lr(0.01).centered(true)
        .momentum(0.5).build()));
    all.put("rmsprop-plain", RmsProp.of(0.01));
    all.put("nadam", NAdam.of(0.05));
    all.put("radam", RAdam.of(0.05));
    all.put("adamax", Adamax.of(0.05));
    return all;
  }

  /** The transforms of this family, one configuration each. */
  private static List<GradientTransformation> everyTransform() {
    return List.of(
        new Trace(0.9, 0.3, false),
        new Trace(0.9, 0, true),
        new ScaleByRms(0.9, 1e-8),
        new ScaleByStddev(0.9, 1e-8),
        new ScaleByAdamax(0.9, 0.999, 1e-8),
        new ScaleByRAdam(0.9, 0.999, 1e-8),
        new ScaleByNadam(0.9, 0.999, 1e-8, 4e-3));
  }

  @Test
  @DisplayName("OPT-FAMILY-01 Trace: step 1 returns the update, then damps; re-init starts over")
  void traceFirstStep() {
    TensorOps ops = backend().ops();
    Tensor g1 = ops.fromDoubles(new double[] {1.5, -2, 0.25}, Shape.of(3), DType.FLOAT32);
    Tensor g2 = ops.fromDoubles(new double[] {-1, 4, 2}, Shape.of(3), DType.FLOAT32);
    Trace trace = new Trace(0.9, 0.5, false);
    List<Tensor> params = List.of(ops.zerosLike(g1));
    for (int round = 0; round < 2; round++) {
      Object state = trace.init(params);
      Step<List<Tensor>> first = trace.update(List.of(g1), state, params);
      assertArrayEquals(ops.toDoubleArray(g1), ops.toDoubleArray(first.updates().get(0)), 0.0,
          "round " + round + ": the first step returns the gradient, undamped");
      Step<List<Tensor>> second = trace.update(List.of(g2), first.state(), params);
      double[] a = ops.toDoubleArray(g1);
      double[] b = ops.toDoubleArray(g2);
      double[] expected = new double[3];
      for (int i = 0; i < 3; i++) {
        expected[i] = 0.9 * a[i] + 0.5 * b[i];
      }
      assertArrayEquals(expected, ops.toDoubleArray(second.updates().get(0)), 1e-6,
          "round " + round + ": the second step is μ·b + (1 − τ)·g");
    }
    Trace nesterov = new Trace(0.9, 0, true);
    Step<List<Tensor>> first = nesterov.update(List.of(g1), nesterov.init(params), params);
    double[] a = ops.toDoubleArray(g1);
    double[] expected = new double[3];
    for (int i = 0; i < 3; i++) {
      expected[i] = a[i] + 0.9 * a[i];
    }
    assertArrayEquals(expected, ops.toDoubleArray(first.updates().get(0)), 1e-6,
        "nesterov's first step is g + μ·g");
  }

  private Tensor vector(TensorOps ops, long seed, long... dims) {
    return ops.randomNormal(Shape.of(dims), DType.FLOAT32, seed);
  }

  /** Runs {@code steps} steps with the gradient of Σ (x² + x) / 2 on any tree of params. */
  private static <T> T run(GradientTransformation tx, T params, int steps) {
    Object state = tx.init(params);
    T p = params;
    for (int k = 0; k < steps; k++) {
      T grads = TensorTrees.map(p, x -> x.ops().add(x, 0.5));
      Step<T> out = tx.update(grads, state, p);
      assertEquals(Trees.structure(p), Trees.structure(out.updates()),
          tx + ": the updates keep the structure of the params");
      p = Updates.apply(p, out.updates());
      state = out.state();
    }
    return p;
  }

  @Test
  @DisplayName("OPT-FAMILY-02 every optimizer and transform: Map, List and nested trees alike")
  void treesOfAnyStructure() {
    TensorOps ops = backend().ops();
    Tensor a = vector(ops, 1, 2, 3);
    Tensor b = vector(ops, 2, 4);
    Tensor c = vector(ops, 3);
    List<Tensor> asList = List.of(a, b, c);
    Map<String, Tensor> asMap = new TreeMap<>(Map.of("k0", a, "k1", b, "k2", c));
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("layer", List.of(a, b));
    nested.put("scale", c);
    List<GradientTransformation> all = new ArrayList<>(everyOptimizer().values());
    all.addAll(everyTransform());
    for (GradientTransformation tx : all) {
      List<Object> expected = Trees.leaves(run(tx, asList, 7));
      for (Object tree : List.of(asMap, nested)) {
        List<Object> actual = Trees.leaves(run(tx, tree, 7));
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
          assertArrayEquals(ops.toDoubleArray((Tensor) expected.get(i)),
              ops.toDoubleArray((Tensor) actual.get(i)), 0.0,
              tx + " on " + Trees.structure(tree) + ": leaf " + i + " as in the List run");
        }
      }
    }
  }

  @Test
  @DisplayName("OPT-FAMILY-03 every optimizer and transform accepts a tree without leaves")
  void emptyTrees() {
    List<GradientTransformation> all = new ArrayList<>(everyOptimizer().values());
    all.addAll(everyTransform());
    for (GradientTransformation tx : all) {
      Map<String, Tensor> empty = Map.of();
      Object state = tx.init(empty);
      Step<Map<String, Tensor>> out = tx.update(empty, state, empty);
      assertTrue(out.updates().isEmpty(), tx + " on an empty tree");
      assertNotNull(out.state());
    }
  }

  @Test
  @DisplayName("OPT-FAMILY-04 a state from another transformation is rejected, naming both")
  void foreignState() {
    TensorOps ops = backend().ops();
    List<Tensor> params = List.of(vector(ops, 4, 3));
    List<GradientTransformation> transforms = everyTransform();
    for (int i = 0; i < transforms.size(); i++) {
      GradientTransformation tx = transforms.get(i);
      // the next transform of another type (the two Traces share a type: skip over it)
      GradientTransformation other = transforms.get((i + 2) % transforms.size());
      Object foreign = other.init(params);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> tx.update(params, foreign, params), () -> tx + " with the state of " + other);
      String message = e.getMessage();
      String expectedState = tx.getClass().getName() + "$State";
      assertTrue(message.contains(expectedState),
          () -> "message names the expected " + expectedState + ": " + message);
      assertTrue(message.contains(foreign.getClass().getName()),
          () -> "message names the state received: " + message);
      assertTrue(message.contains("init()"), () -> "message says how to fix it: " + message);
    }
    // optimizers: Adam's chain given RAdam's chain state (same number of parts)
    Object radamState = RAdam.of(1e-3).init(params);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Adam.of(1e-3).update(params, radamState, params));
    assertTrue(e.getMessage().contains(ScaleByAdam.State.class.getName()), e.getMessage());
    // and a chain state of another length
    Object sgdState = Sgd.of(Sgd.Options.builder().momentum(0.9).weightDecay(0.1).build())
        .init(params);
    IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
        () -> Adam.of(1e-3).update(params, sgdState, params));
    assertTrue(length.getMessage().contains("3 part states"), length.getMessage());
  }

  /** Σ x² after {@code steps} unrolled steps on the parabola g = s ⊙ (x − c), all in tensors. */
  private static Tensor unrolledLoss(GradientTransformation tx, List<Tensor> x0, int steps) {
    TensorOps ops = x0.get(0).ops();
    List<Tensor> p = x0;
    Object state = tx.init(p);
    for (int k = 0; k < steps; k++) {
      List<Tensor> grads = new ArrayList<>();
      for (int i = 0; i < p.size(); i++) {
        Tensor x = p.get(i);
        double[] scale = new double[(int) x.size()];
        double[] centre = new double[scale.length];
        for (int j = 0; j < scale.length; j++) {
          scale[j] = 1 + i + 0.5 * j;
          centre[j] = Math.sin(3 * i + j);
        }
        grads.add(ops.mul(ops.sub(x, ops.fromDoubles(centre, x.shape(), x.dtype())),
            ops.fromDoubles(scale, x.shape(), x.dtype())));
      }
      Step<List<Tensor>> out = tx.update(grads, state, p);
      p = Updates.apply(p, out.updates());
      state = out.state();
    }
    Tensor total = null;
    for (Tensor x : p) {
      Tensor s = ops.sum(ops.square(x));
      total = total == null ? s : ops.add(total, s);
    }
    return total;
  }

  @Test
  @DisplayName("OPT-FAMILY-05 meta-gradients through 8 unrolled steps match finite differences")
  void unrolledMetaGradients() {
    require(Capability.AUTODIFF);
    require(Capability.FLOAT64);
    TensorOps ops = backend().ops();
    List<Tensor> x0 = List.of(
        ops.randomNormal(Shape.of(2, 2), DType.FLOAT64, 5),
        ops.randomNormal(Shape.of(3), DType.FLOAT64, 6));
    for (Map.Entry<String, GradientTransformation> e : everyOptimizer().entrySet()) {
      GradientTransformation tx = e.getValue();
      Function<List<Tensor>, Tensor> loss = p -> unrolledLoss(tx, p, 8);
      List<Tensor> grad = backend().autodiff().grad(loss, x0);
      FiniteDifferences.assertClose(ops, grad, FiniteDifferences.gradient(ops, loss, x0),
          1e-5, 1e-7, e.getKey() + " meta-gradient");
    }
  }
}
