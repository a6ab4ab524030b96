package dev.diffopt.djl.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import dev.diffopt.Backends;
import dev.diffopt.djl.BlockModel;
import dev.diffopt.djl.DjlBackend;
import dev.diffopt.djl.fused.DjlFusedUpdates;
import dev.diffopt.optim.AdamW;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.ClipByGlobalNorm;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Step;
import dev.diffopt.transform.Transforms;
import dev.diffopt.transform.Updates;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@link DiffoptOptimizer}: DJL's {@code Trainer} with a diffopt chain gives the weights of the
 * functional path; bad input is named.
 */
class DiffoptOptimizerTest {
  private static final int BATCH = 32;
  private static final int IN = 4;
  private static final int STEPS = 20;
  private static final double MAX_NORM = 0.1;

  private final DjlBackend backend = (DjlBackend) Backends.get("djl");
  private final TensorOps ops = backend.ops();

  /** Global-norm clipping (it binds in most steps, see the test) and AdamW. */
  private static GradientTransformation chain() {
    return Transforms.chain(ClipByGlobalNorm.of(MAX_NORM),
        AdamW.of(AdamW.Options.builder().lr(0.02).weightDecay(0.1).build()));
  }

  private static SequentialBlock block() {
    return new SequentialBlock()
        .add(Linear.builder().setUnits(16).build())
        .add(Activation::tanh)
        .add(Linear.builder().setUnits(1).build());
  }

  /** Inputs in [-1, 1] and a smooth target, fixed seed. */
  private static float[][] data() {
    Random random = new Random(11);
    float[] x = new float[BATCH * IN];
    float[] y = new float[BATCH];
    for (int i = 0; i < BATCH; i++) {
      double s = 0;
      for (int j = 0; j < IN; j++) {
        x[i * IN + j] = (float) (2 * random.nextDouble() - 1);
        s += (j + 1) * x[i * IN + j];
      }
      y[i] = (float) Math.sin(s);
    }
    return new float[][] {x, y};
  }

  /** The block's trainable arrays as host copies, by name. */
  private static Map<String, float[]> weights(SequentialBlock block) {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      out.put(p.getKey(), p.getValue().getArray().toFloatArray());
    }
    return out;
  }

  @Test
  void trainerWithClippingAndAdamWMatchesTheFunctionalPath() {
    List<Double> gradientNorms = trainAndCompare(DiffoptOptimizerTest::chain, false);
    assertTrue(gradientNorms.stream().filter(n -> n > MAX_NORM).count() >= STEPS / 2,
        "the clipping binds in most steps: " + gradientNorms);
  }

  @Test
  void trainerWithAFusedAdamWMatchesTheFunctionalPath() {
    assumeTrue(backend.fusedUpdates().isPresent(), "needs --add-modules jdk.incubator.vector");
    trainAndCompare(DiffoptOptimizerTest::adamW, true);
  }

  private static GradientTransformation adamW() {
    return AdamW.of(AdamW.Options.builder().lr(0.02).weightDecay(0.1).build());
  }

  /**
   * Trains a fresh block for {@code STEPS} steps with DJL's Trainer and the adapter, then runs
   * the functional path from the same initial weights; asserts equal losses and weights.
   *
   * @return the global norms of the functional path's gradients, per step
   */
  private List<Double> trainAndCompare(Supplier<GradientTransformation> rule, boolean fused) {
    float[][] data = data();
    Engine.getEngine("PyTorch").setRandomSeed(5);
    SequentialBlock block = block();
    DiffoptOptimizer optimizer = DiffoptOptimizer.builder()
        .backend(backend).block(block).transformation(rule.get()).build();
    List<Float> trainerLosses = new ArrayList<>();
    List<Float> functionalLosses = new ArrayList<>();
    List<Double> gradientNorms = new ArrayList<>();
    Map<String, float[]> initial;
    Map<String, float[]> trained;
    Map<String, float[]> functional;
    try (Model model = Model.newInstance("diffopt-adapter", Device.cpu(), "PyTorch")) {
      model.setBlock(block);
      DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
          .optOptimizer(optimizer).optDevices(new Device[] {Device.cpu()});
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new ai.djl.ndarray.types.Shape(BATCH, IN));
        initial = weights(block);
        NDManager m = trainer.getManager();
        NDArray x = m.create(data[0], new ai.djl.ndarray.types.Shape(BATCH, IN));
        NDArray y = m.create(data[1], new ai.djl.ndarray.types.Shape(BATCH, 1));
        for (int step = 0; step < STEPS; step++) {
          try (GradientCollector collector = trainer.newGradientCollector()) {
            NDList prediction = trainer.forward(new NDList(x));
            NDArray loss = trainer.getLoss().evaluate(new NDList(y), prediction);
            trainerLosses.add(loss.getFloat());
            collector.backward(loss);
          }
          trainer.step();
        }
      }
      DjlFusedUpdates kernels = (DjlFusedUpdates) backend.fusedUpdates().orElse(null);
      String whyNotFused = kernels == null ? "no kernels"
          : kernels.whyNot(rule.get(), BlockModel.of(backend, block).params());
      assertEquals(fused, whyNotFused == null, "fused: " + whyNotFused);
      trained = weights(block);
      // the functional path from the same initial weights, through the same block
      functional = functionalPath(BlockModel.of(backend, block), rule.get(), initial, data,
          functionalLosses, gradientNorms);
    }
    assertEquals(STEPS, optimizer.steps());
    assertEquals(List.of("01Linear_weight", "01Linear_bias", "03Linear_weight", "03Linear_bias"),
        optimizer.parameterNames());
    for (String name : trained.keySet()) {
      assertArrayEquals(functional.get(name), trained.get(name), 2e-5f, name);
      assertTrue(!java.util.Arrays.equals(initial.get(name), trained.get(name)), name + " moved");
    }
    for (int i = 0; i < STEPS; i++) {
      assertEquals(functionalLosses.get(i), trainerLosses.get(i),
          1e-5 * Math.max(1, Math.abs(trainerLosses.get(i))), "loss of step " + i);
    }
    assertTrue(trainerLosses.get(STEPS - 1) < 0.7 * trainerLosses.get(0),
        "the loss goes down: " + trainerLosses);
    optimizer.close();
    return gradientNorms;
  }

  /** {@code STEPS} steps of {@code update} + {@code Updates.apply} on diffopt's own gradients. */
  private Map<String, float[]> functionalPath(BlockModel model,
      GradientTransformation transformation, Map<String, float[]> initial,
      float[][] data, List<Float> losses, List<Double> norms) {
    Map<String, float[]> out = new LinkedHashMap<>();
    try (Scope scope = Scope.open()) {
      Map<String, Tensor> start = new LinkedHashMap<>();
      initial.forEach((name, values) -> start.put(name, ops.fromFloats(
          values, model.params().get(name).shape())));
      Tensor x = ops.fromFloats(data[0], Shape.of(BATCH, IN));
      Tensor y = ops.fromFloats(data[1], Shape.of(BATCH, 1));
      Map<String, Tensor> p = start;
      Object state = transformation.init(p);
      for (int step = 0; step < STEPS; step++) {
        var vg = backend.autodiff().valueAndGrad(
            (Map<String, Tensor> q) -> l2Loss(model.forward(q, x), y), p, false);
        losses.add((float) vg.value().item());
        norms.add(globalNorm(vg.grad()));
        Step<Map<String, Tensor>> s = transformation.update(vg.grad(), state, p);
        p = Updates.apply(p, s.updates());
        state = s.state();
      }
      p.forEach((name, t) -> out.put(name, ops.toFloatArray(t)));
    }
    return out;
  }

  private double globalNorm(Map<String, Tensor> grads) {
    double sum = 0;
    for (Tensor g : grads.values()) {
      sum += ops.sum(ops.mul(g, g)).item();
    }
    return Math.sqrt(sum);
  }

  /** DJL's {@code L2Loss}: {@code mean(½ (y − ŷ)²)}. */
  private Tensor l2Loss(Tensor prediction, Tensor y) {
    Tensor d = ops.sub(y, prediction);
    return ops.mean(ops.mul(ops.mul(d, d), 0.5));
  }

  @Test
  void badInputIsNamedAndLeavesTheWeights() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      SequentialBlock block = block();
      block.initialize(manager, DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, IN));
      List<Parameter> params = new ArrayList<>();
      for (Pair<String, Parameter> p : block.getParameters()) {
        params.add(p.getValue());
      }
      Map<String, float[]> before = weights(block);
      try (DiffoptOptimizer optimizer = DiffoptOptimizer.builder()
          .backend(backend).block(block).transformation(chain()).build()) {
        Parameter w = params.get(0);
        NDArray ones = manager.ones(w.getArray().getShape());
        optimizer.update(w.getId(), w.getArray(), ones);

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
            () -> optimizer.update("no-such-id", w.getArray(), ones));
        assertTrue(unknown.getMessage().contains("'no-such-id'"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("01Linear_weight"), unknown.getMessage());

        Parameter b = params.get(1);
        NDArray wrongShape = manager.ones(new ai.djl.ndarray.types.Shape(3));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
            () -> optimizer.update(b.getId(), b.getArray(), wrongShape));
        assertTrue(shape.getMessage().contains("'01Linear_bias'")
            && shape.getMessage().contains("(3)") && shape.getMessage().contains("(16)"),
            shape.getMessage());

        NDArray doubles = manager.ones(b.getArray().getShape(), DataType.FLOAT64);
        IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class,
            () -> optimizer.update(b.getId(), b.getArray(), doubles));
        assertTrue(dtype.getMessage().contains("float64"), dtype.getMessage());

        NDArray otherArray = b.getArray().duplicate();
        IllegalArgumentException notOwn = assertThrows(IllegalArgumentException.class,
            () -> optimizer.update(b.getId(), otherArray, manager.ones(otherArray.getShape())));
        assertTrue(notOwn.getMessage().contains("'01Linear_bias'"), notOwn.getMessage());

        optimizer.update(w.getId(), w.getArray(), ones);
        IllegalStateException twice = assertThrows(IllegalStateException.class,
            () -> optimizer.update(w.getId(), w.getArray(), ones));
        assertTrue(twice.getMessage().contains("'01Linear_weight'")
            && twice.getMessage().contains("[01Linear_bias, 03Linear_weight, 03Linear_bias]"),
            twice.getMessage());

        assertEquals(0, optimizer.steps());
        Map<String, float[]> after = weights(block);
        before.forEach((name, v) -> assertArrayEquals(v, after.get(name), name + " unchanged"));

        // a clean, complete step afterwards works
        for (Parameter p : params) {
          optimizer.update(p.getId(), p.getArray(), manager.ones(p.getArray().getShape()));
        }
        assertEquals(1, optimizer.steps());
      }
    }
  }

  @Test
  void djlOptionsAndMissingPartsAreRefused() {
    UnsupportedOperationException clip = assertThrows(UnsupportedOperationException.class,
        () -> DiffoptOptimizer.builder().optClipGrad(1f));
    assertTrue(clip.getMessage().contains("optClipGrad(1.0)"), clip.getMessage());
    assertThrows(UnsupportedOperationException.class,
        () -> DiffoptOptimizer.builder().setRescaleGrad(0.5f));
    assertThrows(UnsupportedOperationException.class,
        () -> DiffoptOptimizer.builder().optWeightDecays(0.1f));
    NullPointerException missing = assertThrows(NullPointerException.class,
        () -> DiffoptOptimizer.builder().block(block()).build());
    assertTrue(missing.getMessage().contains("transformation (null)"), missing.getMessage());
    DiffoptOptimizer optimizer =
        DiffoptOptimizer.builder().block(block()).transformation(chain()).build();
    NullPointerException nulls =
        assertThrows(NullPointerException.class, () -> optimizer.update("x", null, null));
    assertTrue(nulls.getMessage().contains("weight (null)"), nulls.getMessage());
  }
}
