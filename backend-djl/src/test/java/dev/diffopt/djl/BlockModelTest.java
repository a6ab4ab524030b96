package dev.diffopt.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import dev.diffopt.Backends;
import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.conformance.FiniteDifferences;
import dev.diffopt.conformance.Mlp;
import dev.diffopt.meta.MetaOptimizer;
import dev.diffopt.meta.MetaSGD;
import dev.diffopt.optim.Optimizers;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Step;
import dev.diffopt.transform.Updates;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link BlockModel}: a DJL {@code SequentialBlock} as it is, as the model of MAML. */
class BlockModelTest {
  private static final int[] SIZES = {1, 16, 16, 1};
  private static final double INNER_LR = 0.02;

  private final DjlBackend backend = (DjlBackend) Backends.get("djl");
  private final TensorOps ops = backend.ops();
  private final Autodiff ad = backend.autodiff();
  private NDManager manager;
  private Scope scope;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager("PyTorch");
    scope = Scope.open();
  }

  @AfterEach
  void close() {
    scope.close();
    manager.close();
  }

  /** Linear 1→16, act, Linear 16→16, tanh, Linear 16→1, initialized by DJL. */
  private SequentialBlock block(DataType dtype, Function<NDList, NDList> firstActivation) {
    SequentialBlock block = new SequentialBlock()
        .add(Linear.builder().setUnits(SIZES[1]).build())
        .add(firstActivation)
        .add(Linear.builder().setUnits(SIZES[2]).build())
        .add(Activation::tanh)
        .add(Linear.builder().setUnits(SIZES[3]).build());
    block.initialize(manager, dtype, new ai.djl.ndarray.types.Shape(1, SIZES[0]));
    return block;
  }

  /** The hand-written MLP's parameters ({@code W} as in × out) and the same for the block. */
  private static Map<String, Tensor> blockParams(TensorOps ops, List<Tensor> mlp) {
    Map<String, Tensor> p = new LinkedHashMap<>();
    String[] layers = {"01Linear", "03Linear", "05Linear"};
    for (int l = 0; l < layers.length; l++) {
      p.put(layers[l] + "_weight", ops.transpose(mlp.get(2 * l), 1, 0));
      p.put(layers[l] + "_bias", mlp.get(2 * l + 1));
    }
    return p;
  }

  private Tensor inputs(long seed, int rows) {
    return ops.randomUniform(Shape.of(rows, 1), DType.FLOAT64, -5, 5, seed);
  }

  /** {@code amplitude · sin(x − phase)}. */
  private record Task(Tensor xs, Tensor ys, Tensor xq, Tensor yq) {}

  private Task task(TensorOps ops, Random random, long seed) {
    double amplitude = 0.5 + 1.5 * random.nextDouble();
    double phase = Math.PI * random.nextDouble();
    Tensor xs = inputs(seed, 10);
    Tensor xq = inputs(seed + 1, 10);
    UnaryOperator<Tensor> f = x -> ops.mul(ops.sin(ops.add(x, -phase)), amplitude);
    return new Task(xs, f.apply(xs), xq, f.apply(xq));
  }

  /** The query loss after two MetaSGD steps on the support set, for any model function. */
  private static <P> Tensor mamlLoss(TensorOps ops, DjlBackend backend,
      java.util.function.BiFunction<P, Tensor, Tensor> model, P theta, Task t) {
    MetaOptimizer<P> inner = MetaSGD.of(backend, theta, INNER_LR);
    for (int k = 0; k < 2; k++) {
      inner.step(p -> Mlp.mse(ops, model.apply(p, t.xs()), t.ys()));
    }
    return Mlp.mse(ops, model.apply(inner.params(), t.xq()), t.yq());
  }

  private double[] ownForward(SequentialBlock block, Tensor x, boolean training) {
    NDList out = block.forward(
        new ParameterStore(manager, false), new NDList(((DjlTensor) x).ndArray()), training);
    return out.singletonOrThrow().toType(DataType.FLOAT64, false).toDoubleArray();
  }

  @Test
  void forwardWithTheBlocksOwnParametersEqualsTheBlock() {
    for (boolean relu : new boolean[] {false, true}) {
      SequentialBlock block = block(DataType.FLOAT64, relu ? Activation::relu : Activation::tanh);
      BlockModel model = BlockModel.of(backend, block);
      Map<String, Tensor> params = model.params();
      assertEquals(List.of("01Linear_weight", "01Linear_bias", "03Linear_weight",
          "03Linear_bias", "05Linear_weight", "05Linear_bias"), List.copyOf(params.keySet()));
      assertEquals(model.names(), List.copyOf(params.keySet()));
      assertEquals(Shape.of(16, 1), params.get("01Linear_weight").shape()); // out × in
      assertSame(block.getParameters().get("03Linear_weight").getArray(),
          ((DjlTensor) params.get("03Linear_weight")).ndArray());
      Tensor x = inputs(5, 7);
      for (boolean training : new boolean[] {false, true}) {
        double[] expected = ownForward(block, x, training);
        int arrays = ((DjlTensor) x).ndArray().getManager().getManagedArrays().size();
        Tensor y = model.forward(params, x, training);
        assertEquals(arrays + 1, ((DjlTensor) x).ndArray().getManager().getManagedArrays().size(),
            "DJL's intermediates are freed; only the output remains");
        assertEquals(Shape.of(7, 1), y.shape());
        assertArrayEquals(expected, y.toDoubleArray(), 0.0);
      }
    }
    // float32 too
    SequentialBlock block = block(DataType.FLOAT32, Activation::relu);
    BlockModel model = BlockModel.of(backend, block);
    Tensor x = ops.cast(inputs(6, 4), DType.FLOAT32);
    Tensor y = model.forward(model.params(), x);
    assertEquals(DType.FLOAT32, y.dtype());
    assertArrayEquals(ownForward(block, x, true), y.toDoubleArray(), 0.0);
  }

  @Test
  void mamlMetaGradientThroughTheBlockMatchesFiniteDifferencesAndAHandWrittenMlp() {
    BlockModel model = BlockModel.of(backend, block(DataType.FLOAT64, Activation::tanh));
    List<Tensor> mlp = Mlp.init(ops, DType.FLOAT64, 41, SIZES);
    Map<String, Tensor> theta = blockParams(ops, mlp);
    Task t = task(ops, new Random(7), 100);

    Function<Map<String, Tensor>, Tensor> metaLoss =
        p -> mamlLoss(ops, backend, model::forward, p, t);
    Map<String, Tensor> metaGrad = ad.grad(metaLoss, theta);

    // central differences along random directions v: d/dh L(θ + h v) = <∇L, v> (a full
    // coordinate sweep is 642 meta-losses; the hand-written MLP below is compared coordinate-wise)
    for (long seed = 0; seed < 6; seed++) {
      Map<String, Tensor> v = new LinkedHashMap<>();
      long s = 1000 + 10 * seed;
      theta.forEach(
          (name, p) -> v.put(name, ops.randomNormal(p.shape(), DType.FLOAT64, s + v.size())));
      double fd = FiniteDifferences.directional(ops, p -> metaLoss.apply(p), theta, v).get(0)[0];
      double exact = 0;
      for (String name : theta.keySet()) {
        exact += ops.vdot(metaGrad.get(name), v.get(name)).item();
      }
      assertEquals(fd, exact, 1e-6 * Math.abs(fd) + 1e-8, "direction " + seed);
    }

    List<Tensor> handGrad = ad.grad(
        p -> mamlLoss(ops, backend,
            (List<Tensor> q, Tensor x) -> Mlp.forward(ops, q, x, ops::tanh), p, t), mlp);
    List<double[]> hand = new ArrayList<>();
    for (Tensor g : blockParams(ops, handGrad).values()) {
      hand.add(g.toDoubleArray());
    }
    FiniteDifferences.assertClose(ops, metaGrad, hand, 1e-10, 1e-13, "block vs hand-written MLP");
    assertEquals(metaLoss.apply(theta).item(),
        mamlLoss(ops, backend, (List<Tensor> q, Tensor x) -> Mlp.forward(ops, q, x, ops::tanh),
            mlp, t).item(), 1e-12);
  }

  @Test
  void metaTrainingWithAdamReducesTheMetaLossAndLoadsTheResultIntoTheBlock() {
    SequentialBlock block = block(DataType.FLOAT64, Activation::tanh);
    BlockModel model = BlockModel.of(backend, block);
    model.load(blockParams(ops, Mlp.init(ops, DType.FLOAT64, 3, SIZES)));
    Random random = new Random(11);
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      tasks.add(task(ops, random, 200 + 2L * i));
    }
    Function<Map<String, Tensor>, Tensor> metaLoss = p -> {
      Tensor total = null;
      for (Task t : tasks) {
        Tensor l = mamlLoss(ops, backend, model::forward, p, t);
        total = total == null ? l : ops.add(total, l);
      }
      return ops.mul(total, 1.0 / tasks.size());
    };

    GradientTransformation adam = Optimizers.adam(0.01);
    Map<String, Tensor> meta = model.params();
    Object state = adam.init(meta);
    double first = metaLoss.apply(meta).item();
    for (int it = 0; it < 30; it++) {
      try (Scope step = Scope.open()) {
        Map<String, Tensor> grads = ad.grad(metaLoss, meta);
        Step<Map<String, Tensor>> out = adam.update(grads, state, meta);
        meta = step.keep(Updates.apply(meta, out.updates()));
        state = step.keep(out.state());
      }
    }
    double last = metaLoss.apply(meta).item();
    assertTrue(last < 0.7 * first, "meta-loss " + first + " -> " + last);

    Tensor xq = tasks.get(0).xq();
    double[] trained = model.forward(meta, xq).toDoubleArray();
    assertTrue(Math.abs(trained[0] - ownForward(block, xq, true)[0]) > 1e-6, "not yet loaded");
    model.load(meta);
    assertArrayEquals(trained, ownForward(block, xq, true), 1e-12);
    assertArrayEquals(trained, ownForward(block, xq, false), 1e-12);
    for (Map.Entry<String, Tensor> e : model.params().entrySet()) {
      assertArrayEquals(meta.get(e.getKey()).toDoubleArray(), e.getValue().toDoubleArray(), 0.0);
    }
    assertEquals(last, metaLoss.apply(model.params()).item(), 1e-12);
  }

  @Test
  void frozenParametersAreReadFromTheBlock() {
    SequentialBlock block = block(DataType.FLOAT64, Activation::tanh);
    block.getChildren().get(4).getValue().freezeParameters(true);
    BlockModel model = BlockModel.of(backend, block);
    assertEquals(List.of("01Linear_weight", "01Linear_bias", "03Linear_weight", "03Linear_bias"),
        model.names());
    Tensor x = inputs(8, 5);
    assertArrayEquals(ownForward(block, x, true), model.forward(model.params(), x).toDoubleArray(),
        0.0);
    Map<String, Tensor> g = ad.grad(p -> ops.sum(model.forward(p, x)), model.params());
    assertEquals(model.names(), List.copyOf(g.keySet()));
  }

  @Test
  void badInputsNameTheParameter() {
    SequentialBlock block = block(DataType.FLOAT64, Activation::tanh);
    BlockModel model = BlockModel.of(backend, block);
    Tensor x = inputs(1, 3);

    Map<String, Tensor> missing = model.params();
    missing.remove("03Linear_bias");
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> model.forward(missing, x));
    assertTrue(e.getMessage().contains("lack parameter '03Linear_bias'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> model.load(missing));
    assertTrue(e.getMessage().contains("'03Linear_bias'"), e.getMessage());

    Map<String, Tensor> extra = model.params();
    extra.put("07Linear_weight", ops.zeros(Shape.of(1, 1), DType.FLOAT64));
    e = assertThrows(IllegalArgumentException.class, () -> model.forward(extra, x));
    assertTrue(e.getMessage().contains("unknown parameter(s) [07Linear_weight]"), e.getMessage());

    Map<String, Tensor> transposed = model.params();
    transposed.put("01Linear_weight", ops.transpose(transposed.get("01Linear_weight"), 1, 0));
    e = assertThrows(IllegalArgumentException.class, () -> model.load(transposed));
    assertEquals("BlockModel.load: parameter '01Linear_weight' must have shape (16, 1), got "
        + "(1, 16)", e.getMessage());

    Map<String, Tensor> float32 = model.params();
    float32.put("05Linear_bias", ops.zeros(Shape.of(1), DType.FLOAT32));
    e = assertThrows(IllegalArgumentException.class, () -> model.forward(float32, x));
    assertEquals("BlockModel.forward: parameter '05Linear_bias' must have dtype FLOAT64, got "
        + "FLOAT32", e.getMessage());

    e = assertThrows(IllegalArgumentException.class,
        () -> model.forward(model.params(), ops.zeros(Shape.of(3, 2), DType.FLOAT64)));
    assertTrue(e.getMessage().startsWith("BlockModel.forward failed in the block"), e.getMessage());

    assertThrows(NullPointerException.class, () -> model.forward(null, x));
    assertThrows(NullPointerException.class, () -> model.forward(model.params(), null));
    SequentialBlock fresh = new SequentialBlock().add(Linear.builder().setUnits(2).build());
    e = assertThrows(IllegalArgumentException.class, () -> BlockModel.of(backend, fresh));
    assertTrue(e.getMessage().contains("not initialized"), e.getMessage());
  }
}
