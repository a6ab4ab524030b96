package dev.diffopt.viz;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A directed graph in Graphviz's DOT language: nodes and edges with string attributes, plus
 * default attributes for the graph, its nodes and its edges. Made with a {@link Builder} (which
 * refuses a duplicate node id and an edge between undeclared nodes), written by {@link #toDot()}
 * and read back by {@link #parse(String)}. Render the text with {@code dot -Tsvg graph.dot -o
 * graph.svg}.
 *
 * <p>Every id and attribute value is written as a quoted DOT string: {@code \} becomes {@code
 * \\}, {@code "} becomes {@code \"} and a line break becomes {@code \n}, so any text, including
 * user map keys, is safe; in a {@code label} Graphviz shows {@code \\} as one backslash and
 * {@code \n} as a line break, so labels show the original text.
 */
public final class DotGraph {
  /**
   * A node statement.
   *
   * @param id the node's id, unique in its graph
   * @param attributes its attributes in the order written (unmodifiable)
   */
  public record Node(String id, Map<String, String> attributes) {
    /**
     * The {@code label} attribute.
     *
     * @return the label, or null if the node has none
     */
    public String label() {
      return attributes.get("label");
    }
  }

  /**
   * An edge statement.
   *
   * @param from the id of the tail node
   * @param to the id of the head node
   * @param attributes its attributes in the order written (unmodifiable)
   */
  public record Edge(String from, String to, Map<String, String> attributes) {
    /**
     * The {@code label} attribute.
     *
     * @return the label, or null if the edge has none
     */
    public String label() {
      return attributes.get("label");
    }
  }

  private final String name;
  private final Map<String, Map<String, String>> defaults;
  private final List<Node> nodes;
  private final List<Edge> edges;

  DotGraph(String name, Map<String, Map<String, String>> defaults, List<Node> nodes,
      List<Edge> edges) {
    this.name = name;
    Map<String, Map<String, String>> d = new LinkedHashMap<>();
    for (String target : DotText.DEFAULT_TARGETS) {
      d.put(target, frozen(defaults.getOrDefault(target, Map.of())));
    }
    this.defaults = Collections.unmodifiableMap(d);
    this.nodes = List.copyOf(nodes);
    this.edges = List.copyOf(edges);
  }

  /**
   * A builder for a graph called {@code name}.
   *
   * @param name the graph's name (any text)
   * @return an empty builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Attributes in the order given, for {@link Builder#node}, {@link Builder#edge} and {@link
   * Builder#defaults} (unlike {@code Map.of}, whose order changes from run to run).
   *
   * @param namesAndValues a name, its value, the next name, its value, ...
   * @return a modifiable map in that order
   * @throws IllegalArgumentException for an odd number of strings
   */
  public static Map<String, String> attributes(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("attributes come in name/value pairs, got "
          + namesAndValues.length + " strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      out.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return out;
  }

  /**
   * Reads DOT text: {@code digraph [name] { ... }} with node statements, edge statements (chains
   * {@code a -> b -> c} included), default attribute statements ({@code graph [...]}, {@code node
   * [...]}, {@code edge [...]}), {@code name = value} graph attributes, and line or block
   * comments; ids are quoted strings or bare words. Subgraphs and HTML labels are
   * not read. The reader takes what is there: it does not check ids for uniqueness or edges for
   * declared ends (the {@link Builder} does), so a test can check the text itself.
   *
   * @param dot the text
   * @return the graph, with the escapes of quoted strings undone
   * @throws IllegalArgumentException where the text leaves that subset, with the offset
   */
  public static DotGraph parse(String dot) {
    return new DotReader(dot).read();
  }

  /**
   * The graph's name.
   *
   * @return the name given to the builder
   */
  public String name() {
    return name;
  }

  /**
   * Default attributes of the graph ({@code "graph"}), its nodes ({@code "node"}) or its edges
   * ({@code "edge"}).
   *
   * @param target {@code "graph"}, {@code "node"} or {@code "edge"}
   * @return the attributes (unmodifiable, possibly empty)
   * @throws IllegalArgumentException for another target
   */
  public Map<String, String> defaults(String target) {
    Map<String, String> d = defaults.get(target);
    if (d == null) {
      throw new IllegalArgumentException(
          "target must be one of " + DotText.DEFAULT_TARGETS + ", got '" + target + "'");
    }
    return d;
  }

  /**
   * The nodes, in the order written.
   *
   * @return an unmodifiable list
   */
  public List<Node> nodes() {
    return nodes;
  }

  /**
   * The edges, in the order written.
   *
   * @return an unmodifiable list
   */
  public List<Edge> edges() {
    return edges;
  }

  /**
   * The first node with this id.
   *
   * @param id a node id
   * @return the node, or empty
   */
  public Optional<Node> node(String id) {
    for (Node n : nodes) {
      if (n.id().equals(id)) {
        return Optional.of(n);
      }
    }
    return Optional.empty();
  }

  /**
   * What Graphviz would read differently from how it is written: a node id declared more than
   * once (Graphviz merges the statements) and an edge end that is not declared (Graphviz makes a
   * bare node for it). A graph from a {@link Builder} has none; for a {@link #parse parsed} graph
   * this checks the text.
   *
   * @return one line per problem, empty if there is none
   */
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (Node n : nodes) {
      if (!ids.add(n.id())) {
        out.add("node '" + n.id() + "' is declared more than once");
      }
    }
    for (Edge e : edges) {
      for (String end : new String[] {e.from(), e.to()}) {
        if (!ids.contains(end)) {
          out.add("edge " + e.from() + " -> " + e.to() + ": node '" + end + "' is not declared");
        }
      }
    }
    return out;
  }

  /**
   * The graph as DOT text: the {@code digraph "name"} header, then in braces the default
   * attributes, one line per node and one line per edge.
   *
   * @return the text, ending with a line break
   */
  public String toDot() {
    StringBuilder sb = new StringBuilder("digraph ").append(DotText.quote(name)).append(" {\n");
    for (Map.Entry<String, Map<String, String>> d : defaults.entrySet()) {
      if (!d.getValue().isEmpty()) {
        sb.append("  ").append(d.getKey());
        DotText.appendAttributes(sb, d.getValue());
        sb.append(";\n");
      }
    }
    for (Node n : nodes) {
      sb.append("  ").append(DotText.quote(n.id()));
      DotText.appendAttributes(sb, n.attributes());
      sb.append(";\n");
    }
    for (Edge e : edges) {
      sb.append("  ").append(DotText.quote(e.from())).append(" -> ").append(DotText.quote(e.to()));
      DotText.appendAttributes(sb, e.attributes());
      sb.append(";\n");
    }
    return sb.append("}\n").toString();
  }

  /** The same text as {@link #toDot()}. */
  @Override
  public String toString() {
    return toDot();
  }

  private static Map<String, String> frozen(Map<String, String> attributes) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
  }

  /**
   * Collects the statements of a {@link DotGraph}. Not thread-safe.
   */
  public static final class Builder {
    private final String name;
    private final Map<String, Map<String, String>> defaults = new LinkedHashMap<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();
    private final List<Edge> edges = new ArrayList<>();

    private Builder(String name) {
      this.name = requireText(name, "name");
    }

    /**
     * Adds default attributes for {@code target}; a later value for the same key replaces it.
     *
     * @param target {@code "graph"}, {@code "node"} or {@code "edge"}
     * @param attributes the attributes
     * @return this builder
     * @throws IllegalArgumentException for another target
     */
    public Builder defaults(String target, Map<String, String> attributes) {
      if (!DotText.DEFAULT_TARGETS.contains(target)) {
        throw new IllegalArgumentException(
            "target must be one of " + DotText.DEFAULT_TARGETS + ", got '" + target + "'");
      }
      defaults.computeIfAbsent(target, t -> new LinkedHashMap<>()).putAll(checked(attributes));
      return this;
    }

    /**
     * Adds a node.
     *
     * @param id its id, unique in this graph
     * @param attributes its attributes (copied, in iteration order)
     * @return this builder
     * @throws IllegalArgumentException if a node with this id was added already
     */
    public Builder node(String id, Map<String, String> attributes) {
      requireText(id, "node id");
      if (!ids.add(id)) {
        throw new IllegalArgumentException("duplicate node id '" + id + "'");
      }
      nodes.add(new Node(id, frozen(checked(attributes))));
      return this;
    }

    /**
     * Adds an edge between two nodes added before.
     *
     * @param from the id of the tail node
     * @param to the id of the head node
     * @param attributes its attributes (copied, in iteration order)
     * @return this builder
     * @throws IllegalArgumentException if either node has not been added
     */
    public Builder edge(String from, String to, Map<String, String> attributes) {
      for (String end : new String[] {from, to}) {
        if (!ids.contains(end)) {
          throw new IllegalArgumentException("edge " + from + " -> " + to + ": no node '" + end
              + "' was added before");
        }
      }
      edges.add(new Edge(from, to, frozen(checked(attributes))));
      return this;
    }

    /**
     * Whether a node with this id has been added.
     *
     * @param id a node id
     * @return true if {@link #node} was called with it
     */
    public boolean hasNode(String id) {
      return ids.contains(id);
    }

    /**
     * The graph of the statements added so far.
     *
     * @return an immutable graph
     */
    public DotGraph build() {
      return new DotGraph(name, defaults, nodes, edges);
    }

    private static Map<String, String> checked(Map<String, String> attributes) {
      for (Map.Entry<String, String> a : attributes.entrySet()) {
        requireText(a.getKey(), "attribute name");
        requireText(a.getValue(), "value of attribute " + a.getKey());
      }
      return attributes;
    }

    private static String requireText(String s, String what) {
      if (s == null) {
        throw new NullPointerException(what + " is null");
      }
      return s;
    }
  }
}
