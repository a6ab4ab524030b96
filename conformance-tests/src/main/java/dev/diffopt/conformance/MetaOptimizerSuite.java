package dev.diffopt.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.meta.MetaAdam;
import dev.diffopt.meta.MetaOptimizer;
import dev.diffopt.meta.MetaSGD;
import dev.diffopt.meta.MetaSnapshot;
import dev.diffopt.meta.MetaStates;
import dev.diffopt.optim.Adam;
import dev.diffopt.optim.Optimizers;
import dev.diffopt.optim.Sgd;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tree.TreeMismatchException;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link MetaOptimizer}: meta-gradients through unrolled SGD, momentum and Adam inner loops
 * against central finite differences (float64), the first-order mode, snapshots, stop-gradient and
 * copies. The golden {@code meta.json} cases run in {@code GoldenSuite}.
 */
public abstract class MetaOptimizerSuite extends BackendSuite {
  private static final int INNER_STEPS = 3;

  private TensorOps ops() {
    return backend().ops();
  }

  private Autodiff ad() {
    return backend().autodiff();
  }

  private Tensor data(long seed, int rows) {
    return ops().randomUniform(Shape.of(rows, 1), DType.FLOAT64, -2, 2, seed);
  }

  /** A small sinusoid task: support and query inputs and targets. */
  private record Task(Tensor xs, Tensor ys, Tensor xq, Tensor yq) {}

  private Task task() {
    Tensor xs = data(11, 6);
    Tensor xq = data(12, 6);
    return new Task(xs, ops().sin(xs), xq, ops().sin(xq));
  }

  private Tensor taskLoss(List<Tensor> p, Tensor x, Tensor y) {
    return Mlp.mse(ops(), Mlp.forward(ops(), p, x, ops()::tanh), y);
  }

  /** The query loss after {@value #INNER_STEPS} inner steps of {@code inner(θ)}. */
  private Tensor queryLoss(Function<List<Tensor>, MetaOptimizer<List<Tensor>>> inner,
      List<Tensor> theta, Task t) {
    MetaOptimizer<List<Tensor>> opt = inner.apply(theta);
    for (int k = 0; k < INNER_STEPS; k++) {
      opt.step(p -> taskLoss(p, t.xs(), t.ys()));
    }
    return taskLoss(opt.params(), t.xq(), t.yq());
  }

  private void metaGradientMatchesFiniteDifferences(
      Function<List<Tensor>, MetaOptimizer<List<Tensor>>> inner, String what) {
    require(Capability.HIGHER_ORDER);
    require(Capability.FLOAT64);
    List<Tensor> theta = Mlp.init(ops(), DType.FLOAT64, 31, 1, 6, 1);
    Task t = task();
    List<Tensor> meta = ad().grad(p -> queryLoss(inner, p, t), theta);
    List<double[]> expected = FiniteDifferences.gradient(ops(), p -> queryLoss(inner, p, t), theta);
    FiniteDifferences.assertClose(ops(), meta, expected, 1e-5, 1e-7, what);
  }

  @Test
  @DisplayName("META-SGD-01 meta-gradient through 3 MetaSGD steps against finite differences")
  void sgd() {
    metaGradientMatchesFiniteDifferences(p -> MetaSGD.of(backend(), p, 0.1), "MetaSGD");
  }

  @Test
  @DisplayName("META-MOMENTUM-01 meta-gradient through 3 SGD steps with Nesterov momentum")
  void momentum() {
    Sgd.Options o = Sgd.Options.builder().lr(0.1).momentum(0.9).nesterov(true).build();
    metaGradientMatchesFiniteDifferences(p -> MetaSGD.of(backend(), p, o), "MetaSGD momentum");
  }

  @Test
  @DisplayName("META-ADAM-01 meta-gradient through 3 MetaAdam steps (epsRoot) against FD")
  void adam() {
    Adam.Options o = Adam.Options.builder().lr(0.05).epsRoot(1e-8).build();
    metaGradientMatchesFiniteDifferences(p -> MetaAdam.of(backend(), p, o), "MetaAdam");
  }

  @Test
  @DisplayName("META-FO-01 first-order mode: the meta-gradient is the query gradient at θ_K")
  void firstOrder() {
    require(Capability.AUTODIFF);
    require(Capability.FLOAT64);
    List<Tensor> theta = Mlp.init(ops(), DType.FLOAT64, 32, 1, 6, 1);
    Task t = task();
    List<Tensor> fomaml = ad().grad(p -> queryLoss(
        q -> MetaOptimizer.firstOrder(backend(), Optimizers.sgd(0.1), q), p, t), theta);
    MetaOptimizer<List<Tensor>> plain =
        MetaOptimizer.firstOrder(backend(), Optimizers.sgd(0.1), theta);
    for (int k = 0; k < INNER_STEPS; k++) {
      plain.step(p -> taskLoss(p, t.xs(), t.ys()));
    }
    List<Tensor> atEnd = ad().grad(p -> taskLoss(p, t.xq(), t.yq()),
        MetaStates.stopGradient(ad(), plain.params()));
    for (int i = 0; i < theta.size(); i++) {
      assertArrayEquals(atEnd.get(i).toDoubleArray(), fomaml.get(i).toDoubleArray(), 1e-12,
          "leaf " + i);
    }
    assertTrue(plain.isFirstOrder());
  }

  @Test
  @DisplayName("META-SNAPSHOT-01 restoring a snapshot resets the inner loop for the next task")
  void snapshotRestore() {
    require(Capability.HIGHER_ORDER);
    require(Capability.FLOAT64);
    List<Tensor> theta = Mlp.init(ops(), DType.FLOAT64, 33, 1, 6, 1);
    Task t = task();
    List<Tensor> viaSnapshots = ad().grad(p -> {
      MetaOptimizer<List<Tensor>> opt = MetaAdam.of(backend(), p, 0.05);
      MetaSnapshot<List<Tensor>> start = opt.snapshot();
      Tensor total = null;
      for (int task = 0; task < 2; task++) {
        opt.restore(start);
        for (int k = 0; k < INNER_STEPS; k++) {
          opt.step(q -> taskLoss(q, t.xs(), t.ys()));
        }
        Tensor l = taskLoss(opt.params(), t.xq(), t.yq());
        total = total == null ? l : ops().add(total, l);
      }
      return total;
    }, theta);
    List<Tensor> fresh = ad().grad(
        p -> ops().mul(queryLoss(q -> MetaAdam.of(backend(), q, 0.05), p, t), 2.0), theta);
    for (int i = 0; i < theta.size(); i++) {
      assertArrayEquals(fresh.get(i).toDoubleArray(), viaSnapshots.get(i).toDoubleArray(), 1e-12,
          "leaf " + i);
    }
  }

  @Test
  @DisplayName("META-STOP-01 stopGradient cuts the graph: earlier steps get no meta-gradient")
  void stopGradient() {
    require(Capability.HIGHER_ORDER);
    List<Tensor> theta = Mlp.init(ops(), DType.FLOAT64, 34, 1, 4, 1);
    Task t = task();
    List<Tensor> g = ad().grad(p -> {
      MetaOptimizer<List<Tensor>> opt = MetaSGD.of(backend(), p, 0.1);
      opt.step(q -> taskLoss(q, t.xs(), t.ys()));
      opt.stopGradient();
      opt.step(q -> taskLoss(q, t.xs(), t.ys()));
      return taskLoss(opt.params(), t.xq(), t.yq());
    }, theta);
    for (Tensor leaf : g) {
      for (double v : leaf.toDoubleArray()) {
        assertEquals(0.0, v, 0.0, "no gradient crosses stopGradient");
      }
    }
  }

  @Test
  @DisplayName("META-COPY-01 MetaStates.copy makes new tensors that still carry gradients")
  void copy() {
    require(Capability.AUTODIFF);
    Tensor x = ops().fromDoubles(new double[] {1.5, -2}, Shape.of(2), DType.FLOAT64);
    List<Tensor> copied = MetaStates.copy(ops(), List.of(x));
    assertNotSame(x, copied.get(0));
    assertArrayEquals(x.toDoubleArray(), copied.get(0).toDoubleArray(), 0);
    Tensor g = ad().grad((Tensor p) -> ops().sum(ops().square(MetaStates.copy(ops(), p))), x);
    assertArrayEquals(new double[] {3, -4}, g.toDoubleArray(), 1e-12);
  }

  @Test
  @DisplayName("META-ERR-01 bad arguments: null loss, a snapshot of another structure")
  void badArguments() {
    require(Capability.HIGHER_ORDER);
    List<Tensor> theta = Mlp.init(ops(), DType.FLOAT64, 35, 1, 4, 1);
    MetaOptimizer<List<Tensor>> opt = MetaSGD.of(backend(), theta, 0.1);
    assertThrows(NullPointerException.class, () -> opt.step(null));
    MetaOptimizer<List<Tensor>> other = MetaSGD.of(backend(), theta.subList(0, 2), 0.1);
    TreeMismatchException e = assertThrows(TreeMismatchException.class,
        () -> opt.restore(other.snapshot()));
    assertTrue(e.getMessage().contains("snapshot"), e.getMessage());
  }
}
