package dev.diffopt.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.schedule.Schedule;
import dev.diffopt.schedule.Schedules;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.AddDecayedWeights;
import dev.diffopt.transform.AddDecayedWeightsByTensor;
import dev.diffopt.transform.Chain;
import dev.diffopt.transform.ClipByGlobalNorm;
import dev.diffopt.transform.ClipByValue;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Identity;
import dev.diffopt.transform.InjectHyperparams;
import dev.diffopt.transform.Masked;
import dev.diffopt.transform.MultiSteps;
import dev.diffopt.transform.NanToNum;
import dev.diffopt.transform.Partition;
import dev.diffopt.transform.Scale;
import dev.diffopt.transform.ScaleByAdam;
import dev.diffopt.transform.ScaleByLearningRate;
import dev.diffopt.transform.ScaleBySchedule;
import dev.diffopt.transform.ScaleByTensor;
import dev.diffopt.transform.Step;
import dev.diffopt.transform.Updates;
import dev.diffopt.tree.Trees;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.opentest4j.AssertionFailedError;

/**
 * The structural transformations and their helpers — {@link ScaleBySchedule}, {@link ClipByValue},
 * {@link NanToNum}, {@link ClipByGlobalNorm} (PyTorch and optax variants), {@link Masked}, {@link
 * Partition}, {@link MultiSteps}, {@link InjectHyperparams}, {@link ScaleByTensor} and {@link
 * AddDecayedWeightsByTensor} — on the backend against values computed in Java, unmasked runs of
 * the inner transformation and finite differences. Runs in FLOAT64 where the backend has it
 * (tolerance 1e-12), otherwise in FLOAT32 (1e-5); gradient cases need {@link Capability#AUTODIFF}
 * and {@link Capability#FLOAT64}.
 */
public abstract class StructuralTransformsSuite extends BackendSuite {
  private TensorOps ops;
  private DType dtype;
  private double tol;

  @BeforeEach
  void setUpOps() {
    ops = backend().ops();
    dtype = backend().has(Capability.FLOAT64) ? DType.FLOAT64 : DType.FLOAT32;
    tol = dtype == DType.FLOAT64 ? 1e-12 : 1e-5;
  }

  // ------------------------------------------------------------------ helpers

  private Tensor vec(double... values) {
    return ops.fromDoubles(values, Shape.of(values.length), dtype);
  }

  private Tensor mat(int rows, int cols, double... values) {
    return ops.fromDoubles(values, Shape.of(rows, cols), dtype);
  }

  private Tensor random(long seed, long... dims) {
    return ops.randomNormal(Shape.of(dims), dtype, seed);
  }

  /** Float64 samples, for the finite-difference cases (which require FLOAT64). */
  private Tensor random64(long seed, long... dims) {
    return ops.randomNormal(Shape.of(dims), DType.FLOAT64, seed);
  }

  private static double[] values(Object tensor) {
    return ((Tensor) tensor).toDoubleArray();
  }

  private static double[] map(double[] x, java.util.function.DoubleUnaryOperator f) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = f.applyAsDouble(x[i]);
    }
    return out;
  }

  private void assertValues(double[] expected, Object actual, String what) {
    double[] a = values(actual);
    assertEquals(expected.length, a.length, what + ": number of elements");
    for (int i = 0; i < a.length; i++) {
      double e = expected[i];
      boolean ok =
          Double.isNaN(e) ? Double.isNaN(a[i])
              : Double.isInfinite(e) ? e == a[i]
              : Math.abs(a[i] - e) <= tol * (1 + Math.abs(e));
      if (!ok) {
        throw new AssertionFailedError(
            what + ": element " + i + " is " + a[i] + ", expected " + e + " (tolerance " + tol
                + ")");
      }
    }
  }

  /** Every leaf of {@code actual} close to the same leaf of {@code expected}. */
  private void assertTreeClose(Object expected, Object actual, String what) {
    assertEquals(Trees.structure(expected), Trees.structure(actual), what + ": structure");
    List<Object> e = Trees.leaves(expected);
    List<Object> a = Trees.leaves(actual);
    for (int i = 0; i < e.size(); i++) {
      assertValues(values(e.get(i)), a.get(i), what + ": leaf " + Trees.paths(expected).get(i));
    }
  }

  private static void expectBad(Executable call, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "message should contain '" + f + "': " + e.getMessage());
    }
  }

  private static ScaleByAdam adam() {
    return new ScaleByAdam(0.9, 0.999, 1e-8, 0.0, false);
  }

  private static Map<String, Object> map2(String k1, Object v1, String k2, Object v2) {
    Map<String, Object> m = new TreeMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  // ------------------------------------------------------------------ scaleBySchedule

  @Test
  @DisplayName("TR-SCHED-01 scaleBySchedule multiplies by s(t) without flipping the sign; t in the state")
  void scaleBySchedule() {
    Schedule s = Schedules.linear(1.0, 0.0, 4);
    ScaleBySchedule tx = new ScaleBySchedule(s);
    Map<String, Object> g = map2("a", vec(1, -2, 3), "b", vec(0.5));
    Object state = tx.init(g);
    for (int t = 0; t < 6; t++) {
      double factor = 1 - Math.min(t, 4) / 4.0;
      Step<Map<String, Object>> step = tx.update(g, state);
      assertValues(new double[] {factor, -2 * factor, 3 * factor}, step.updates().get("a"), "a at " + t);
      assertValues(new double[] {0.5 * factor}, step.updates().get("b"), "b at " + t);
      state = step.state();
      assertEquals(t + 1, ((ScaleBySchedule.State) state).count().item(), "count after " + t);
    }
  }

  // ------------------------------------------------------------------ clipByValue / nanToNum

  @Test
  @DisplayName("TR-CLIPV-01 clipByValue clamps to [min, max]; symmetric and half-infinite intervals")
  void clipByValue() {
    Tensor g = vec(-2, -0.5, 0, 0.7, 1, 3);
    Step<Tensor> step = new ClipByValue(-0.5, 1.0).update(g, new ClipByValue.State());
    assertValues(new double[] {-0.5, -0.5, 0, 0.7, 1, 1}, step.updates(), "[-0.5, 1]");
    ClipByValue sym = ClipByValue.symmetric(1.0);
    assertValues(new double[] {-1, -0.5, 0, 0.7, 1, 1},
        sym.update(g, sym.init(g)).updates(), "[-1, 1]");
    ClipByValue upper = new ClipByValue(Double.NEGATIVE_INFINITY, 0.5);
    assertValues(new double[] {-2, -0.5, 0, 0.5, 0.5, 0.5},
        upper.update(g, upper.init(g)).updates(), "(-inf, 0.5]");
  }

  @Test
  @DisplayName("TR-NAN-01 nanToNum replaces NaN, +Inf and -Inf by the given values")
  void nanToNumExplicit() {
    double inf = Double.POSITIVE_INFINITY;
    Tensor g = vec(Double.NaN, inf, -inf, 0.5, -7);
    NanToNum tx = NanToNum.of(1, 2, -3);
    assertValues(new double[] {1, 2, -3, 0.5, -7}, tx.update(g, tx.init(g)).updates(), "of(1, 2, -3)");
    NanToNum zero = NanToNum.zeroNans();
    assertValues(new double[] {0, inf, -inf, 0.5, -7}, zero.update(g, zero.init(g)).updates(),
        "zeroNans keeps infinities");
  }

  @Test
  @DisplayName("TR-NAN-02 nanToNum defaults: NaN -> 0, +-Inf -> the dtype's largest finite values")
  void nanToNumDefaults() {
    double inf = Double.POSITIVE_INFINITY;
    NanToNum tx = NanToNum.defaults();
    Tensor f32 = ops.fromDoubles(new double[] {Double.NaN, inf, -inf, 2}, Shape.of(4), DType.FLOAT32);
    double[] out = values(tx.update(f32, tx.init(f32)).updates());
    assertEquals(0.0, out[0]);
    assertEquals(Float.MAX_VALUE, out[1]);
    assertEquals(-Float.MAX_VALUE, out[2]);
    assertEquals(2.0, out[3]);
    if (backend().has(Capability.FLOAT64)) {
      Tensor f64 = ops.fromDoubles(new double[] {Double.NaN, inf, -inf, 2}, Shape.of(4), DType.FLOAT64);
      double[] o64 = values(tx.update(f64, tx.init(f64)).updates());
      assertEquals(Double.MAX_VALUE, o64[1]);
      assertEquals(-Double.MAX_VALUE, o64[2]);
    }
  }

  @Test
  @DisplayName("TR-NAN-03 nanToNum and clipByValue pass the gradient through kept elements")
  void nanToNumGradient() {
    require(Capability.AUTODIFF);
    Autodiff ad = backend().autodiff();
    Tensor w = vec(1, 2, 3, 4);
    Tensor x = vec(0.3, -0.2, 5, -5);
    NanToNum nan = NanToNum.of(0, 1, -1);
    Tensor g = ad.grad(p -> ops.sum(ops.mul(nan.update(p, nan.init(p)).updates(), w)), x);
    assertValues(new double[] {1, 2, 3, 4}, g, "d nanToNum");
    ClipByValue clip = new ClipByValue(-1, 1);
    Tensor gc = ad.grad(p -> ops.sum(ops.mul(clip.update(p, clip.init(p)).updates(), w)), x);
    assertValues(new double[] {1, 2, 0, 0}, gc, "d clipByValue");
  }

  // ------------------------------------------------------------------ clipByGlobalNorm

  private Map<String, Object> clipUpdates() {
    return map2("w", mat(2, 2, 3, -4, 1, 2), "b", vec(12));
  }

  private static final double CLIP_NORM = Math.sqrt(9 + 16 + 1 + 4 + 144);

  @Test
  @DisplayName("TR-GNORM-01 clipByGlobalNorm (PyTorch): scale = min(1, max/(norm + 1e-6)) over all leaves")
  void clipTorch() {
    Map<String, Object> g = clipUpdates();
    ClipByGlobalNorm tx = ClipByGlobalNorm.of(1.0);
    assertEquals(ClipByGlobalNorm.TORCH_EPS, tx.eps());
    Step<Map<String, Object>> step = tx.update(g, tx.init(g));
    double scale = 1.0 / (CLIP_NORM + 1e-6);
    assertValues(map(new double[] {3, -4, 1, 2}, v -> v * scale), step.updates().get("w"), "w");
    assertValues(new double[] {12 * scale}, step.updates().get("b"), "b");
    ClipByGlobalNorm loose = ClipByGlobalNorm.of(100.0);
    assertTreeClose(g, loose.update(g, loose.init(g)).updates(), "norm below maxNorm: unchanged");
  }

  @Test
  @DisplayName("TR-GNORM-02 clipByGlobalNorm (optax): unchanged below maxNorm, else u*max/norm")
  void clipOptax() {
    Map<String, Object> g = clipUpdates();
    ClipByGlobalNorm tx = ClipByGlobalNorm.optax(2.0);
    assertEquals(0.0, tx.eps());
    Step<Map<String, Object>> step = tx.update(g, tx.init(g));
    double scale = 2.0 / CLIP_NORM;
    assertValues(map(new double[] {3, -4, 1, 2}, v -> v * scale), step.updates().get("w"), "w");
    assertValues(new double[] {12 * scale}, step.updates().get("b"), "b");
    ClipByGlobalNorm loose = ClipByGlobalNorm.optax(100.0);
    assertTreeClose(g, loose.update(g, loose.init(g)).updates(), "norm below maxNorm: unchanged");
  }

  @Test
  @DisplayName("TR-GNORM-03 the variants differ as documented at norm == maxNorm; zero updates stay zero")
  void clipVariantsAtTheBoundary() {
    Tensor g = vec(3, 4);
    ClipByGlobalNorm torch = ClipByGlobalNorm.of(5.0);
    ClipByGlobalNorm optax = ClipByGlobalNorm.optax(5.0);
    double s = 5.0 / (5.0 + 1e-6);
    assertValues(new double[] {3 * s, 4 * s}, torch.update(g, torch.init(g)).updates(), "torch");
    assertValues(new double[] {3, 4}, optax.update(g, optax.init(g)).updates(), "optax");
    if (dtype == DType.FLOAT64) {
      assertNotEquals(3.0, values(torch.update(g, torch.init(g)).updates())[0], "torch scales");
    }
    Tensor zero = vec(0, 0, 0);
    assertValues(new double[] {0, 0, 0}, torch.update(zero, torch.init(zero)).updates(), "zero, torch");
    assertValues(new double[] {0, 0, 0}, optax.update(zero, optax.init(zero)).updates(), "zero, optax");
  }

  @Test
  @DisplayName("TR-GNORM-04 clipByGlobalNorm is differentiable: gradient of both variants matches finite differences")
  void clipGradient() {
    require(Capability.AUTODIFF);
    require(Capability.FLOAT64);
    Autodiff ad = backend().autodiff();
    Map<String, Object> g = map2("w", random64(41, 2, 3), "b", random64(42, 3));
    Map<String, Object> w = map2("w", random64(43, 2, 3), "b", random64(44, 3));
    for (ClipByGlobalNorm tx : List.of(ClipByGlobalNorm.of(0.5), ClipByGlobalNorm.optax(0.5),
        ClipByGlobalNorm.of(50), ClipByGlobalNorm.optax(50))) {
      Function<Map<String, Object>, Tensor> f = u -> {
        Map<String, Object> out = tx.update(u, tx.init(u)).updates();
        Tensor total = null;
        for (String k : List.of("b", "w")) {
          Tensor term = ops.vdot((Tensor) out.get(k), (Tensor) w.get(k));
          total = total == null ? term : ops.add(total, term);
        }
        return total;
      };
      FiniteDifferences.assertClose(ops, ad.grad(f, g), FiniteDifferences.gradient(ops, f, g),
          1e-6, 1e-7, tx.toString());
    }
  }

  // ------------------------------------------------------------------ masked

  @Test
  @DisplayName("TR-MASK-01 masked with a Map mask and a prefix mask: unselected leaves pass through")
  void maskedMap() {
    Map<String, Object> g = map2("w", mat(2, 2, 1, 2, 3, 4), "b", vec(5, 6));
    Masked m = Masked.of(new Scale(2.0), map2("w", true, "b", false));
    Step<Map<String, Object>> step = m.update(g, m.init(g));
    assertValues(new double[] {2, 4, 6, 8}, step.updates().get("w"), "w doubled");
    assertSame(g.get("b"), step.updates().get("b"), "b passed through");

    Map<String, Object> nested =
        map2("enc", map2("w", vec(1, 2), "b", vec(3)), "dec", map2("w", vec(4), "b", vec(5)));
    Masked prefix = Masked.of(new Scale(-1.0), map2("enc", true, "dec", false));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> out =
        (Map<String, Map<String, Object>>) (Object) prefix.update(nested, prefix.init(nested)).updates();
    assertValues(new double[] {-1, -2}, out.get("enc").get("w"), "enc.w negated");
    assertValues(new double[] {-3}, out.get("enc").get("b"), "enc.b negated");
    assertValues(new double[] {4}, out.get("dec").get("w"), "dec.w kept");
    assertValues(new double[] {5}, out.get("dec").get("b"), "dec.b kept");
  }

  @Test
  @DisplayName("TR-MASK-02 masked Adam on a List tree equals Adam on the selected leaves; its state holds null elsewhere")
  void maskedListAdam() {
    List<Tensor> params = List.of(random(1, 3), random(2, 2, 2), random(3, 4));
    Masked m = Masked.of(adam(), List.of(true, false, true));
    Object state = m.init(params);
    ScaleByAdam.State inner = (ScaleByAdam.State) ((Masked.State) state).inner();
    List<?> mu = (List<?>) inner.mu();
    assertEquals(3, mu.size());
    assertNull(mu.get(1), "no moment for the unselected leaf");
    ScaleByAdam plain = adam();
    List<Tensor> selectedParams = List.of(params.get(0), params.get(2));
    Object plainState = plain.init(selectedParams);
    for (int step = 0; step < 3; step++) {
      List<Tensor> g = List.of(random(10 + step, 3), random(20 + step, 2, 2), random(30 + step, 4));
      Step<List<Tensor>> out = m.update(g, state, params);
      Step<List<Tensor>> ref = plain.update(List.of(g.get(0), g.get(2)), plainState, selectedParams);
      assertValues(values(ref.updates().get(0)), out.updates().get(0), "leaf 0 at step " + step);
      assertValues(values(ref.updates().get(1)), out.updates().get(2), "leaf 2 at step " + step);
      assertSame(g.get(1), out.updates().get(1), "leaf 1 passed through at step " + step);
      state = out.state();
      plainState = ref.state();
    }
    assertEquals(3.0, ((ScaleByAdam.State) ((Masked.State) state).inner()).count().item());
  }

  @Test
  @DisplayName("TR-MASK-03 masked by a leaf predicate and by a function of the tree (paths)")
  void maskedPredicateAndFunction() {
    Map<String, Object> params = map2("w", mat(2, 2, 1, 1, 1, 1), "bias", vec(1, 1));
    Map<String, Object> g = map2("w", mat(2, 2, 1, 2, 3, 4), "bias", vec(5, 6));
    Masked decay = Masked.where(new AddDecayedWeights(0.5, null), t -> t.shape().rank() > 1);
    Step<Map<String, Object>> step = decay.update(g, decay.init(params), params);
    assertValues(new double[] {1.5, 2.5, 3.5, 4.5}, step.updates().get("w"), "w decayed");
    assertValues(new double[] {5, 6}, step.updates().get("bias"), "bias spared");

    Masked byPath = Masked.by(new Scale(10.0),
        tree -> Trees.mapWithPath((path, leaf) -> !path.toString().contains("bias"), tree));
    Step<Map<String, Object>> s2 = byPath.update(g, byPath.init(params));
    assertValues(new double[] {10, 20, 30, 40}, s2.updates().get("w"), "w scaled");
    assertValues(new double[] {5, 6}, s2.updates().get("bias"), "bias kept");
  }

  @Test
  @DisplayName("TR-MASK-04 masked with nothing selected returns the updates; bad masks and states are rejected")
  void maskedEdgesAndErrors() {
    Map<String, Object> g = map2("w", vec(1, 2), "b", vec(3));
    Masked none = Masked.of(adam(), false);
    Step<Map<String, Object>> step = none.update(g, none.init(g), g);
    assertSame(g.get("w"), step.updates().get("w"));
    assertSame(g.get("b"), step.updates().get("b"));

    Masked notPrefix = Masked.of(new Scale(2), map2("x", true, "y", false));
    expectBad(() -> notPrefix.init(g), "prefix");
    expectBad(() -> Masked.of(new Scale(2), map2("w", 1, "b", false)), "Boolean", "Integer");
    Masked ok = Masked.of(new Scale(2), true);
    expectBad(() -> ok.update(g, new Identity.State()), "Masked", "init()");
    Masked badFn = Masked.by(new Scale(2), tree -> "yes");
    expectBad(() -> badFn.init(g), "Boolean");
    assertThrows(NullPointerException.class, () -> Masked.of(null, true));
    assertThrows(NullPointerException.class, () -> Masked.of(new Scale(2), null));
  }

  // ------------------------------------------------------------------ partition

  @Test
  @DisplayName("TR-PART-01 partition with two labels equals each transformation on its own leaves")
  void partitionTwoLabels() {
    GradientTransformation adamLr = Chain.of(adam(), ScaleByLearningRate.constant(0.01));
    Map<String, Object> params = map2("w", random(5, 2, 3), "b", random(6, 3));
    Partition p = Partition.of(Map.of("adam", adamLr, "sgd", new Scale(-0.1)),
        map2("w", "adam", "b", "sgd"));
    Object state = p.init(params);
    Partition.State ps = (Partition.State) state;
    assertEquals(List.of("adam", "sgd"), new ArrayList<>(ps.innerStates().keySet()));
    Map<String, Object> wOnly = new TreeMap<>(Map.of("w", params.get("w")));
    Object refState = adamLr.init(wOnly);
    for (int step = 0; step < 3; step++) {
      Map<String, Object> g = map2("w", random(50 + step, 2, 3), "b", random(60 + step, 3));
      Step<Map<String, Object>> out = p.update(g, state, params);
      Step<Map<String, Object>> ref =
          adamLr.update(new TreeMap<>(Map.of("w", g.get("w"))), refState, wOnly);
      assertValues(values(ref.updates().get("w")), out.updates().get("w"), "w at " + step);
      assertValues(map(values(g.get("b")), v -> -0.1 * v), out.updates().get("b"), "b at " + step);
      state = out.state();
      refState = ref.state();
    }
    Object adamState = ((Partition.State) state).innerStates().get("adam");
    ScaleByAdam.State a = (ScaleByAdam.State) ((Chain.State) adamState).states().get(0);
    assertEquals(3.0, a.count().item(), "adam advanced every step");
    assertNull(((Map<?, ?>) a.mu()).get("b"), "adam keeps no moment for the sgd leaf");
  }

  @Test
  @DisplayName("TR-PART-02 partition by a prefix of labels and by a label function")
  void partitionPrefixAndFunction() {
    Map<String, Object> g =
        map2("enc", map2("w", mat(1, 2, 1, 2), "b", vec(3)), "head", map2("w", mat(1, 1, 4), "b", vec(5)));
    Partition prefix = Partition.of(
        Map.of("frozen", new Scale(0.0), "train", new Scale(-1.0)),
        map2("enc", "frozen", "head", "train"));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> out =
        (Map<String, Map<String, Object>>) (Object) prefix.update(g, prefix.init(g)).updates();
    assertValues(new double[] {0, 0}, out.get("enc").get("w"), "enc.w frozen");
    assertValues(new double[] {0}, out.get("enc").get("b"), "enc.b frozen");
    assertValues(new double[] {-4}, out.get("head").get("w"), "head.w trained");
    assertValues(new double[] {-5}, out.get("head").get("b"), "head.b trained");

    Partition byRank = Partition.by(
        Map.of("matrix", new Scale(2.0), "vector", new Scale(3.0)),
        tree -> Trees.map(leaf -> ((Tensor) leaf).shape().rank() > 1 ? "matrix" : "vector", tree));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> out2 =
        (Map<String, Map<String, Object>>) (Object) byRank.update(g, byRank.init(g)).updates();
    assertValues(new double[] {2, 4}, out2.get("enc").get("w"), "matrix x2");
    assertValues(new double[] {9}, out2.get("enc").get("b"), "vector x3");
    assertValues(new double[] {8}, out2.get("head").get("w"), "matrix x2");
  }

  @Test
  @DisplayName("TR-PART-03 partition rejects unknown labels, empty transform maps and foreign states")
  void partitionErrors() {
    Map<String, Object> g = map2("w", vec(1), "b", vec(2));
    expectBad(() -> Partition.of(Map.of("a", new Scale(1)), map2("w", "a", "b", "nope")),
        "nope", "[a]");
    expectBad(() -> Partition.of(Map.of(), "a"), "empty");
    Partition fn = Partition.by(Map.of("a", new Scale(1)), tree -> "other");
    expectBad(() -> fn.init(g), "other");
    Partition p = Partition.of(Map.of("a", new Scale(1), "b", new Scale(2)), "a");
    expectBad(() -> p.update(g, new Identity.State()), "init()");
    Partition q = Partition.of(Map.of("a", new Scale(1)), "a");
    expectBad(() -> p.update(g, q.init(g)), "[a, b]", "[a]");
  }

  // ------------------------------------------------------------------ multiSteps

  @Test
  @DisplayName("TR-MULTI-01 multiSteps(k=3) over 2k calls: zeros, then inner(mean); inner Adam advances every k calls")
  void multiSteps() {
    int k = 3;
    GradientTransformation inner = Chain.of(adam(), ScaleByLearningRate.constant(0.1));
    MultiSteps ms = new MultiSteps(inner, k);
    Map<String, Object> params = map2("w", random(7, 2, 2), "b", random(8, 3));
    Object state = ms.init(params);
    Object refState = inner.init(params);
    List<Map<String, Object>> window = new ArrayList<>();
    long[] expectedAdamCount = {0, 0, 1, 1, 1, 2};
    long[] expectedMini = {1, 2, 0, 1, 2, 0};
    for (int call = 0; call < 2 * k; call++) {
      Map<String, Object> g = map2("w", random(70 + call, 2, 2), "b", random(80 + call, 3));
      window.add(g);
      Step<Map<String, Object>> out = ms.update(g, state, params);
      MultiSteps.State s = (MultiSteps.State) out.state();
      ScaleByAdam.State a = (ScaleByAdam.State) ((Chain.State) s.inner()).states().get(0);
      assertEquals(expectedAdamCount[call], (long) a.count().item(), "inner Adam count after call " + call);
      assertEquals(expectedMini[call], (long) s.miniStep().item(), "mini-step after call " + call);
      assertEquals(expectedAdamCount[call], (long) s.gradientStep().item(), "gradient step after call " + call);
      assertEquals(call % k == k - 1 ? 1.0 : 0.0, ops.cast(MultiSteps.emitted(s), DType.INT64).item(),
          "emitted() after call " + call);
      if (call % k == k - 1) {
        Map<String, Object> mean = new TreeMap<>();
        for (String key : List.of("w", "b")) {
          double[] sum = new double[values(g.get(key)).length];
          for (Map<String, Object> w : window) {
            double[] v = values(w.get(key));
            for (int i = 0; i < sum.length; i++) {
              sum[i] += v[i] / k;
            }
          }
          mean.put(key, ops.fromDoubles(sum, ((Tensor) g.get(key)).shape(), dtype));
        }
        Step<Map<String, Object>> ref = inner.update(mean, refState, params);
        assertTreeClose(ref.updates(), out.updates(), "emitted update at call " + call);
        refState = ref.state();
        window.clear();
        for (Object acc : Trees.leaves(s.accumulated())) {
          for (double v : values(acc)) {
            assertEquals(0.0, v, "accumulator reset after call " + call);
          }
        }
      } else {
        for (Object u : Trees.leaves(out.updates())) {
          for (double v : values(u)) {
            assertEquals(0.0, v, "zero update at call " + call);
          }
        }
      }
      state = out.state();
    }
  }

  @Test
  @DisplayName("TR-MULTI-02 multiSteps with k=1 is the inner transformation; bad k and states are rejected")
  void multiStepsOneAndErrors() {
    GradientTransformation inner = Chain.of(adam(), ScaleByLearningRate.constant(0.1));
    MultiSteps ms = new MultiSteps(inner, 1);
    Tensor p = random(9, 4);
    Object s = ms.init(p);
    Object r = inner.init(p);
    for (int call = 0; call < 3; call++) {
      Tensor g = random(90 + call, 4);
      Step<Tensor> a = ms.update(g, s, p);
      Step<Tensor> b = inner.update(g, r, p);
      assertValues(values(b.updates()), a.updates(), "k=1 call " + call);
      s = a.state();
      r = b.state();
    }
    expectBad(() -> new MultiSteps(inner, 0), "everyK", "0");
    expectBad(() -> ms.update(p, new Identity.State()), "MultiSteps", "init()");
  }

  // ------------------------------------------------------------------ injectHyperparams

  @Test
  @DisplayName("TR-INJ-01 injectHyperparams with a scheduled learning rate: u = -lr(t) g; the state shows lr(t)")
  void injectScheduledLearningRate() {
    Schedule lr = Schedules.linear(1.0, 0.2, 4);
    InjectHyperparams tx = InjectHyperparams.learningRate(new Identity(), lr);
    Tensor g = vec(1, -2);
    Object state = tx.init(g);
    assertValues(new double[] {1.0},
        ((InjectHyperparams.State) state).hyperparams().get(InjectHyperparams.LEARNING_RATE), "lr after init");
    for (int t = 0; t < 6; t++) {
      double expected = (1.0 - 0.2) * (1 - Math.min(t, 4) / 4.0) + 0.2;
      Step<Tensor> step = tx.update(g, state);
      assertValues(new double[] {-expected, 2 * expected}, step.updates(), "update at " + t);
      InjectHyperparams.State s = (InjectHyperparams.State) step.state();
      assertValues(new double[] {expected}, s.hyperparams().get(InjectHyperparams.LEARNING_RATE),
          "lr in the state at " + t);
      assertEquals(t + 1, (long) s.count().item());
      state = step.state();
    }
  }

  @Test
  @DisplayName("TR-INJ-02 a Tensor learning rate gets the meta-gradient of two Adam steps, matching finite differences")
  void injectTensorLearningRateGradient() {
    require(Capability.AUTODIFF);
    require(Capability.FLOAT64);
    Autodiff ad = backend().autodiff();
    Tensor p0 = random64(11, 5);
    Tensor g0 = random64(12, 5);
    Tensor target = random64(13, 5);
    Function<Tensor, Tensor> loss = lr -> {
      InjectHyperparams tx = InjectHyperparams.learningRate(adam(), lr);
      Object state = tx.init(p0);
      Step<Tensor> s1 = tx.update(g0, state, p0);
      Tensor p1 = Updates.apply(p0, s1.updates());
      Tensor g1 = ops.mul(ops.sub(p1, target), 2.0); // gradient of |p - target|^2 at p1
      Step<Tensor> s2 = tx.update(g1, s1.state(), p1);
      Tensor p2 = Updates.apply(p1, s2.updates());
      return ops.sum(ops.square(ops.sub(p2, target)));
    };
    Tensor lr = ops.scalar(0.05, DType.FLOAT64);
    Tensor grad = ad.grad(loss, lr);
    assertEquals(Shape.scalar(), grad.shape());
    FiniteDifferences.assertClose(ops, grad, FiniteDifferences.gradient(ops, loss, lr), 1e-6, 1e-8,
        "d loss / d lr");
    assertTrue(Math.abs(grad.item()) > 1e-3, "the meta-gradient is not trivially zero: " + grad.item());
  }

  @Test
  @DisplayName("TR-INJ-03 injected learning rate and weight decay equal the chain with fixed values")
  void injectLearningRateAndWeightDecay() {
    InjectHyperparams tx = InjectHyperparams.learningRateAndWeightDecay(adam(), 0.1, 0.01);
    GradientTransformation ref =
        Chain.of(adam(), new AddDecayedWeights(0.01, null), ScaleByLearningRate.constant(0.1));
    Map<String, Object> params = map2("w", random(14, 2, 3), "b", random(15, 3));
    Object s = tx.init(params);
    Object r = ref.init(params);
    InjectHyperparams.State is = (InjectHyperparams.State) s;
    assertEquals(List.of("learningRate", "weightDecay"), new ArrayList<>(is.hyperparams().keySet()));
    assertEquals(dtype, is.hyperparams().get("weightDecay").dtype(), "hyper-parameters in the params' dtype");
    for (int step = 0; step < 3; step++) {
      Map<String, Object> g = map2("w", random(140 + step, 2, 3), "b", random(150 + step, 3));
      Step<Map<String, Object>> a = tx.update(g, s, params);
      Step<Map<String, Object>> b = ref.update(g, r, params);
      assertTreeClose(b.updates(), a.updates(), "step " + step);
      s = a.state();
      r = b.state();
      params = Updates.apply(params, a.updates());
    }
  }

  @Test
  @DisplayName("TR-INJ-04 hyper-parameters live in the state: replacing one there changes the next update")
  void injectEditState() {
    InjectHyperparams tx = InjectHyperparams.of(
        h -> ScaleByTensor.of(h.get("scale")), Map.of("scale", 3.0));
    Tensor g = vec(1, 2);
    InjectHyperparams.State s = (InjectHyperparams.State) tx.init(g);
    Step<Tensor> first = tx.update(g, s);
    assertValues(new double[] {3, 6}, first.updates(), "scale 3");
    InjectHyperparams.State after = (InjectHyperparams.State) first.state();
    Map<String, Tensor> edited = new HashMap<>(after.hyperparams());
    edited.put("scale", ops.scalar(-0.5, dtype));
    Step<Tensor> second =
        tx.update(g, new InjectHyperparams.State(after.count(), edited, after.inner()));
    assertValues(new double[] {-0.5, -1}, second.updates(), "scale -0.5 from the state");
  }

  @Test
  @DisplayName("TR-INJ-05 injectHyperparams rejects bad initial values, incomplete and foreign states")
  void injectErrors() {
    Function<Map<String, Tensor>, GradientTransformation> f = h -> ScaleByTensor.of(h.get("s"));
    expectBad(() -> InjectHyperparams.of(f, Map.of("s", "fast")), "s", "String");
    expectBad(() -> InjectHyperparams.of(f, Map.of("s", Double.NaN)), "s", "NaN");
    expectBad(() -> InjectHyperparams.of(f, Map.of("s", vec(1, 2))), "s", "0-d");
    InjectHyperparams tx = InjectHyperparams.of(f, Map.of("s", 2.0));
    Tensor g = vec(1);
    expectBad(() -> tx.update(g, new Identity.State()), "InjectHyperparams", "init()");
    InjectHyperparams.State s = (InjectHyperparams.State) tx.init(g);
    expectBad(() -> tx.update(g, new InjectHyperparams.State(s.count(), Map.of(), s.inner())),
        "[s]", "[]");
    expectBad(() -> tx.init(List.of()), "s", "floating tensor leaf");
    InjectHyperparams nullFactory = InjectHyperparams.of(h -> null, Map.of("s", 1.0));
    expectBad(() -> nullFactory.init(g), "factory returned null");
  }

  // ------------------------------------------------------------------ tensor-valued helpers

  @Test
  @DisplayName("TR-TENSOR-01 scaleByTensor and addDecayedWeightsByTensor; factors are cast to each leaf's dtype")
  void tensorHyperparameters() {
    Tensor g = vec(1, -2);
    Tensor p = vec(10, 20);
    ScaleByTensor lr = ScaleByTensor.learningRate(ops.scalar(0.5, DType.FLOAT32));
    assertValues(new double[] {-0.5, 1}, lr.update(g, lr.init(g)).updates(), "-lr g");
    ScaleByTensor scale = ScaleByTensor.of(ops.scalar(3, dtype));
    assertValues(new double[] {3, -6}, scale.update(g, scale.init(g)).updates(), "3 g");
    AddDecayedWeightsByTensor wd = new AddDecayedWeightsByTensor(ops.scalar(0.25, DType.FLOAT32));
    assertValues(new double[] {3.5, 3}, wd.update(g, wd.init(p), p).updates(), "g + wd p");
    expectBad(() -> wd.update(g, wd.init(p)), "parameters");
    expectBad(() -> ScaleByTensor.of(vec(1, 2)), "factor", "0-d");
    expectBad(() -> ScaleByTensor.of(ops.scalar(1, DType.INT64)), "factor", "INT64");
  }

  // ------------------------------------------------------------------ bad options, foreign states

  @Test
  @DisplayName("TR-BAD-01 bad options are rejected with IllegalArgumentException naming the option and value")
  void badOptions() {
    expectBad(() -> ClipByGlobalNorm.of(0.0), "maxNorm", "0.0");
    expectBad(() -> ClipByGlobalNorm.optax(Double.NaN), "maxNorm", "NaN");
    expectBad(() -> new ClipByGlobalNorm(1.0, -1e-6), "eps", "-1.0E-6");
    expectBad(() -> new ClipByValue(2.0, 1.0), "min", "2.0", "max", "1.0");
    expectBad(() -> new ClipByValue(Double.NaN, 1.0), "min", "NaN");
    expectBad(() -> ClipByValue.symmetric(-1), "delta", "-1");
    expectBad(() -> NanToNum.of(Double.NaN, 0, 0), "nan", "NaN");
    expectBad(() -> new NanToNum(0, Double.NaN, null), "posInf", "NaN");
    expectBad(() -> new MultiSteps(new Identity(), -2), "everyK", "-2");
    assertThrows(NullPointerException.class, () -> new ScaleBySchedule(null));
    assertThrows(NullPointerException.class, () -> new MultiSteps(null, 2));
  }

  @Test
  @DisplayName("TR-STATE-01 every structural transformation rejects a state it did not make")
  void foreignStates() {
    Tensor g = vec(1, 2);
    Object foreign = new Scale.State();
    List<GradientTransformation> all = List.of(
        new ScaleBySchedule(Schedules.constant(1)),
        ClipByGlobalNorm.of(1),
        new ClipByValue(-1, 1),
        NanToNum.defaults(),
        Masked.of(new Identity(), true),
        Partition.of(Map.of("a", new Identity()), "a"),
        new MultiSteps(new Identity(), 2),
        InjectHyperparams.learningRate(new Identity(), 0.1),
        ScaleByTensor.of(ops.scalar(1, dtype)),
        new AddDecayedWeightsByTensor(ops.scalar(1, dtype)));
    for (GradientTransformation tx : all) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> tx.update(g, foreign, g), tx.toString());
      assertTrue(e.getMessage().contains("init()") && e.getMessage().contains("Scale$State"),
          tx + ": " + e.getMessage());
    }
  }
}
