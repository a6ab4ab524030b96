package dev.diffopt.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tree.Flat;
import dev.diffopt.tree.KeyPath;
import dev.diffopt.tree.NodeDef;
import dev.diffopt.tree.TreeRegistry;
import dev.diffopt.tree.TreeSpec;
import dev.diffopt.tree.Trees;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link TreeDot}: the DOT text of a tree, read back and checked node by node. */
class TreeDotTest {
  /** Adam-like optimizer state: a record node. */
  record State(List<Object> mu, Object count) {}

  /** A tensor that only knows its dtype and shape (a proxy: nothing else is called). */
  private static Tensor tensor(DType dtype, long... dims) {
    Shape shape = Shape.of(dims);
    return (Tensor) Proxy.newProxyInstance(Tensor.class.getClassLoader(),
        new Class<?>[] {Tensor.class}, (proxy, method, args) -> switch (method.getName()) {
          case "shape" -> shape;
          case "dtype" -> dtype;
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  /** A nested tree of maps, lists, a record, an ordered map, Optionals, None and odd keys. */
  private static Map<String, Object> tree() {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("z", Optional.of(2.5));
    meta.put("a", Optional.empty());
    Map<String, Object> tree = new HashMap<>();
    tree.put("params", List.of(tensor(DType.FLOAT32, 1, 40), tensor(DType.FLOAT32, 40)));
    tree.put("state", new State(List.of(tensor(DType.FLOAT32, 1, 40), tensor(DType.FLOAT32, 40)),
        tensor(DType.INT64)));
    tree.put("meta", meta);
    tree.put("say \"hi\"", "a \"quoted\" leaf");
    tree.put("back\\slash", 7);
    tree.put("nothing", null);
    tree.put("names", new Object[] {"w", new Object()});
    return tree;
  }

  /** Parses {@code graph}'s text and checks what every DOT graph of a tree must satisfy. */
  private static DotGraph readBack(DotGraph graph, TreeSpec spec) {
    DotGraph read = DotGraph.parse(graph.toDot());
    assertEquals(List.of(), read.problems(), graph.toDot());
    assertEquals(graph.nodes(), read.nodes());
    assertEquals(graph.edges(), read.edges());
    assertEquals(spec.numNodes(), read.nodes().size());
    assertEquals(spec.numNodes() - 1, read.edges().size());
    Set<String> children = new HashSet<>();
    for (DotGraph.Edge e : read.edges()) {
      assertTrue(children.add(e.to()), "one parent per node: " + e);
    }
    return read;
  }

  private static List<DotGraph.Node> leaves(DotGraph g) {
    List<DotGraph.Node> out = new ArrayList<>();
    for (DotGraph.Node n : g.nodes()) {
      if (n.attributes().get("class").equals("leaf")) {
        out.add(n);
      }
    }
    return out;
  }

  @Test
  void aNestedTreeHasOneNodePerSpecNodeAndLeavesLabelledByPathAndTensorType() {
    Flat flat = Trees.flatten(tree());
    DotGraph g = readBack(TreeDot.ofTree(tree()), flat.spec());
    List<DotGraph.Node> leaves = leaves(g);
    List<KeyPath> paths = flat.spec().paths();
    assertEquals(paths.size(), leaves.size());
    for (int i = 0; i < paths.size(); i++) {
      String[] lines = leaves.get(i).label().split("\n");
      assertEquals(DotLabels.path(paths.get(i)), lines[0]);
      assertEquals(DotLabels.leaf(flat.leaves().get(i)), lines[1]);
      assertEquals(paths.get(i).toString(), leaves.get(i).attributes().get("tooltip"));
    }
    List<String> labels = leaves.stream().map(DotGraph.Node::label).toList();
    assertEquals(List.of("['back\\\\slash']\n7", "meta.z.get()\n2.5", "names[0]\nw",
        "names[1]\nObject",
        "params[0]\nfloat32 (1, 40)", "params[1]\nfloat32 (40,)",
        "['say \"hi\"']\na \"quoted\" leaf", "state.mu[0]\nfloat32 (1, 40)",
        "state.mu[1]\nfloat32 (40,)", "state.count\nint64 ()"), labels);
    DotGraph.Node root = g.nodes().get(0);
    assertEquals("map\nkeys: back\\slash, meta, names, nothing, params, say \"hi\", state",
        root.label());
    assertEquals("<root>", root.attributes().get("tooltip"));
    assertEquals("record TreeDotTest.State\nfields: mu, count",
        g.node("n" + nodeIndex(g, "record TreeDotTest.State")).orElseThrow().label());
    assertTrue(labelsOf(g).containsAll(List.of("ordered map\nkeys: z, a", "Optional",
        "Optional.empty", "None", "list\n2 elements", "array Object[]\n2 elements")),
        labelsOf(g).toString());
    List<String> rootEdges = g.edges().stream().filter(e -> e.from().equals("n0"))
        .map(DotGraph.Edge::label).toList();
    assertEquals(List.of("['back\\\\slash']", "['meta']", "['names']", "['nothing']", "['params']",
        "['say \"hi\"']", "['state']"), rootEdges);
  }

  @Test
  void quotesInKeysAreEscapedInTheText() {
    String dot = TreeDot.ofTree(tree()).toDot();
    assertTrue(dot.contains("label=\"['say \\\"hi\\\"']\\na \\\"quoted\\\" leaf\""), dot);
    assertTrue(dot.contains("label=\"['back\\\\\\\\slash']\\n7\""), dot);
  }

  @Test
  void aSpecAloneLabelsLeavesByPathOnly() {
    TreeSpec spec = Trees.structure(tree());
    DotGraph g = readBack(TreeDot.ofSpec(spec), spec);
    List<String> labels = leaves(g).stream().map(DotGraph.Node::label).toList();
    assertEquals(spec.paths().stream().map(DotLabels::path).toList(), labels);
    DotGraph single = readBack(TreeDot.ofSpec(Trees.structure(1.0)), Trees.structure(1.0));
    assertEquals("<root>", single.nodes().get(0).label());
  }

  /** A module node with a name (auxiliary data) and named children. */
  static final class Module {
    final Object weight;
    final Object bias;

    Module(Object weight, Object bias) {
      this.weight = weight;
      this.bias = bias;
    }
  }

  @Test
  void customNodesShowTheirTypeAuxDataAndKeys() {
    TreeRegistry registry = TreeRegistry.create();
    registry.register(Module.class, NodeDef.of(
        m -> NodeDef.Flattened.of(java.util.Arrays.asList(m.weight, m.bias), "lin",
            List.of("weight", "b i")),
        (aux, kids) -> new Module(kids.get(0), kids.get(1))));
    Flat flat = registry.flatten(List.of(new Module(tensor(DType.FLOAT64, 2, 3), null)));
    DotGraph g = readBack(TreeDot.of(flat.spec(), flat.leaves()), flat.spec());
    assertTrue(labelsOf(g).contains("custom TreeDotTest.Module<lin>\nkeys: weight, b i"),
        labelsOf(g).toString());
    assertEquals(List.of("[0].weight\nfloat64 (2, 3)"),
        leaves(g).stream().map(DotGraph.Node::label).toList());
    assertTrue(labelsOf(g).contains("None"), "the None bias is a node");
    assertThrows(IllegalArgumentException.class, () -> TreeDot.of(flat.spec(), List.of()));
  }

  @Test
  void shortPathsReadAsParameterNames() {
    Map<String, Object> in = Map.of("params", List.of(1), "tasks", Map.of("xs", 2),
        "state", List.of(new State(List.of(3), 4)), "7up", 5);
    List<String> paths = Trees.paths(in).stream().map(DotLabels::path).toList();
    assertEquals(List.of("['7up']", "params[0]", "state[0].mu[0]", "state[0].count", "tasks.xs"),
        paths);
  }

  private static List<String> labelsOf(DotGraph g) {
    return g.nodes().stream().map(DotGraph.Node::label).toList();
  }

  private static int nodeIndex(DotGraph g, String labelStart) {
    for (int i = 0; i < g.nodes().size(); i++) {
      if (g.nodes().get(i).label().startsWith(labelStart)) {
        return i;
      }
    }
    throw new AssertionError("no node labelled " + labelStart);
  }
}
