package dev.diffopt.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.Backends;
import dev.diffopt.autodiff.ValueAndGrad;
import dev.diffopt.meta.MetaOptimizer;
import dev.diffopt.optim.Optimizers;
import dev.diffopt.spi.Backend;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Step;
import dev.diffopt.transform.Updates;
import dev.diffopt.tree.Trees;
import dev.diffopt.viz.DotGraph;
import dev.diffopt.viz.DotLabels;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link StagedFunction#toDot}: the staged graph as DOT, read back and checked. */
@DisplayName("tensorflow backend: staged graphs as Graphviz DOT")
class StagedFunctionDotTest {
  private static final Backend BACKEND = Backends.get(TfBackendProvider.NAME);
  private final TensorOps ops = BACKEND.ops();
  /** Frees each test's tensors. */
  private final Scope scope = Scope.open();

  @AfterEach
  void close() {
    scope.close();
  }

  private Tensor matrix(long rows, long cols, double start) {
    double[] v = new double[(int) (rows * cols)];
    for (int i = 0; i < v.length; i++) {
      v[i] = start + 0.1 * i;
    }
    return ops.fromDoubles(v, Shape.of(rows, cols), DType.FLOAT32);
  }

  @SuppressWarnings("unchecked")
  private static <I, O> StagedFunction<I, O> stage(Function<I, O> fn) {
    return (StagedFunction<I, O>) BACKEND.stage(fn);
  }

  /** Reads the text back: unique ids, declared ends, and the graph as built. */
  private static DotGraph readBack(DotGraph built) {
    DotGraph read = DotGraph.parse(built.toDot());
    assertEquals(List.of(), read.problems());
    assertEquals(built.nodes(), read.nodes());
    assertEquals(built.edges(), read.edges());
    return read;
  }

  /** The first label lines of the nodes of a class, in the order written. */
  private static List<String> names(DotGraph g, String kind) {
    List<String> out = new ArrayList<>();
    for (DotGraph.Node n : g.nodes()) {
      if (kind.equals(n.attributes().get("class"))) {
        out.add(n.label().split("\n")[0]);
      }
    }
    return out;
  }

  private static String idOf(DotGraph g, String kind, String name) {
    for (DotGraph.Node n : g.nodes()) {
      if (kind.equals(n.attributes().get("class")) && n.label().split("\n")[0].equals(name)) {
        return n.id();
      }
    }
    throw new AssertionError("no " + kind + " node " + name);
  }

  /** Whether a path of edges leads from {@code from} to {@code to}. */
  private static boolean reaches(DotGraph g, String from, String to) {
    Map<String, List<String>> next = new HashMap<>();
    for (DotGraph.Edge e : g.edges()) {
      next.computeIfAbsent(e.from(), k -> new ArrayList<>()).add(e.to());
    }
    Set<String> seen = new HashSet<>();
    ArrayDeque<String> work = new ArrayDeque<>(List.of(from));
    while (!work.isEmpty()) {
      String id = work.pop();
      if (id.equals(to)) {
        return true;
      }
      if (seen.add(id)) {
        work.addAll(next.getOrDefault(id, List.of()));
      }
    }
    return false;
  }

  @Test
  @DisplayName("TF-DOT-01 placeholders and fetches carry the paths of the input and output trees")
  void smallFunction() {
    Tensor scale = ops.fromDoubles(new double[] {2}, Shape.scalar(), DType.FLOAT32);
    StagedFunction<Map<String, Object>, Map<String, Object>> staged = stage(in -> {
      @SuppressWarnings("unchecked")
      List<Tensor> p = (List<Tensor>) in.get("params");
      Tensor x = (Tensor) in.get("x");
      Tensor y = ops.add(ops.matmul(x, p.get(0)), p.get(1));
      Tensor q = (Tensor) in.get("say \"hi\"");
      return Map.of("y", List.of(ops.mul(y, scale), y), "loss", ops.sum(ops.mul(q, q)));
    });
    Map<String, Object> input = Map.of("params", List.of(matrix(3, 2, 0), matrix(1, 2, 1)),
        "x", matrix(4, 3, -1), "say \"hi\"", matrix(1, 1, 5), "steps", 3);
    DotGraph g = readBack(staged.toDot(input));
    assertEquals(1, staged.graphCount(), "toDot traces the signature");
    assertEquals(List.of("params[0]", "params[1]", "['say \"hi\"']", "x"), names(g, "input"));
    assertEquals(List.of("capture 0"), names(g, "capture"));
    assertEquals(List.of("loss", "y[0]", "y[1]"), names(g, "output"));
    assertTrue(g.toDot().contains("label=\"['say \\\"hi\\\"']\\nfloat32 (1, 1)\""), g.toDot());
    assertEquals("params[0]\nfloat32 (3, 2)",
        g.node(idOf(g, "input", "params[0]")).orElseThrow().label());
    assertEquals("y[0]\nfloat32 (4, 2)", g.node(idOf(g, "output", "y[0]")).orElseThrow().label());
    assertTrue(names(g, "op").contains("MatMul"), names(g, "op").toString());
    for (String in : List.of("params[0]", "params[1]", "x")) {
      assertTrue(reaches(g, idOf(g, "input", in), idOf(g, "output", "y[1]")), in);
    }
    assertTrue(reaches(g, idOf(g, "capture", "capture 0"), idOf(g, "output", "y[0]")));
    assertFalse(reaches(g, idOf(g, "input", "x"), idOf(g, "output", "loss")));
    Map<String, Object> out = staged.apply(input);
    assertEquals(1, staged.graphCount(), "apply runs the graph toDot traced");
    assertArrayEquals(new double[] {25}, ((Tensor) out.get("loss")).toDoubleArray(), 1e-4);
  }

  /** One MAML meta-step: an inner SGD step through a MetaOptimizer, then Adam on the meta-loss. */
  private Function<Map<String, Object>, Map<String, Object>> metaStep(GradientTransformation adam) {
    GradientTransformation sgd = Optimizers.sgd(0.1);
    Function<List<Tensor>, Function<Map<String, Tensor>, Tensor>> mse = p -> d -> ops.mean(
        ops.square(ops.sub(ops.matmul(ops.tanh(ops.matmul(d.get("x"), p.get(0))), p.get(1)),
            d.get("y"))));
    return in -> {
      @SuppressWarnings("unchecked")
      List<Tensor> theta = (List<Tensor>) in.get("params");
      @SuppressWarnings("unchecked")
      Map<String, Tensor> tasks = (Map<String, Tensor>) in.get("tasks");
      Map<String, Tensor> support = Map.of("x", tasks.get("xs"), "y", tasks.get("ys"));
      Map<String, Tensor> query = Map.of("x", tasks.get("xq"), "y", tasks.get("yq"));
      ValueAndGrad<List<Tensor>> vg = BACKEND.autodiff().valueAndGrad(meta -> {
        MetaOptimizer<List<Tensor>> inner = MetaOptimizer.of(BACKEND, sgd, meta);
        inner.step(p -> mse.apply(p).apply(support));
        return mse.apply(inner.params()).apply(query);
      }, theta, false);
      Step<List<Tensor>> step = adam.update(vg.grad(), in.get("state"), theta);
      return Map.of("params", Updates.apply(theta, step.updates()), "state", step.state(),
          "loss", vg.value());
    };
  }

  @Test
  @DisplayName("TF-DOT-02 a staged MAML meta-step: inputs named by tree paths, gradients collapsed")
  void mamlMetaStep() {
    GradientTransformation adam = Optimizers.adam(1e-3);
    List<Tensor> params = List.of(matrix(1, 8, 0.1), matrix(8, 1, -0.2));
    Map<String, Object> input = Map.of("params", params, "state", adam.init(params),
        "tasks", Map.of("xs", matrix(5, 1, 0), "ys", matrix(5, 1, 1), "xq", matrix(5, 1, 2),
            "yq", matrix(5, 1, 3)));
    StagedFunction<Map<String, Object>, Map<String, Object>> staged = stage(metaStep(adam));
    DotGraph full = readBack(staged.toDot(input));
    List<String> expectedInputs = new ArrayList<>();
    Trees.paths(input).forEach(p -> expectedInputs.add(DotLabels.path(p)));
    assertEquals(expectedInputs, names(full, "input"));
    assertTrue(expectedInputs.containsAll(List.of("params[0]", "params[1]", "tasks.xs",
        "tasks.yq", "state.states[0].mu[1]", "state.states[0].count")), expectedInputs.toString());
    List<String> outputs = names(full, "output");
    assertTrue(outputs.containsAll(List.of("loss", "params[0]", "params[1]",
        "state.states[0].nu[0]")), outputs.toString());
    assertTrue(names(full, "op").stream().anyMatch(n -> n.endsWith("Grad")),
        "second-order rules in the graph");
    assertTrue(full.nodes().stream().anyMatch(n -> n.id().startsWith(Trace.GRADIENT_PREFIX)));

    DotGraph collapsed = readBack(staged.toDot(input, true));
    assertEquals(1, staged.graphCount());
    assertEquals(names(full, "input"), names(collapsed, "input"));
    assertEquals(outputs, names(collapsed, "output"));
    List<String> calls = names(collapsed, "gradients");
    assertEquals(2, calls.size(), "the inner and the outer gradient: " + calls);
    assertTrue(collapsed.nodes().size() * 2 < full.nodes().size(),
        collapsed.nodes().size() + " nodes collapsed vs " + full.nodes().size());
    assertFalse(collapsed.nodes().stream().anyMatch(n -> n.id().startsWith(Trace.GRADIENT_PREFIX)));
    String outer = idOf(collapsed, "gradients", calls.get(1));
    assertTrue(reaches(collapsed, idOf(collapsed, "input", "tasks.xq"), outer));
    assertTrue(reaches(collapsed, outer, idOf(collapsed, "output", "params[0]")));
  }
}
