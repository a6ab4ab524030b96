package dev.diffopt.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat64;

/**
 * Checks every rule of {@link SecondOrderGradients} numerically, in float64, on raw TensorFlow
 * graphs.
 *
 * <p>Each check builds a scalar objective {@code f(x)} whose first gradient (taken with {@code
 * Graph.addGradients} and an explicit seed of one) contains the op under test, e.g. {@code
 * TanhGrad}. It then forms {@code h(x) = Σ_j sum(∂f/∂x_j · v_j)} for fixed random {@code v_j}
 * and differentiates {@code h} again, which runs the rule. Both levels are compared with central
 * finite differences of {@code f} and {@code h}, each evaluated by running the graph with one
 * input element moved by ±{@value #STEP}; the tolerance is {@value #TOLERANCE}, absolute plus
 * relative. Objectives are chosen so that both the "value" and the "upstream gradient" inputs
 * of each gradient op depend on the inputs (e.g. {@code sum(tanh(x) · x · c)}), and inputs are
 * kept away from kinks and ties (relu/elu at 0, equal values in a max-pool window). The first
 * level checks the rule of {@code SparseSoftmaxCrossEntropyWithLogits}, which TensorFlow's C++
 * registry lacks even at first order. Every kernel used has a float64 CPU kernel.
 *
 * <p>All the checks run in one JVM, so the single dispatching adapter serves many op types; one
 * test asserts the rule table, another differentiates through at least eleven rule types in one
 * graph (checked against finite differences too, so also finite).
 */
@DisplayName("second-order gradient rules against finite differences")
// a separate thread, so that a rule deadlocking inside addGradients fails instead of hanging
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SecondOrderGradientsTest {
  private static final double STEP = 1e-6;
  private static final double TOLERANCE = 1e-6;
  private static final List<String> ALL_TYPES = List.of("OnesLike", "TanhGrad", "SigmoidGrad",
      "ReluGrad", "SqrtGrad", "RsqrtGrad", "ReciprocalGrad", "SoftplusGrad", "EluGrad",
      "BiasAddGrad", "MaxPoolGrad", "MaxPoolGradV2", "AvgPoolGrad", "Conv2DBackpropFilter",
      "StridedSliceGrad", "SparseSoftmaxCrossEntropyWithLogits");
  private static final long[] IMAGE = {1, 4, 4, 2};

  /** A scalar float64 objective of the placeholders. */
  @FunctionalInterface
  private interface Objective {
    Output<?> build(GraphBuilder b, Output<?>[] x);
  }

  @BeforeAll
  static void register() {
    SecondOrderGradients.registerOnce();
  }

  @Test
  @DisplayName("SOG-RULES-01 a rule exists and a gradient is registered for each of the 16 types")
  void everyTypeHasARule() {
    assertEquals(new TreeSet<>(ALL_TYPES), new TreeSet<>(SecondOrderGradients.ruleTypes()));
    List<String> registered = SecondOrderGradients.registerOnce();
    assertTrue(SecondOrderGradients.ruleTypes().containsAll(registered), registered::toString);
    for (String type : ALL_TYPES) {
      assertTrue(tensorflow.TFJ_HasGradient(type), () -> type + " has no gradient");
    }
  }

  @Test
  @DisplayName("SOG-ONESLIKE-01 OnesLike in a first gradient: f = sum(OnesLike(x) x² c)")
  void onesLike() {
    new Check("OnesLike").input(IMAGE, uniform(1, 32, -1, 1))
        .run((b, x) -> weighted(b, mul(b, b.op("OnesLike", x[0]), mul(b, x[0], x[0])), 11));
  }

  @Test
  @DisplayName("SOG-TANH-01 TanhGrad: f = sum(tanh(x) x c)")
  void tanhGrad() {
    new Check("TanhGrad").input(IMAGE, uniform(2, 32, -2, 2))
        .run((b, x) -> weighted(b, mul(b, b.op("Tanh", x[0]), x[0]), 12));
  }

  @Test
  @DisplayName("SOG-SIGMOID-01 SigmoidGrad: f = sum(sigmoid(x) x c)")
  void sigmoidGrad() {
    new Check("SigmoidGrad").input(IMAGE, uniform(3, 32, -3, 3))
        .run((b, x) -> weighted(b, mul(b, b.op("Sigmoid", x[0]), x[0]), 13));
  }

  @Test
  @DisplayName("SOG-RELU-01 ReluGrad: f = sum(relu(x) x c), x away from 0")
  void reluGrad() {
    new Check("ReluGrad").input(IMAGE, awayFromZero(4, 32))
        .run((b, x) -> weighted(b, mul(b, b.op("Relu", x[0]), x[0]), 14));
  }

  @Test
  @DisplayName("SOG-SQRT-01 SqrtGrad: f = sum(sqrt(x) x c), x > 0")
  void sqrtGrad() {
    new Check("SqrtGrad").input(IMAGE, uniform(5, 32, 0.5, 2))
        .run((b, x) -> weighted(b, mul(b, b.op("Sqrt", x[0]), x[0]), 15));
  }

  @Test
  @DisplayName("SOG-RSQRT-01 RsqrtGrad: f = sum(rsqrt(x) x c), x > 0")
  void rsqrtGrad() {
    new Check("RsqrtGrad").input(IMAGE, uniform(6, 32, 0.5, 2))
        .run((b, x) -> weighted(b, mul(b, b.op("Rsqrt", x[0]), x[0]), 16));
  }

  @Test
  @DisplayName("SOG-RECIPROCAL-01 ReciprocalGrad: f = sum(x⁻¹ x² c), x > 0")
  void reciprocalGrad() {
    new Check("ReciprocalGrad").input(IMAGE, uniform(7, 32, 0.5, 2))
        .run((b, x) -> weighted(b,
            mul(b, b.op("Reciprocal", x[0]), mul(b, x[0], x[0])), 17));
  }

  @Test
  @DisplayName("SOG-SOFTPLUS-01 SoftplusGrad: f = sum(softplus(x) x c)")
  void softplusGrad() {
    new Check("SoftplusGrad").input(IMAGE, uniform(8, 32, -3, 3))
        .run((b, x) -> weighted(b, mul(b, b.op("Softplus", x[0]), x[0]), 18));
  }

  @Test
  @DisplayName("SOG-ELU-01 EluGrad: f = sum(elu(x) x c), x of both signs away from 0")
  void eluGrad() {
    new Check("EluGrad").input(IMAGE, awayFromZero(9, 32))
        .run((b, x) -> weighted(b, mul(b, b.op("Elu", x[0]), x[0]), 19));
  }

  @Test
  @DisplayName("SOG-BIASADD-01 BiasAddGrad (NHWC): f = sum(BiasAdd(x, bias)² c)")
  void biasAddGradNhwc() {
    new Check("BiasAddGrad").input(IMAGE, uniform(10, 32, -1, 1)).input(new long[] {2},
            uniform(20, 2, -1, 1))
        .run((b, x) -> weighted(b, square(b, b.op("BiasAdd", x[0], x[1])), 20));
  }

  @Test
  @DisplayName("SOG-BIASADD-02 BiasAddGrad (NCHW): f = sum(BiasAdd(x, bias)² c)")
  void biasAddGradNchw() {
    new Check("BiasAddGrad").input(new long[] {1, 3, 2, 2}, uniform(21, 12, -1, 1))
        .input(new long[] {3}, uniform(22, 3, -1, 1))
        .run((b, x) -> weighted(b,
            square(b, b.op("BiasAdd", o -> o.setAttr("data_format", "NCHW"), x[0], x[1])), 21));
  }

  @Test
  @DisplayName("SOG-MAXPOOL-01 MaxPoolGrad: f = sum(MaxPool(x)² c), overlapping 2x2 windows")
  void maxPoolGrad() {
    new Check("MaxPoolGrad").input(IMAGE, distinct(23, 32))
        .run((b, x) -> weighted(b, square(b, b.op("MaxPool",
            o -> window(o, new long[] {1, 2, 2, 1}, new long[] {1, 1, 1, 1}, "VALID"), x[0])), 22));
  }

  @Test
  @DisplayName("SOG-MAXPOOL-02 MaxPoolGrad: f = sum(MaxPool(x)² c), 3x3 windows, stride 2, SAME")
  void maxPoolGradSame() {
    new Check("MaxPoolGrad").input(IMAGE, distinct(24, 32))
        .run((b, x) -> weighted(b, square(b, b.op("MaxPool",
            o -> window(o, new long[] {1, 3, 3, 1}, new long[] {1, 2, 2, 1}, "SAME"), x[0])), 23));
  }

  @Test
  @DisplayName("SOG-MAXPOOLV2-01 MaxPoolGradV2: f = sum(MaxPoolV2(x)² c), ksize/strides as inputs")
  void maxPoolGradV2() {
    new Check("MaxPoolGradV2").input(IMAGE, distinct(25, 32))
        .run((b, x) -> weighted(b, square(b, b.op("MaxPoolV2", o -> o.setAttr("padding", "VALID"),
            x[0], b.int32s(1, 2, 2, 1), b.int32s(1, 1, 1, 1))), 24));
  }

  @Test
  @DisplayName("SOG-AVGPOOL-01 AvgPoolGrad: f = sum(AvgPool(x)² c), overlapping 2x2 windows")
  void avgPoolGrad() {
    new Check("AvgPoolGrad").input(IMAGE, uniform(26, 32, -1, 1))
        .run((b, x) -> weighted(b, square(b, b.op("AvgPool",
            o -> window(o, new long[] {1, 2, 2, 1}, new long[] {1, 1, 1, 1}, "VALID"), x[0])), 25));
  }

  @Test
  @DisplayName("SOG-AVGPOOL-02 AvgPoolGrad: f = sum(AvgPool(x)² c), 3x3 windows, stride 2, SAME")
  void avgPoolGradSame() {
    new Check("AvgPoolGrad").input(IMAGE, uniform(27, 32, -1, 1))
        .run((b, x) -> weighted(b, square(b, b.op("AvgPool",
            o -> window(o, new long[] {1, 3, 3, 1}, new long[] {1, 2, 2, 1}, "SAME"), x[0])), 26));
  }

  @Test
  @DisplayName("SOG-CONV-01 Conv2DBackpropFilter: f = sum(conv2d(x, w)² c), first gradient in w, "
      + "second in x and w (VALID, stride 1)")
  void conv2dBackpropFilter() {
    new Check("Conv2DBackpropFilter").input(IMAGE, uniform(28, 32, -1, 1))
        .input(new long[] {2, 2, 2, 3}, uniform(29, 24, -1, 1)).firstWrt(1).secondWrt(0, 1)
        .run((b, x) -> weighted(b, square(b, b.op("Conv2D",
            o -> o.setAttr("strides", new long[] {1, 1, 1, 1}).setAttr("padding", "VALID"),
            x[0], x[1])), 27));
  }

  @Test
  @DisplayName("SOG-CONV-02 Conv2DBackpropFilter: f = sum(conv2d(x, w)² c), first gradient in w, "
      + "second in x and w (SAME, stride 2)")
  void conv2dBackpropFilterStrided() {
    new Check("Conv2DBackpropFilter").input(new long[] {1, 5, 5, 2}, uniform(30, 50, -1, 1))
        .input(new long[] {3, 3, 2, 2}, uniform(31, 36, -1, 1)).firstWrt(1).secondWrt(0, 1)
        .run((b, x) -> weighted(b, square(b, b.op("Conv2D",
            o -> o.setAttr("strides", new long[] {1, 2, 2, 1}).setAttr("padding", "SAME"),
            x[0], x[1])), 28));
  }

  @Test
  @DisplayName("SOG-STRIDEDSLICE-01 StridedSliceGrad: f = sum(x[1:4, ::2]² c)")
  void stridedSliceGrad() {
    new Check("StridedSliceGrad").input(new long[] {4, 5}, uniform(32, 20, -1, 1))
        .run((b, x) -> weighted(b, square(b, b.op("StridedSlice",
            x[0], b.int32s(1, 0), b.int32s(4, 5), b.int32s(1, 2))), 29));
  }

  @Test
  @DisplayName("SOG-STRIDEDSLICE-02 StridedSliceGrad with masks: f = sum(x[1, :3, 4:0:-2]² c)")
  void stridedSliceGradMasks() {
    new Check("StridedSliceGrad").input(new long[] {3, 4, 5}, uniform(33, 60, -1, 1))
        .run((b, x) -> weighted(b, square(b, b.op("StridedSlice",
            o -> o.setAttr("begin_mask", 2L).setAttr("shrink_axis_mask", 1L),
            x[0], b.int32s(1, 0, 4), b.int32s(2, 3, 0), b.int32s(1, 1, -2))), 30));
  }

  @Test
  @DisplayName("SOG-SPARSEXENT-01 SparseSoftmaxCrossEntropyWithLogits: gradient and "
      + "Hessian-vector product of sum(loss c) in the logits")
  void sparseSoftmaxCrossEntropy() {
    new Check("SparseSoftmaxCrossEntropyWithLogits").input(new long[] {3, 4},
            uniform(34, 12, -2, 2))
        .run((b, x) -> weighted(b,
            b.op("SparseSoftmaxCrossEntropyWithLogits", x[0], b.int32s(2, 0, 3)), 31));
  }

  @Test
  @DisplayName("SOG-SPARSEXENT-02 SparseSoftmaxCrossEntropyWithLogits through both outputs: "
      + "f = sum(loss c) + sum(backprop d)")
  void sparseSoftmaxCrossEntropyBothOutputs() {
    new Check("SparseSoftmaxCrossEntropyWithLogits").input(new long[] {3, 4},
            uniform(35, 12, -2, 2))
        .run((b, x) -> {
          org.tensorflow.Operation op =
              b.op("SparseSoftmaxCrossEntropyWithLogits", x[0], b.int32s(1, 3, 0)).op();
          return b.op("Add", weighted(b, op.output(0), 32), weighted(b, op.output(1), 33));
        });
  }

  @Test
  @DisplayName("SOG-MULTI-01 one graph differentiating through at least 11 rule types at once")
  void manyRulesInOneGraph() {
    Set<String> used = new Check("TanhGrad", "SigmoidGrad", "ReluGrad", "SqrtGrad", "RsqrtGrad",
            "ReciprocalGrad", "SoftplusGrad", "EluGrad", "BiasAddGrad", "MaxPoolGrad",
            "MaxPoolGradV2", "AvgPoolGrad", "Conv2DBackpropFilter", "StridedSliceGrad",
            "SparseSoftmaxCrossEntropyWithLogits")
        .input(IMAGE, distinct(40, 32)).input(new long[] {2, 2, 2, 3}, uniform(41, 24, -1, 1))
        .input(new long[] {2}, uniform(42, 2, -1, 1))
        .run(SecondOrderGradientsTest::everything);
    Set<String> registeredUsed = new TreeSet<>(used);
    registeredUsed.retainAll(SecondOrderGradients.registerOnce());
    assertTrue(registeredUsed.size() >= 11, () -> "only " + registeredUsed + " of the rules ran");
  }

  /** A sum of one term per rule, in x (positive, distinct), a filter w and a bias. */
  private static Output<?> everything(GraphBuilder b, Output<?>[] x) {
    Output<?> in = x[0];
    Output<?> shifted = b.op("Sub", in, b.scalar(1.2, DType.FLOAT64));
    List<Output<?>> terms = new ArrayList<>();
    int seed = 100;
    for (String unary : new String[] {"Tanh", "Sigmoid", "Sqrt", "Rsqrt", "Reciprocal",
        "Softplus"}) {
      terms.add(weighted(b, mul(b, b.op(unary, in), in), seed++));
    }
    terms.add(weighted(b, mul(b, b.op("Relu", shifted), in), seed++));
    terms.add(weighted(b, mul(b, b.op("Elu", shifted), in), seed++));
    terms.add(weighted(b, square(b, b.op("BiasAdd", in, x[2])), seed++));
    long[] ones = {1, 1, 1, 1};
    long[] twos = {1, 2, 2, 1};
    terms.add(weighted(b, square(b, b.op("MaxPool", o -> window(o, twos, ones, "VALID"), in)),
        seed++));
    terms.add(weighted(b, square(b, b.op("MaxPoolV2", o -> o.setAttr("padding", "SAME"), in,
        b.int32s(1, 2, 2, 1), b.int32s(1, 2, 2, 1))), seed++));
    terms.add(weighted(b, square(b, b.op("AvgPool", o -> window(o, twos, ones, "VALID"), in)),
        seed++));
    terms.add(weighted(b, square(b, b.op("Conv2D",
        o -> o.setAttr("strides", ones).setAttr("padding", "VALID"), in, x[1])), seed++));
    terms.add(weighted(b, square(b, b.op("StridedSlice", in, b.int32s(0, 1, 0, 0),
        b.int32s(1, 4, 4, 2), b.int32s(1, 2, 1, 1))), seed++));
    terms.add(weighted(b, b.op("SparseSoftmaxCrossEntropyWithLogits", b.reshape(in, 8, 4),
        b.int32s(0, 1, 2, 3, 3, 2, 1, 0)), seed++));
    Output<?> total = terms.get(0);
    for (Output<?> t : terms.subList(1, terms.size())) {
      total = b.op("Add", total, t);
    }
    return total;
  }

  /**
   * One second-order check: inputs (float64 placeholders with values), which of them the first
   * and the second gradient are taken in (all by default), and the gradient op types the first
   * gradient must contain.
   */
  private static final class Check {
    private final List<String> gradOps;
    private final List<long[]> shapes = new ArrayList<>();
    private final List<double[]> values = new ArrayList<>();
    private int[] firstWrt;
    private int[] secondWrt;

    Check(String... gradOps) {
      this.gradOps = List.of(gradOps);
    }

    Check input(long[] shape, double[] value) {
      assertEquals(Arrays.stream(shape).reduce(1, (p, d) -> p * d), value.length);
      shapes.add(shape);
      values.add(value);
      return this;
    }

    Check firstWrt(int... inputs) {
      firstWrt = inputs;
      return this;
    }

    Check secondWrt(int... inputs) {
      secondWrt = inputs;
      return this;
    }

    /** Runs the check on {@code objective}; returns the op types of the whole graph. */
    Set<String> run(Objective objective) {
      int n = shapes.size();
      int[] all = java.util.stream.IntStream.range(0, n).toArray();
      int[] first = firstWrt == null ? all : firstWrt;
      int[] second = secondWrt == null ? all : secondWrt;
      try (Graph graph = new Graph(); Session session = new Session(graph)) {
        GraphBuilder b = new GraphBuilder(graph);
        Output<?>[] x = new Output<?>[n];
        for (int i = 0; i < n; i++) {
          x[i] = b.placeholder(DType.FLOAT64, org.tensorflow.ndarray.Shape.of(shapes.get(i)));
        }
        Output<?> f = objective.build(b, x);
        assertEquals(0, f.shape().numDimensions(), "the objective must be a scalar");

        Output<?>[] g = gradients(graph, b, "first", f, pick(x, first));
        Set<String> types = opTypes(graph);
        for (String op : gradOps) {
          assertTrue(types.contains(op), () -> "the first gradient has no " + op + ": " + types);
        }
        Output<?> h = null;
        for (int j = 0; j < g.length; j++) {
          Output<?> term = weighted(b, g[j], 1000 + j);
          h = h == null ? term : b.op("Add", h, term);
        }
        Output<?>[] hx = gradients(graph, b, "second", h, pick(x, second));

        Output<?>[] fetches = new Output<?>[g.length + hx.length];
        System.arraycopy(g, 0, fetches, 0, g.length);
        System.arraycopy(hx, 0, fetches, g.length, hx.length);
        double[][] analytic = eval(session, x, values, fetches);
        for (int j = 0; j < first.length; j++) {
          compare("df/dx" + first[j], analytic[j], finiteDifference(session, x, f, first[j]));
        }
        for (int j = 0; j < second.length; j++) {
          compare("d(g.v)/dx" + second[j], analytic[g.length + j],
              finiteDifference(session, x, h, second[j]));
        }
        return opTypes(graph);
      }
    }

    /** Central differences of the scalar {@code y} in every element of input {@code i}. */
    private double[] finiteDifference(Session session, Output<?>[] x, Output<?> y, int i) {
      double[] base = values.get(i);
      double[] out = new double[base.length];
      for (int k = 0; k < base.length; k++) {
        double[] moved = base.clone();
        List<double[]> at = new ArrayList<>(values);
        at.set(i, moved);
        moved[k] = base[k] + STEP;
        double plus = eval(session, x, at, y)[0][0];
        moved[k] = base[k] - STEP;
        double minus = eval(session, x, at, y)[0][0];
        out[k] = (plus - minus) / (2 * STEP);
      }
      return out;
    }

    private double[][] eval(Session session, Output<?>[] x, List<double[]> at,
        Output<?>... fetches) {
      List<Tensor> fed = new ArrayList<>();
      try {
        Session.Runner runner = session.runner();
        for (int i = 0; i < x.length; i++) {
          Tensor t = TFloat64.tensorOf(org.tensorflow.ndarray.Shape.of(shapes.get(i)),
              DataBuffers.of(at.get(i), true, false));
          fed.add(t);
          runner.feed(x[i], t);
        }
        for (Output<?> y : fetches) {
          runner.fetch(y);
        }
        try (Result r = runner.run()) {
          double[][] out = new double[fetches.length][];
          for (int j = 0; j < fetches.length; j++) {
            Tensor t = r.get(j);
            out[j] = new double[Math.toIntExact(t.shape().size())];
            t.asRawTensor().data().asDoubles().read(out[j]);
          }
          return out;
        }
      } finally {
        fed.forEach(Tensor::close);
      }
    }
  }

  /** {@code ∂y/∂x} with an explicit seed of one, rethrowing a rule's failure. */
  private static Output<?>[] gradients(Graph graph, GraphBuilder b, String prefix, Output<?> y,
      Output<?>[] x) {
    Output<?>[] g = graph.addGradients(prefix, new Output<?>[] {y}, x,
        new Output<?>[] {b.scalar(1, DType.FLOAT64)});
    SecondOrderGradients.rethrowPending();
    for (int i = 0; i < g.length; i++) {
      assertNotNull(g[i], prefix + " gradient " + i);
    }
    return g;
  }

  private static void compare(String what, double[] actual, double[] expected) {
    assertEquals(expected.length, actual.length, what);
    for (int k = 0; k < expected.length; k++) {
      double error = Math.abs(actual[k] - expected[k]);
      if (!(error <= TOLERANCE * (1 + Math.abs(expected[k])))) {
        fail(what + "[" + k + "]: analytic " + actual[k] + ", finite differences " + expected[k]
            + "\nanalytic: " + Arrays.toString(actual)
            + "\nfinite differences: " + Arrays.toString(expected));
      }
    }
  }

  private static Output<?>[] pick(Output<?>[] x, int[] indices) {
    return Arrays.stream(indices).mapToObj(i -> x[i]).toArray(Output<?>[]::new);
  }

  private static Set<String> opTypes(Graph graph) {
    Set<String> types = new TreeSet<>();
    for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
      types.add(it.next().type());
    }
    return types;
  }

  private static OperationBuilder window(OperationBuilder o, long[] ksize, long[] strides,
      String padding) {
    return o.setAttr("ksize", ksize).setAttr("strides", strides).setAttr("padding", padding);
  }

  private static Output<?> mul(GraphBuilder b, Output<?> x, Output<?> y) {
    return b.op("Mul", x, y);
  }

  private static Output<?> square(GraphBuilder b, Output<?> x) {
    return b.op("Square", x);
  }

  /** {@code sum(y · c)} for a fixed random {@code c} shaped like {@code y}. */
  private static Output<?> weighted(GraphBuilder b, Output<?> y, long seed) {
    long[] dims = y.shape().asArray();
    double[] c = uniform(seed, Math.toIntExact(Shape.of(dims).size()), -1, 1);
    Output<?> product = mul(b, y, b.constant(c, Shape.of(dims), DType.FLOAT64));
    return b.reduce("Sum", product, java.util.stream.IntStream.range(0, dims.length).toArray(),
        false);
  }

  private static double[] uniform(long seed, int n, double low, double high) {
    Random random = new Random(seed);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = low + (high - low) * random.nextDouble();
    }
    return out;
  }

  /** Values of both signs with |v| in [0.2, 1.5]. */
  private static double[] awayFromZero(long seed, int n) {
    double[] out = uniform(seed, n, 0.2, 1.5);
    Random sign = new Random(seed + 1);
    for (int i = 0; i < n; i++) {
      out[i] = sign.nextBoolean() ? out[i] : -out[i];
    }
    return out;
  }

  /**
   * A shuffle of 0.513, 0.563, ...: positive, 0.05 apart (no max-pool ties) and at least 0.013
   * from 1.2 (the kink of the shifted relu/elu in {@link #everything}).
   */
  private static double[] distinct(long seed, int n) {
    List<Double> v = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      v.add(0.513 + 0.05 * i);
    }
    java.util.Collections.shuffle(v, new Random(seed));
    return v.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
