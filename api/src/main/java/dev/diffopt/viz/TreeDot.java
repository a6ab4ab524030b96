package dev.diffopt.viz;

import dev.diffopt.tree.Flat;
import dev.diffopt.tree.KeyPath;
import dev.diffopt.tree.NodeKind;
import dev.diffopt.tree.PathEntry;
import dev.diffopt.tree.TreeSpec;
import dev.diffopt.tree.Trees;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link TreeSpec} (and optionally the leaves of a tree of that structure) as a Graphviz graph,
 * TorchOpt's {@code make_dot} for pytrees.
 *
 * <p>One DOT node per spec node, ids {@code n0}, {@code n1}, ... in pre-order, so the leaves come
 * in flattening order:
 *
 * <ul>
 *   <li>an inner node (box) shows its kind and what its children are called: {@code map} with
 *       {@code keys: a, b}, {@code record Point} with {@code fields: x, y}, {@code list} with
 *       {@code 3 elements}, {@code custom Module<aux>} with its keys, {@code Optional}, {@code
 *       array String[]} (class names without their package, a nested class after its enclosing
 *       one: {@code record ScaleByAdam.State}); a None node is {@code None};
 *   <li>a leaf (filled ellipse) shows its path in the short form of {@link DotLabels#path} ({@code
 *       params[0]}) and, when the leaves are given, what the leaf is ({@link DotLabels#leaf}: for
 *       a tensor its dtype and shape, e.g. {@code float32 (40, 1)});
 *   <li>an edge from a node to each child is labelled with the path entry ({@code ['a']}, {@code
 *       [0]}, {@code .x}, {@code .get()}).
 * </ul>
 *
 * Every node also carries its exact path ({@link KeyPath#toString()}) as its {@code tooltip}, and
 * {@code class} {@code "leaf"} or {@code "node KIND"} (the kind in lower case), which Graphviz
 * passes to SVG. The traversal is iterative, so deep specs do not exhaust the stack.
 */
public final class TreeDot {
  /** An inner node lists at most this many child names. */
  static final int MAX_KEYS = 10;

  private TreeDot() {}

  /**
   * The structure alone: leaves are labelled with their paths.
   *
   * @param spec a structure
   * @return the graph
   */
  public static DotGraph ofSpec(TreeSpec spec) {
    return build(Objects.requireNonNull(spec, "spec"), null);
  }

  /**
   * A tree of the global registry ({@link Trees#flatten}): the leaves are also described.
   *
   * @param tree any tree
   * @return the graph
   */
  public static DotGraph ofTree(Object tree) {
    Flat flat = Trees.flatten(tree);
    return of(flat.spec(), flat.leaves());
  }

  /**
   * A structure with its leaves (e.g. from the {@link dev.diffopt.tree.TreeRegistry#flatten} of
   * any registry), each leaf described.
   *
   * @param spec the structure
   * @param leaves {@code spec.numLeaves()} leaves in flattening order
   * @return the graph
   * @throws IllegalArgumentException if the number of leaves is wrong
   */
  public static DotGraph of(TreeSpec spec, List<?> leaves) {
    Objects.requireNonNull(spec, "spec");
    if (leaves.size() != spec.numLeaves()) {
      throw new IllegalArgumentException("expected " + spec.numLeaves() + " leaves for structure "
          + spec + ", got " + leaves.size());
    }
    return build(spec, leaves);
  }

  /** One spec node still to visit: where it is and the edge that leads to it. */
  private record Visit(TreeSpec spec, KeyPath path, String parent, PathEntry entry) {}

  private static DotGraph build(TreeSpec root, List<?> leaves) {
    DotGraph.Builder g = DotGraph.builder("tree")
        .defaults("node", DotGraph.attributes("fontname", "Helvetica", "fontsize", "11"))
        .defaults("edge", DotGraph.attributes("fontname", "Helvetica", "fontsize", "10"));
    ArrayDeque<Visit> work = new ArrayDeque<>();
    work.push(new Visit(root, KeyPath.root(), null, null));
    int ids = 0;
    int leaf = 0;
    while (!work.isEmpty()) {
      Visit v = work.pop();
      String id = "n" + ids++;
      Map<String, String> attributes;
      if (v.spec().isLeaf()) {
        String label = DotLabels.path(v.path());
        if (leaves != null) {
          label += "\n" + DotLabels.leaf(leaves.get(leaf));
        }
        leaf++;
        attributes = DotGraph.attributes("label", label, "shape", "ellipse", "style", "filled",
            "fillcolor", "lightblue", "class", "leaf");
      } else {
        attributes = DotGraph.attributes("label", describe(v.spec()),
            "shape", v.spec().kind() == NodeKind.NONE ? "plaintext" : "box",
            "class", "node " + v.spec().kind().name().toLowerCase(Locale.ROOT));
      }
      attributes.put("tooltip", v.path().toString());
      g.node(id, attributes);
      if (v.parent() != null) {
        g.edge(v.parent(), id, DotGraph.attributes("label", v.entry().toString()));
      }
      List<TreeSpec> children = v.spec().children();
      List<PathEntry> entries = v.spec().childEntries();
      for (int i = children.size() - 1; i >= 0; i--) {
        work.push(new Visit(children.get(i), v.path().append(entries.get(i)), id, entries.get(i)));
      }
    }
    return g.build();
  }

  /** The label of an inner node: its kind, then what its children are called. */
  private static String describe(TreeSpec spec) {
    int n = spec.numChildren();
    return switch (spec.kind()) {
      case NONE -> "None";
      case LIST -> "list\n" + count(n);
      case ARRAY -> "array " + DotLabels.type(spec.nodeType()) + "\n" + count(n);
      case OPTIONAL -> n == 0 ? "Optional.empty" : "Optional";
      case MAP -> "map\n" + names("keys", spec);
      case ORDERED_MAP -> "ordered map\n" + names("keys", spec);
      case RECORD -> "record " + DotLabels.type(spec.nodeType()) + "\n" + names("fields", spec);
      default -> {
        String head = "custom " + DotLabels.type(spec.nodeType())
            + (spec.auxData() == null ? "" : "<" + spec.auxData() + ">");
        boolean named = !spec.childEntries().isEmpty()
            && !(spec.childEntries().get(0) instanceof PathEntry.Index);
        yield head + "\n" + (named ? names("keys", spec) : count(n));
      }
    };
  }

  private static String count(int n) {
    return n + (n == 1 ? " element" : " elements");
  }

  /** {@code what: a, b, c}, at most {@value #MAX_KEYS} names. */
  private static String names(String what, TreeSpec spec) {
    List<String> names = new ArrayList<>();
    for (PathEntry e : spec.childEntries()) {
      if (names.size() == MAX_KEYS) {
        names.add("… (" + spec.numChildren() + ")");
        break;
      }
      names.add(name(e));
    }
    return names.isEmpty() ? what + ": none" : what + ": " + String.join(", ", names);
  }

  /** The plain name of a child: a map key, a component name or a custom key as it is. */
  private static String name(PathEntry e) {
    if (e instanceof PathEntry.MapKey k) {
      return String.valueOf(k.key());
    }
    if (e instanceof PathEntry.Field f) {
      return f.name();
    }
    if (e instanceof PathEntry.CustomKey k) {
      return String.valueOf(k.key());
    }
    return e.toString();
  }
}
