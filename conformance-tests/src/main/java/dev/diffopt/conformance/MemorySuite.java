package dev.diffopt.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.meta.MetaSGD;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Long loops keep process memory flat: each iteration runs in its own {@link Scope}, and the
 * resident set size after the loop may exceed the size after a warm-up by at most {@value
 * #MAX_GROWTH_MB} MB.
 *
 * <p>Run the kit with a fixed, pre-touched Java heap ({@code -Xms} equal to {@code -Xmx}, and
 * {@code -XX:+AlwaysPreTouch}), as diffopt's own build does: the RSS then changes only with native
 * memory. With a resizable heap, growing and uncommitting the heap alone moves RSS by up to 100 MB
 * between two measurements (measured on the DJL backend), which would hide or fake a leak.
 */
public abstract class MemorySuite extends BackendSuite {
  private static final int WARMUP = 300;
  private static final int ITERATIONS = 2000;
  private static final int STAGED_ITERATIONS = 5000;
  private static final long MAX_GROWTH_MB = 20;

  private long residentAfter(Runnable loopBody, int iterations) {
    for (int i = 0; i < iterations; i++) {
      try (Scope s = backend().scope()) {
        loopBody.run();
      }
    }
    System.gc();
    OptionalLong rss = ProcessMemory.residentBytes();
    Assumptions.assumeTrue(rss.isPresent(), "skipped: /proc/self/status is not readable here");
    return rss.getAsLong();
  }

  private void assertFlat(Runnable loopBody, String what, int iterations) {
    long before = residentAfter(loopBody, WARMUP);
    long after = residentAfter(loopBody, iterations);
    long growthMb = (after - before) >> 20;
    System.out.printf(
        "%s: RSS %d MB after %d warm-up iterations, %d MB after %d more (growth %d MB)%n",
        what, before >> 20, WARMUP, after >> 20, iterations, growthMb);
    assertTrue(
        growthMb < MAX_GROWTH_MB,
        what + ": RSS grew by " + growthMb + " MB over " + iterations + " iterations (limit "
            + MAX_GROWTH_MB + " MB). If the heap is not fixed, the JVM's heap resizing alone moves"
            + " RSS by up to 100 MB: run the kit with -Xms equal to -Xmx and -XX:+AlwaysPreTouch");
  }

  @Test
  @DisplayName("MEM-01 2,000 double-backward meta-steps keep RSS growth under 20 MB")
  void doubleBackwardLoop() {
    require(Capability.HIGHER_ORDER);
    DType dtype = backend().has(Capability.FLOAT64) ? DType.FLOAT64 : DType.FLOAT32;
    List<Tensor> theta = Mlp.init(backend().ops(), dtype, 7, 1, 32, 32, 1);
    Tensor x = backend().ops().randomUniform(dev.diffopt.tensor.Shape.of(10, 1), dtype, -5, 5, 1);
    Tensor y = backend().ops().sin(x);
    Function<List<Tensor>, List<Tensor>> metaGradient =
        Mlp.metaGradient(backend(), x, y, x, y, 0.01);
    assertFlat(() -> backend().ops().toDoubleArray(metaGradient.apply(theta).get(0)),
        "double backward", ITERATIONS);
  }

  /**
   * One MAML meta-iteration as a function: the meta-gradient through one {@link MetaSGD} step on
   * a support set, then the outer SGD update of the meta-parameters.
   */
  private Function<List<Tensor>, List<Tensor>> mamlIteration(DType dtype) {
    TensorOps ops = backend().ops();
    Tensor xs = ops.randomUniform(dev.diffopt.tensor.Shape.of(10, 1), dtype, -5, 5, 2);
    Tensor xq = ops.randomUniform(dev.diffopt.tensor.Shape.of(10, 1), dtype, -5, 5, 3);
    Tensor ys = ops.sin(xs);
    Tensor yq = ops.sin(xq);
    Function<List<Tensor>, List<Tensor>> metaGradient = Mlp.metaGradient(backend(), xs, ys, xq, yq,
        0.01);
    return theta -> {
      List<Tensor> metaGrad = metaGradient.apply(theta);
      List<Tensor> next = new ArrayList<>();
      for (int i = 0; i < theta.size(); i++) {
        next.add(ops.sub(theta.get(i), ops.mul(metaGrad.get(i), 1e-3)));
      }
      return next;
    };
  }

  @Test
  @DisplayName("MEM-03 5,000 staged MAML meta-iterations keep RSS growth under 20 MB")
  void stagedMamlLoop() {
    require(Capability.HIGHER_ORDER);
    DType dtype = backend().has(Capability.FLOAT64) ? DType.FLOAT64 : DType.FLOAT32;
    List<List<Tensor>> theta = new ArrayList<>(List.of(
        Mlp.init(backend().ops(), dtype, 7, 1, 32, 32, 1)));
    Function<List<Tensor>, List<Tensor>> staged = backend().stage(mamlIteration(dtype));
    assertFlat(() -> {
      // the new meta-parameters outlive the iteration's scope; the previous ones are freed
      List<Tensor> next = Scope.current().detach(staged.apply(theta.get(0)));
      theta.set(0, next).forEach(Tensor::close);
    }, "staged MAML meta-iteration", STAGED_ITERATIONS);
    assertTrue(Double.isFinite(theta.get(0).get(0).toDoubleArray()[0]), "finite meta-parameters");
  }

  @Test
  @DisplayName("MEM-02 2,000 iterations of plain tensor ops keep RSS growth under 20 MB")
  void opsLoop() {
    TensorOps ops = backend().ops();
    Tensor a = ops.randomNormal(dev.diffopt.tensor.Shape.of(256, 256), DType.FLOAT32, 3);
    Runnable body = () -> ops.toFloatArray(ops.sum(ops.tanh(ops.matmul(a, a))));
    assertFlat(body, "tensor ops", ITERATIONS);
  }
}
