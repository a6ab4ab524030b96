package dev.diffopt.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.Backends;
import dev.diffopt.optim.Adam;
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
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** {@link GraphMinimizer}: a plain TensorFlow graph trained by diffopt's Adam. */
class GraphMinimizerTest {
  private static final int ROWS = 64;
  private static final int FEATURES = 3;
  private static final int STEPS = 50;
  private static final float[] W0 = {0.1f, -0.2f, 0.05f};
  private static final float B0 = 0f;

  private final TfBackend backend = (TfBackend) Backends.get("tensorflow");
  private final TensorOps ops = backend.ops();

  /** {@code y = x·[1.5, −2, 0.5] + 0.3 + noise}, fixed seed. */
  private static float[][] data() {
    Random random = new Random(3);
    double[] w = {1.5, -2, 0.5};
    float[] x = new float[ROWS * FEATURES];
    float[] y = new float[ROWS];
    for (int i = 0; i < ROWS; i++) {
      double s = 0.3 + 0.05 * random.nextGaussian();
      for (int j = 0; j < FEATURES; j++) {
        x[i * FEATURES + j] = (float) random.nextGaussian();
        s += w[j] * x[i * FEATURES + j];
      }
      y[i] = (float) s;
    }
    return new float[][] {x, y};
  }

  /** A linear regression as a TensorFlow Java user writes it. */
  private static final class Regression {
    final Graph graph = new Graph();
    final Ops tf = Ops.create(graph);
    final Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class,
        Placeholder.shape(org.tensorflow.ndarray.Shape.of(ROWS, FEATURES)));
    final Placeholder<TFloat32> y = tf.withName("y").placeholder(TFloat32.class,
        Placeholder.shape(org.tensorflow.ndarray.Shape.of(ROWS, 1)));
    final Variable<TFloat32> w = tf.withName("w").variable(
        tf.constant(new float[][] {{W0[0]}, {W0[1]}, {W0[2]}}));
    final Variable<TFloat32> b = tf.withName("b").variable(tf.constant(new float[] {B0}));
    final Operand<TFloat32> prediction = tf.math.add(tf.linalg.matMul(x, w), b);
    final Operand<TFloat32> loss = tf.math.mean(
        tf.math.square(tf.math.sub(prediction, y)), tf.constant(new int[] {0, 1}));
  }

  private static TFloat32 tensor(float[] values, long... shape) {
    return TFloat32.tensorOf(org.tensorflow.ndarray.Shape.of(shape), DataBuffers.of(values));
  }

  private static float[] fetch(Session session, Operand<?> operand) {
    try (org.tensorflow.Tensor t = session.runner().fetch(operand).run().get(0)) {
      float[] out = new float[Math.toIntExact(t.shape().size())];
      ((TFloat32) t).asRawTensor().data().asFloats().read(out);
      return out;
    }
  }

  @Test
  void adamOnAPlainGraphMatchesTheFunctionalPath() {
    float[][] data = data();
    GradientTransformation adam = Adam.of(0.05);
    List<Double> graphLosses = new ArrayList<>();
    float[] w;
    float[] b;
    Regression r = new Regression();
    try (TFloat32 xs = tensor(data[0], ROWS, FEATURES);
        TFloat32 ys = tensor(data[1], ROWS, 1);
        GraphMinimizer minimizer =
            GraphMinimizer.of(backend, adam, r.graph, r.loss, List.of(r.w, r.b));
        Session session = new Session(r.graph)) {
      session.initialize();
      assertEquals(List.of("w", "b"), minimizer.variableNames());
      for (int step = 0; step < STEPS; step++) {
        graphLosses.add(minimizer.minimize(session, Map.of(r.x, xs, r.y, ys)));
      }
      assertEquals(STEPS, minimizer.steps());
      w = fetch(session, r.w);
      b = fetch(session, r.b);
    } finally {
      r.graph.close();
    }

    List<Double> functionalLosses = new ArrayList<>();
    float[] wf;
    float[] bf;
    try (Scope scope = Scope.open()) {
      Tensor x = ops.fromFloats(data[0], Shape.of(ROWS, FEATURES));
      Tensor y = ops.fromFloats(data[1], Shape.of(ROWS, 1));
      Map<String, Tensor> p = new LinkedHashMap<>();
      p.put("w", ops.fromFloats(W0, Shape.of(FEATURES, 1)));
      p.put("b", ops.fromFloats(new float[] {B0}, Shape.of(1)));
      Object state = adam.init(p);
      for (int step = 0; step < STEPS; step++) {
        var vg = backend.autodiff().valueAndGrad((Map<String, Tensor> q) -> ops.mean(
            ops.square(ops.sub(ops.add(ops.matmul(x, q.get("w")), q.get("b")), y))), p, false);
        functionalLosses.add(vg.value().item());
        Step<Map<String, Tensor>> s = adam.update(vg.grad(), state, p);
        p = Updates.apply(p, s.updates());
        state = s.state();
      }
      wf = ops.toFloatArray(p.get("w"));
      bf = ops.toFloatArray(p.get("b"));
    }
    for (int i = 0; i < STEPS; i++) {
      assertEquals(functionalLosses.get(i), graphLosses.get(i),
          1e-5 * Math.max(1, functionalLosses.get(i)), "loss of step " + i);
    }
    assertArrayEquals(wf, w, 1e-5f, "w");
    assertArrayEquals(bf, b, 1e-5f, "b");
    assertTrue(graphLosses.get(STEPS - 1) < 0.05 * graphLosses.get(0),
        "the loss goes down: " + graphLosses);
  }

  @Test
  void badInputIsNamed() {
    Regression r = new Regression();
    try (r.graph) {
      GradientTransformation adam = Adam.of(0.05);
      IllegalArgumentException notScalar = assertThrows(IllegalArgumentException.class,
          () -> GraphMinimizer.of(backend, adam, r.graph, r.prediction, List.of(r.w)));
      assertTrue(notScalar.getMessage().contains("[64, 1]"), notScalar.getMessage());

      Variable<TFloat32> unused = r.tf.withName("unused").variable(r.tf.constant(new float[] {1}));
      IllegalArgumentException unreachable = assertThrows(IllegalArgumentException.class,
          () -> GraphMinimizer.of(backend, adam, r.graph, r.loss, List.of(r.w, unused)));
      assertTrue(unreachable.getMessage().contains("[unused]"), unreachable.getMessage());

      IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
          () -> GraphMinimizer.of(backend, adam, r.graph, r.loss, List.of(r.w, r.w)));
      assertTrue(twice.getMessage().contains("'w'"), twice.getMessage());

      try (Graph other = new Graph();
          Session otherSession = new Session(other);
          Session session = new Session(r.graph);
          GraphMinimizer minimizer =
              GraphMinimizer.of(backend, adam, r.graph, r.loss, List.of(r.w, r.b))) {
        IllegalArgumentException wrongSession = assertThrows(IllegalArgumentException.class,
            () -> minimizer.minimize(otherSession));
        assertTrue(wrongSession.getMessage().contains("another graph"), wrongSession.getMessage());
        session.initialize();
        IllegalArgumentException missingFeed = assertThrows(IllegalArgumentException.class,
            () -> minimizer.minimize(session));
        assertTrue(missingFeed.getMessage().contains("GraphMinimizer.minimize failed in TensorFlow"),
            missingFeed.getMessage());
        assertEquals(0, minimizer.steps());
      }
    }
  }
}
