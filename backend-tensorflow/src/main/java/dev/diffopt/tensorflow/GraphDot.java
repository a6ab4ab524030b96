package dev.diffopt.tensorflow;

import dev.diffopt.viz.DotGraph;
import dev.diffopt.viz.DotLabels;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;

/**
 * A traced graph as a {@link DotGraph} ({@link StagedFunction#toDot}): one node per operation
 * (id: the operation's name; label: its type, then its name where that differs; constants in
 * grey), one edge per data input (labelled
 * {@code :k} when it reads output {@code k > 0}) and a dashed edge per control input. The
 * function's input placeholders are labelled with the short paths of their leaves in the input
 * tree ({@code params[0]}, class {@code input}), the placeholders of captured tensors with {@code
 * capture k} (class {@code capture}), both with dtype and shape; each fetched output gets a node
 * of its own, {@code output:k} (class {@code output}), labelled with its path in the output tree.
 * TensorFlow op names never contain {@code :}, so these ids cannot clash.
 *
 * <p>With {@code collapseGradients}, the operations of each gradient call ({@code addGradients}
 * under the name scope {@code diffopt_grad_K/}, the bulk of a meta-step's graph) become one node,
 * {@code gradients:diffopt_grad_K} (class {@code gradients}), labelled with its operation count;
 * edges inside it disappear and parallel edges merge.
 */
final class GraphDot {
  private GraphDot() {}

  /** How a placeholder is shown: its label and its class ({@code input} or {@code capture}). */
  private record Placeholder(String label, String kind) {}

  /**
   * The DOT graph of {@code trace}'s graph.
   *
   * @param inputs the placeholders of the function's tensor inputs
   * @param inputNames their labels, one each
   * @param fetches the fetched outputs
   * @param fetchNames their labels, one each
   */
  static DotGraph of(Trace trace, List<Output<?>> inputs, List<String> inputNames,
      List<Output<?>> fetches, List<String> fetchNames, boolean collapseGradients) {
    Map<String, Placeholder> placeholders = new HashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      placeholders.put(inputs.get(i).op().name(), new Placeholder(inputNames.get(i), "input"));
    }
    for (int i = 0; i < trace.capturePlaceholders.size(); i++) {
      placeholders.put(trace.capturePlaceholders.get(i).op().name(),
          new Placeholder("capture " + i, "capture"));
    }
    // pass 1: the DOT node of every operation, and the size of every collapsed gradient call
    Map<String, String> nodeOf = new HashMap<>();
    Map<String, Integer> groupSizes = new LinkedHashMap<>();
    for (Iterator<GraphOperation> it = trace.graph.operations(); it.hasNext(); ) {
      String name = it.next().name();
      String group = collapseGradients ? gradientCall(name) : null;
      nodeOf.put(name, group == null ? name : "gradients:" + group);
      if (group != null) {
        groupSizes.merge(group, 1, Integer::sum);
      }
    }
    DotGraph.Builder g = DotGraph.builder("staged function")
        .defaults("node", DotGraph.attributes("shape", "box", "fontname", "Helvetica",
            "fontsize", "10"))
        .defaults("edge", DotGraph.attributes("fontname", "Helvetica", "fontsize", "9"));
    // pass 2: nodes, then edges (every end is declared by then)
    for (Iterator<GraphOperation> it = trace.graph.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      String id = nodeOf.get(op.name());
      if (g.hasNode(id)) {
        continue;
      }
      String group = collapseGradients ? gradientCall(op.name()) : null;
      if (group != null) {
        int n = groupSizes.get(group);
        g.node(id, DotGraph.attributes("label", "gradients " + group + "\n" + n + " ops",
            "style", "filled", "fillcolor", "lightyellow", "class", "gradients"));
      } else if (placeholders.containsKey(op.name())) {
        Placeholder p = placeholders.get(op.name());
        g.node(id, DotGraph.attributes("label", p.label() + "\n" + type(op.output(0)),
            "style", "filled", "fillcolor", p.kind().equals("input") ? "lightblue" : "wheat",
            "class", p.kind(), "tooltip", op.name()));
      } else {
        String label = op.name().equals(op.type()) ? op.type() : op.type() + "\n" + op.name();
        Map<String, String> attributes = DotGraph.attributes("label", label, "class", "op");
        if (op.type().equals("Const")) {
          attributes.putAll(DotGraph.attributes("color", "gray60", "fontcolor", "gray40"));
        }
        g.node(id, attributes);
      }
    }
    Set<String> drawn = collapseGradients ? new HashSet<>() : null;
    for (Iterator<GraphOperation> it = trace.graph.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      String to = nodeOf.get(op.name());
      for (int i = 0; i < op.numInputs(); i++) {
        Output<?> in = op.input(i);
        edge(g, drawn, nodeOf.get(in.op().name()), to, in.index(), false);
      }
      for (GraphOperation control : op.controlInputs()) {
        edge(g, drawn, nodeOf.get(control.name()), to, 0, true);
      }
    }
    for (int k = 0; k < fetches.size(); k++) {
      Output<?> f = fetches.get(k);
      String id = "output:" + k;
      g.node(id, DotGraph.attributes("label", fetchNames.get(k) + "\n" + type(f),
          "style", "filled", "fillcolor", "darkolivegreen1", "class", "output"));
      edge(g, drawn, nodeOf.get(f.op().name()), id, f.index(), false);
    }
    return g.build();
  }

  /**
   * An edge, unless it stays inside one collapsed node or, when {@code drawn} is given (collapsed
   * gradients), the same edge has been drawn already.
   */
  private static void edge(DotGraph.Builder g, Set<String> drawn, String from, String to,
      int output, boolean control) {
    String label = output > 0 ? ":" + output : "";
    if (from.equals(to)
        || (drawn != null && !drawn.add(from + "\u0000" + to + "\u0000" + label + control))) {
      return;
    }
    Map<String, String> attributes = DotGraph.attributes();
    if (!label.isEmpty()) {
      attributes.put("label", label);
    }
    if (control) {
      attributes.put("style", "dashed");
    }
    g.edge(from, to, attributes);
  }

  /** The name scope of the gradient call {@code name} belongs to, or null. */
  private static String gradientCall(String name) {
    int slash = name.indexOf('/');
    return slash > 0 && name.startsWith(Trace.GRADIENT_PREFIX) ? name.substring(0, slash) : null;
  }

  /** The dtype and shape of a placeholder or a fetch (both always have static shapes). */
  private static String type(Output<?> out) {
    return DotLabels.tensor(TfTypes.dtype(out.dataType()),
        TfTypes.shape(out.shape(), out.op().type()));
  }
}
