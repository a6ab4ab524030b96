package dev.diffopt.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.autodiff.ValueAndGrad;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tree.Trees;
import dev.diffopt.zeroorder.Sampler;
import dev.diffopt.zeroorder.ZeroOrder;
import dev.diffopt.zeroorder.ZeroOrder.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Zero-order gradient estimators ({@link ZeroOrder}) in float64 on quadratics, whose smoothed
 * gradient equals the analytic one, so every estimator is unbiased and its error is pure variance:
 * unbiasedness within a t-bound over independent seeds, error falling like 1/√n, antithetic
 * sampling beating naive sampling at an equal budget, the number of evaluations, reproducibility,
 * custom distributions, option validation and trees. The directions come from host-side seeded
 * generators, so every backend sees the same numbers and the statistical cases are deterministic.
 * Needs {@link Capability#FLOAT64}.
 *
 * <p>Ids are {@code ZO-*}.
 */
public abstract class ZeroOrderSuite extends BackendSuite {
  /** Bound on |mean error| / standard error per component: 4.5 is P ≈ 1e-4 under unbiasedness. */
  private static final double T_BOUND = 4.5;

  private TensorOps ops;

  @BeforeEach
  void requireFloat64() {
    require(Capability.FLOAT64);
    ops = backend().ops();
  }

  private Tensor vector(double... values) {
    return ops.fromDoubles(values, Shape.of(values.length), DType.FLOAT64);
  }

  /**
   * {@code f(x) = Σ ½ a x² + b x + c} with a diagonal Hessian {@code a}, built so that its gradient
   * at {@code theta} is {@code grad} and its value there is {@code value}.
   */
  private final class Quadratic implements Function<Tensor, Tensor> {
    final double[] theta;
    final double[] grad;
    private final Tensor halfA;
    private final Tensor b;
    private final Tensor c;

    Quadratic(double[] a, double[] theta, double[] grad, double value) {
      this.theta = theta;
      this.grad = grad;
      double[] half = new double[a.length];
      double[] bs = new double[a.length];
      double at = 0;
      for (int k = 0; k < a.length; k++) {
        half[k] = a[k] / 2;
        bs[k] = grad[k] - a[k] * theta[k];
        at += half[k] * theta[k] * theta[k] + bs[k] * theta[k];
      }
      this.halfA = vector(half);
      this.b = vector(bs);
      this.c = ops.scalar(value - at, DType.FLOAT64);
    }

    @Override
    public Tensor apply(Tensor x) {
      return ops.add(ops.sum(ops.mul(x, ops.add(ops.mul(halfA, x), b))), c);
    }

    Tensor params() {
      return vector(theta);
    }
  }

  /** A quadratic in {@code d} dimensions with curvatures in [0.5, 2] and gradient entries ±[0.5, 1.5]. */
  private Quadratic randomQuadratic(int d, double value, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] a = new double[d];
    double[] theta = new double[d];
    double[] grad = new double[d];
    for (int k = 0; k < d; k++) {
      a[k] = random.nextDouble(0.5, 2);
      theta[k] = random.nextDouble(-1, 1);
      grad[k] = (k % 2 == 0 ? 1 : -1) * random.nextDouble(0.5, 1.5);
    }
    return new Quadratic(a, theta, grad, value);
  }

  private static ZeroOrder zo(Method method, int n, double sigma, long seed) {
    return ZeroOrder.builder().method(method).numSamples(n).sigma(sigma).seed(seed).build();
  }

  /** The estimate at the quadratic's θ, copied to the host; the tensors are freed. */
  private double[] estimate(ZeroOrder zo, Quadratic f) {
    try (Scope scope = backend().scope()) {
      return ops.toDoubleArray(zo.grad(f, f.params()));
    }
  }

  /** {@code reps} estimates with seeds 1 … reps, as rows. */
  private double[][] estimates(ZeroOrder zo, Quadratic f, int reps) {
    double[][] out = new double[reps][];
    for (int r = 0; r < reps; r++) {
      out[r] = estimate(zo.withSeed(r + 1), f);
    }
    return out;
  }

  /** The largest |mean error| / standard error over the components of repeated estimates. */
  private static double maxT(double[][] rows, double[] truth, double scale) {
    int reps = rows.length;
    double worst = 0;
    for (int k = 0; k < truth.length; k++) {
      double mean = 0;
      for (double[] row : rows) {
        mean += scale * row[k] / reps;
      }
      double var = 0;
      for (double[] row : rows) {
        var += (scale * row[k] - mean) * (scale * row[k] - mean) / (reps - 1);
      }
      worst = Math.max(worst, Math.abs(mean - truth[k]) / Math.sqrt(var / reps));
    }
    return worst;
  }

  /** {@code sqrt(mean over rows of ‖row − truth‖²)}. */
  private static double rmsError(double[][] rows, double[] truth) {
    double sum = 0;
    for (double[] row : rows) {
      for (int k = 0; k < truth.length; k++) {
        sum += (row[k] - truth[k]) * (row[k] - truth[k]);
      }
    }
    return Math.sqrt(sum / rows.length);
  }

  @Test
  @DisplayName("ZO-UNBIASED-01 naive, antithetic and forward are unbiased within 4.5 standard errors")
  void unbiased() {
    // f(θ) = 0 keeps naive's variance comparable; 30 seeds x 20 samples per method
    Quadratic f = new Quadratic(
        new double[] {2, 1, 0.5, 3}, new double[] {0.5, -1, 2, 0.25},
        new double[] {1, -1, 1.5, -0.5}, 0);
    for (Method method : Method.values()) {
      double[][] rows = estimates(zo(method, 20, 0.1, 0), f, 30);
      double t = maxT(rows, f.grad, 1);
      assertTrue(t < T_BOUND, () -> String.format(Locale.ROOT,
          "%s: a mean error of %.2f standard errors means a biased estimator", method, t));
      // the check has power: an estimator off by a factor 2 (1/(nσ) for 1/(2nσ)) fails it
      double wrong = Math.min(maxT(rows, f.grad, 0.5), maxT(rows, f.grad, 2));
      assertTrue(wrong > T_BOUND, () -> String.format(Locale.ROOT,
          "%s: the bias check cannot tell a factor 2 (t = %.2f)", method, wrong));
    }
  }

  @Test
  @DisplayName("ZO-RATE-01 the RMS error falls like 1/sqrt(n): n = 32 has about half the error of n = 8")
  void errorFallsLikeOneOverRootN() {
    Quadratic f = randomQuadratic(16, 1.0, 7);
    for (Method method : Method.values()) {
      double few = rmsError(estimates(zo(method, 8, 0.1, 0), f, 12), f.grad);
      double many = rmsError(estimates(zo(method, 32, 0.1, 0), f, 12), f.grad);
      double ratio = many / few;
      assertTrue(ratio > 0.3 && ratio < 0.75, () -> String.format(Locale.ROOT,
          "%s: RMS error %.4f at n = 8 and %.4f at n = 32, ratio %.3f; 1/sqrt(n) gives 0.5",
          method, few, many, ratio));
    }
  }

  @Test
  @DisplayName("ZO-ANTITHETIC-01 with a large f(θ), antithetic and forward beat naive at equal budget")
  void antitheticBeatsNaive() {
    // naive's variance grows with (f(θ)/σ)², the others' does not
    Quadratic f = randomQuadratic(6, 50.0, 11);
    double naive = rmsError(estimates(zo(Method.NAIVE, 16, 0.1, 0), f, 4), f.grad);
    double antithetic = rmsError(estimates(zo(Method.ANTITHETIC, 8, 0.1, 0), f, 4), f.grad);
    double forward = rmsError(estimates(zo(Method.FORWARD, 15, 0.1, 0), f, 4), f.grad);
    String summary = String.format(Locale.ROOT,
        "RMS error with 16 evaluations: naive %.4f, antithetic %.4f, forward %.4f",
        naive, antithetic, forward);
    assertTrue(antithetic * 10 < naive, summary);
    assertTrue(forward * 10 < naive, summary);
  }

  @Test
  @DisplayName("ZO-EVALS-01 forward evaluates f n + 1 times; naive n and antithetic 2n (+1 for the value)")
  void evaluationCounts() {
    Quadratic q = randomQuadratic(3, 0.5, 3);
    AtomicInteger calls = new AtomicInteger();
    Function<Tensor, Tensor> f = x -> {
      calls.incrementAndGet();
      return q.apply(x);
    };
    Tensor theta = q.params();
    double expectedValue = ops.item(q.apply(theta));
    int n = 7;
    long[][] expected = {{n, n + 1}, {2 * n, 2 * n + 1}, {n + 1, n + 1}}; // NAIVE, ANTI, FORWARD
    for (Method method : Method.values()) {
      ZeroOrder zo = zo(method, n, 0.1, 5);
      calls.set(0);
      zo.grad(f, theta);
      assertEquals(expected[method.ordinal()][0], calls.get(), method + ": calls of grad");
      assertEquals(expected[method.ordinal()][0], zo.gradEvaluations(), method + ": gradEvaluations");
      calls.set(0);
      ValueAndGrad<Tensor> vg = zo.valueAndGrad(f, theta);
      assertEquals(expected[method.ordinal()][1], calls.get(), method + ": calls of valueAndGrad");
      assertEquals(expected[method.ordinal()][1], zo.valueAndGradEvaluations(),
          method + ": valueAndGradEvaluations");
      assertNotNull(vg.value(), method + ": value");
      assertEquals(expectedValue, ops.item(vg.value()), 0.0, method + ": the value is f(θ)");
      assertArrayEquals(ops.toDoubleArray(zo.grad(f, theta)), ops.toDoubleArray(vg.grad()), 0.0,
          method + ": valueAndGrad's gradient is grad's");
    }
  }

  @Test
  @DisplayName("ZO-SEED-01 the same seed gives the identical estimate, another seed a different one")
  void seeds() {
    Quadratic f = randomQuadratic(5, 0.0, 13);
    for (Method method : Method.values()) {
      ZeroOrder zo = zo(method, 4, 0.1, 42);
      double[] first = estimate(zo, f);
      assertArrayEquals(first, estimate(zo, f), 0.0, method + ": same seed");
      double[] other = estimate(zo.withSeed(43), f);
      double diff = 0;
      for (int k = 0; k < first.length; k++) {
        diff = Math.max(diff, Math.abs(first[k] - other[k]));
      }
      assertTrue(diff > 1e-3, method + ": seeds 42 and 43 gave the same estimate");
    }
    // two leaves of one shape get different directions: f = sum(x) + sum(y) has equal gradients
    Function<List<Tensor>, Tensor> f2 = p -> ops.add(ops.sum(p.get(0)), ops.sum(p.get(1)));
    List<Tensor> params = List.of(vector(0, 0, 0), vector(0, 0, 0));
    List<Tensor> g = zo(Method.NAIVE, 1, 0.1, 1).grad(f2, params);
    assertTrue(!java.util.Arrays.equals(ops.toDoubleArray(g.get(0)), ops.toDoubleArray(g.get(1))),
        "both leaves were perturbed along the same direction");
  }

  @Test
  @DisplayName("ZO-DIST-01 a custom distribution is used with the documented seeds; Rademacher is exact in 1-d")
  void customDistribution() {
    List<Long> seeds = new ArrayList<>();
    List<Shape> shapes = new ArrayList<>();
    Sampler recording = (o, shape, dtype, seed) -> {
      seeds.add(seed);
      shapes.add(shape);
      assertEquals(DType.FLOAT64, dtype, "the sampler is asked for the leaf's dtype");
      return Sampler.RADEMACHER.sample(o, shape, dtype, seed);
    };
    // f(θ) = 3θ + θ² at θ = 0.5: antithetic with z = ±1 gives (f(θ+σ) − f(θ−σ))/(2σ) = f'(θ) = 4
    Function<Tensor, Tensor> f = x -> ops.sum(ops.add(ops.mul(x, 3.0), ops.square(x)));
    Tensor theta = vector(0.5);
    ZeroOrder rademacher = ZeroOrder.builder().method(Method.ANTITHETIC).numSamples(5).sigma(0.3)
        .seed(9).distribution(recording).build();
    assertEquals(4.0, ops.item(rademacher.grad(f, theta)), 1e-12, "Rademacher, 1-d, antithetic");
    assertEquals(5, seeds.size(), "one direction per sample and leaf");
    for (int i = 0; i < 5; i++) {
      assertEquals(ZeroOrder.sampleSeed(9, i, 0), seeds.get(i), "seed of sample " + i);
      assertEquals(Shape.of(1), shapes.get(i), "shape of sample " + i);
    }
    assertEquals(5, new HashSet<>(seeds).size(), "every sample has its own seed");
    double normal = ops.item(rademacher.toBuilder().distribution(Sampler.STANDARD_NORMAL).build()
        .grad(f, theta));
    assertTrue(Math.abs(normal - 4.0) > 1e-3,
        "the standard normal gave the exact 4.0 too, so the distribution was not used");
    // a tree with two leaves asks for one direction per leaf, with that leaf's shape
    seeds.clear();
    shapes.clear();
    rademacher.grad(p -> ops.add(ops.sum(p.get(0)), ops.sum(p.get(1))),
        List.of(vector(1, 2), ops.zeros(Shape.of(2, 3), DType.FLOAT64)));
    assertEquals(10, seeds.size(), "5 samples x 2 leaves");
    assertEquals(ZeroOrder.sampleSeed(9, 2, 1), seeds.get(5), "sample 2, leaf 1");
    assertEquals(Shape.of(2, 3), shapes.get(5), "leaf 1's shape");
  }

  private static void assertMessage(Executable body, Class<? extends Throwable> type,
      String... fragments) {
    Throwable e = assertThrows(type, body);
    String message = String.valueOf(e.getMessage());
    for (String fragment : fragments) {
      assertTrue(message.contains(fragment),
          () -> "message '" + message + "' does not name '" + fragment + "'");
    }
  }

  @Test
  @DisplayName("ZO-ERR-01 bad options and bad input give IllegalArgumentException naming the value")
  void badOptions() {
    assertMessage(() -> ZeroOrder.builder().numSamples(0).build(),
        IllegalArgumentException.class, "numSamples", "0");
    assertMessage(() -> ZeroOrder.builder().numSamples(-3).build(),
        IllegalArgumentException.class, "numSamples", "-3");
    for (double sigma : new double[] {0, -0.5, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertMessage(() -> ZeroOrder.builder().sigma(sigma).build(),
          IllegalArgumentException.class, "sigma", String.valueOf(sigma));
    }
    assertMessage(() -> ZeroOrder.builder().method(null).build(),
        NullPointerException.class, "method");
    assertMessage(() -> ZeroOrder.builder().distribution(null).build(),
        NullPointerException.class, "distribution");
    ZeroOrder zo = zo(Method.FORWARD, 2, 0.1, 0);
    assertMessage(() -> zo.grad(x -> x, vector(1, 2)),
        IllegalArgumentException.class, "one-element", Shape.of(2).toString());
    assertMessage(() -> zo.grad(x -> ops.sum(x), ops.zeros(Shape.of(2), DType.INT64)),
        IllegalArgumentException.class, "floating", "INT64");
    Sampler wrong = (o, shape, dtype, seed) -> o.zeros(Shape.of(3), dtype);
    assertMessage(() -> zo.toBuilder().distribution(wrong).build().grad(x -> ops.sum(x), vector(1)),
        IllegalArgumentException.class, "shape", Shape.of(3).toString());
    ZeroOrder ok = zo.toBuilder().numSamples(1).sigma(1e-3).build();
    assertEquals(1, ok.numSamples(), "valid options build");
  }

  @Test
  @DisplayName("ZO-TREE-01 a Map/List tree with a float32 leaf keeps its structure and is estimated leaf by leaf")
  void tree() {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("w", ops.fromDoubles(new double[] {1, -1, 0.5, 2, 0, -2}, Shape.of(2, 3),
        DType.FLOAT64));
    params.put("rest", List.of(
        ops.fromDoubles(new double[] {0.5, -0.5, 1, 1.5}, Shape.of(4), DType.FLOAT32),
        ops.scalar(0.25, DType.FLOAT64)));
    // f = Σ w² + Σ c·v + 3 s: gradient 2w, c, 3
    Tensor c = ops.fromDoubles(new double[] {1, -2, 0.5, 1}, Shape.of(4), DType.FLOAT64);
    @SuppressWarnings("unchecked")
    Function<Map<String, Object>, Tensor> f = p -> {
      Tensor w = (Tensor) p.get("w");
      List<Tensor> rest = (List<Tensor>) p.get("rest");
      Tensor v = ops.cast(rest.get(0), DType.FLOAT64);
      return ops.add(ops.add(ops.sum(ops.square(w)), ops.vdot(c, v)), ops.mul(rest.get(1), 3.0));
    };
    ZeroOrder zo = zo(Method.ANTITHETIC, 100, 0.05, 21);
    Map<String, Object> g = zo.grad(f, params);
    assertEquals(Trees.structure(params), Trees.structure(g), "the structure is kept");
    List<Tensor> pl = Trees.leaves(params).stream().map(Tensor.class::cast).toList();
    List<Tensor> gl = Trees.leaves(g).stream().map(Tensor.class::cast).toList();
    for (int i = 0; i < pl.size(); i++) {
      assertEquals(pl.get(i).shape(), gl.get(i).shape(), "shape of leaf " + i);
      assertEquals(pl.get(i).dtype(), gl.get(i).dtype(), "dtype of leaf " + i);
    }
    double[] truth = {2, -2, 1, 4, 0, -4, 1, -2, 0.5, 1, 3};
    double dot = 0;
    double normG = 0;
    double normT = 0;
    int k = 0;
    for (Tensor leaf : gl) {
      for (double v : ops.toDoubleArray(leaf)) {
        dot += v * truth[k];
        normG += v * v;
        normT += truth[k] * truth[k];
        k++;
      }
    }
    double cosine = dot / Math.sqrt(normG * normT);
    // relative error ≈ sqrt((d + 1) / n) ≈ 0.35, so the cosine is ≈ 0.94
    assertTrue(cosine > 0.8, "cosine with the true gradient " + cosine);
    // a flat list of the same leaves gets the same directions, leaf by leaf
    Function<List<Tensor>, Tensor> flat = p -> f.apply(Map.of("w", p.get(0),
        "rest", List.of(p.get(1), p.get(2))));
    List<Tensor> gList = zo.grad(flat, pl);
    for (int i = 0; i < gl.size(); i++) {
      assertArrayEquals(ops.toDoubleArray(gl.get(i)), ops.toDoubleArray(gList.get(i)), 0.0,
          "leaf " + i + " of the tree and of the list");
    }
  }

  @Test
  @DisplayName("ZO-SCOPE-01 an estimate leaves only its result in the caller's scope, whatever n")
  void scopeStaysFlat() {
    Quadratic f = randomQuadratic(4, 1.0, 17);
    Tensor theta = f.params();
    Scope scope = Scope.current();
    for (Method method : Method.values()) {
      int before = scope.size();
      Set<Tensor> kept = new HashSet<>();
      kept.add(zo(method, 40, 0.1, 3).grad(f, theta));
      assertEquals(before + 1, scope.size(), method + ": tensors left in the caller's scope");
      ValueAndGrad<Tensor> vg = zo(method, 40, 0.1, 3).valueAndGrad(f, theta);
      assertEquals(before + 3, scope.size(), method + ": value and gradient only");
      assertTrue(!vg.value().isClosed() && !vg.grad().isClosed(), method + ": results are open");
      assertTrue(kept.stream().noneMatch(Tensor::isClosed), method + ": grad result is open");
    }
  }
}
