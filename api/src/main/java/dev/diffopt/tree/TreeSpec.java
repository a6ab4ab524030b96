package dev.diffopt.tree;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The structure of a tree: an immutable value made of nodes ({@link NodeKind}) whose leaves are
 * placeholders. Obtained from {@link TreeRegistry#structure(Object)} or {@link
 * TreeRegistry#flatten(Object)}.
 *
 * <h2>Equality</h2>
 *
 * Two specs are equal when they have the same shape and the same node data: the kinds, the number
 * of children, the map keys (in child order), the record class, the array component type, the
 * custom node type with its auxiliary data and child keys, and the {@code noneIsLeaf} option. The
 * registry the spec came from is otherwise not part of equality.
 *
 * <h2>String form</h2>
 *
 * {@link #toString()} prints a leaf as {@code *} and nodes as follows:
 *
 * <ul>
 *   <li>None (a {@code null} node): {@code None}
 *   <li>list: {@code [*, *]}
 *   <li>map (sorted keys): {@code {a=*, b=None}}
 *   <li>ordered map ({@code LinkedHashMap}): {@code ordered{b=*, a=*}}
 *   <li>record: {@code Point(x=*, y=*)} (simple class name and component names)
 *   <li>array: {@code Object[](*, *)}, {@code String[](*)} (simple name of the component type)
 *   <li>Optional: {@code Optional[*]} and {@code Optional.empty}
 *   <li>custom node: {@code MyNode<aux>(*, *)}; without auxiliary data {@code MyNode(*, *)}; with
 *       child keys {@code MyNode<aux>(w=*, b=*)}
 * </ul>
 *
 * A spec made with {@code noneIsLeaf} ends with the suffix {@code  (noneIsLeaf)}. For example:
 * {@code [*, {a=*, b=None}, Point(x=*, y=*), Optional[*], Optional.empty, Object[](*, *),
 * MyNode<aux>(*, *)]}.
 */
public final class TreeSpec {
  private final NodeHeader header;
  private final List<TreeSpec> children;
  /** The same children as an array, for the hot loops of flattening and unflattening. */
  private final TreeSpec[] kids;
  /** {@code kind() == LEAF}, as a field for the hot loops. */
  private final boolean leaf;
  /**
   * {@code kind().ordinal()}, as a field for the hot loops (a switch on the enum costs three
   * dependent loads); compared with the {@code K_} constants.
   */
  private final int code;

  private static final int K_LEAF = 0;
  private static final int K_NONE = 1;
  private static final int K_LIST = 2;
  private static final int K_MAP = 3;

  static {
    if (NodeKind.LEAF.ordinal() != K_LEAF || NodeKind.NONE.ordinal() != K_NONE
        || NodeKind.LIST.ordinal() != K_LIST || NodeKind.MAP.ordinal() != K_MAP) {
      throw new AssertionError("NodeKind order changed");
    }
  }
  private final TreeRegistry registry;
  private final NodeDef<?> def;
  private final int numLeaves;
  private final int numNodes;
  /** A node with children that are all leaves: flattened and rebuilt by one loop or copy. */
  private final boolean leafKids;
  /** MAP: the keys as an array, for the hot loop of flattening; otherwise null. */
  private final Object[] keyArray;
  /**
   * What each child is, read by the hot loops from one array instead of from each child spec:
   * {@link #CHILD_LEAF}, {@link #CHILD_LEAF_LIST} (a list whose children are all leaves) or {@link
   * #CHILD_OTHER}.
   */
  private final byte[] kidShapes;
  /** The number of leaves of each child, for the same loops. */
  private final int[] kidLeaves;

  private static final byte CHILD_LEAF = 0;
  private static final byte CHILD_LEAF_LIST = 1;
  private static final byte CHILD_OTHER = 2;
  /** Computed on first use (flattening in a hot loop never needs it); 0 until then. */
  private int hash;
  private boolean hashIsZero;

  TreeSpec(NodeHeader header, List<TreeSpec> children, TreeRegistry registry, NodeDef<?> def) {
    this.header = header;
    this.kids = children.toArray(new TreeSpec[0]);
    this.leaf = header.kind() == NodeKind.LEAF;
    this.code = header.kind().ordinal();
    this.children = Collections.unmodifiableList(Arrays.asList(kids));
    this.registry = registry;
    this.def = def;
    int leaves = header.kind() == NodeKind.LEAF ? 1 : 0;
    int nodes = 1;
    boolean allLeaves = kids.length > 0;
    for (TreeSpec c : children) {
      leaves += c.numLeaves;
      nodes += c.numNodes;
      allLeaves &= c.leaf;
    }
    this.numLeaves = leaves;
    this.numNodes = nodes;
    this.leafKids = allLeaves;
    this.keyArray = header.kind() == NodeKind.MAP ? header.keys().toArray() : null;
    this.kidShapes = new byte[kids.length];
    this.kidLeaves = new int[kids.length];
    for (int i = 0; i < kids.length; i++) {
      TreeSpec c = kids[i];
      kidShapes[i] = c.leaf ? CHILD_LEAF : c.leafKids && c.code == K_LIST ? CHILD_LEAF_LIST
          : CHILD_OTHER;
      kidLeaves[i] = c.numLeaves;
    }
  }

  /**
   * The kind of the root node.
   *
   * @return the kind
   */
  public NodeKind kind() {
    return header.kind();
  }

  /**
   * Whether this spec is a single leaf.
   *
   * @return true if {@link #kind()} is {@link NodeKind#LEAF}
   */
  public boolean isLeaf() {
    return header.kind() == NodeKind.LEAF;
  }

  /**
   * Whether {@code null} was treated as a leaf (rather than an empty node) when this spec was made.
   *
   * @return the {@code noneIsLeaf} option of the registry that made this spec
   */
  public boolean noneIsLeaf() {
    return registry.noneIsLeaf();
  }

  /**
   * The number of leaves.
   *
   * @return the number of leaves
   */
  public int numLeaves() {
    return numLeaves;
  }

  /**
   * The number of nodes, counting the root, every inner node, every None node and every leaf.
   *
   * @return the number of nodes (1 for a leaf)
   */
  public int numNodes() {
    return numNodes;
  }

  /**
   * The number of children of the root node.
   *
   * @return the number of children (0 for a leaf or None)
   */
  public int numChildren() {
    return children.size();
  }

  /**
   * The specs of the children of the root node, in flattening order.
   *
   * @return an unmodifiable list
   */
  public List<TreeSpec> children() {
    return children;
  }

  /**
   * The path entries that lead from the root node to each of its children, e.g. map keys or record
   * component names.
   *
   * @return one entry per child
   */
  public List<PathEntry> childEntries() {
    List<PathEntry> out = new ArrayList<>(children.size());
    for (int i = 0; i < children.size(); i++) {
      out.add(header.entry(i));
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * The Java type of the root node: the record class, the array class, the registered custom
   * class, {@code List.class}, {@code Map.class}, {@code LinkedHashMap.class} or {@code
   * Optional.class}; null for a leaf or None.
   *
   * @return the node type, or null
   */
  public Class<?> nodeType() {
    switch (header.kind()) {
      case LIST:
        return List.class;
      case MAP:
        return Map.class;
      case ORDERED_MAP:
        return LinkedHashMap.class;
      case OPTIONAL:
        return Optional.class;
      case ARRAY:
        return header.type().arrayType();
      case RECORD:
      case CUSTOM:
        return header.type();
      default:
        return null;
    }
  }

  /**
   * The auxiliary data of a custom root node, as returned by {@link NodeDef#flatten}.
   *
   * @return the auxiliary data; null for other kinds
   */
  public Object auxData() {
    return header.aux();
  }

  /**
   * Builds a tree of this structure with the given leaves, in flattening order. Nodes are rebuilt
   * with their own kind: lists become unmodifiable lists (tolerating null), maps unmodifiable maps
   * iterating in the spec's key order (ordered maps stay {@code LinkedHashMap}s), records are
   * built by their canonical constructor, arrays get the original component type, a None node
   * becomes {@code null}, and custom nodes are rebuilt by their {@link NodeDef}. A present
   * Optional whose content is {@code null} becomes empty.
   *
   * @param leaves exactly {@link #numLeaves()} leaves
   * @return the tree
   * @throws IllegalArgumentException if the number of leaves is wrong, a record constructor fails,
   *     or a leaf cannot be stored in a typed array
   */
  public Object unflatten(List<?> leaves) {
    Objects.requireNonNull(leaves, "leaves");
    if (leaves.size() != numLeaves) {
      throw new IllegalArgumentException(
          "expected "
              + numLeaves
              + (numLeaves == 1 ? " leaf" : " leaves")
              + " for structure "
              + this
              + ", got "
              + leaves.size());
    }
    // the leaves of a flattening are a FrozenArrayList, whose array is read here, never written
    Object[] whole = leaves instanceof FrozenArrayList f ? f.wholeArray() : null;
    Object[] all = whole != null ? whole : leaves.toArray();
    return build(all, 0);
  }

  /**
   * Builds this node from {@code leaves[at...]}: a child's leaves follow those of the children
   * before it, so every node knows where its leaves start.
   */
  private Object build(Object[] leaves, int at) {
    int k = code;
    if (k == K_LEAF) {
      return leaves[at];
    }
    if (k == K_NONE) {
      return null;
    }
    TreeSpec[] specs = kids;
    Object[] built;
    if (leafKids) {
      if (k == K_LIST) {
        return new FrozenArrayList(leaves, at, specs.length);
      }
      built = Arrays.copyOfRange(leaves, at, at + specs.length);
    } else {
      byte[] shapes = kidShapes;
      int[] counts = kidLeaves;
      built = new Object[shapes.length];
      for (int i = 0; i < shapes.length; i++) {
        // leaves and lists of leaves inline: they are most of the nodes, and a call each would be
        // most of the cost
        switch (shapes[i]) {
          case CHILD_LEAF:
            built[i] = leaves[at++];
            break;
          case CHILD_LEAF_LIST:
            // a view of the leaf array: nothing writes it after flattening or copying it
            built[i] = new FrozenArrayList(leaves, at, counts[i]);
            at += counts[i];
            break;
          default:
            built[i] = specs[i].build(leaves, at);
            at += counts[i];
        }
      }
    }
    if (k == K_LIST) {
      return new FrozenArrayList(built);
    }
    if (k == K_MAP) {
      return new SortedKeyMap<>(header.keys(), built);
    }
    return construct(Arrays.asList(built));
  }

  @SuppressWarnings("unchecked")
  private Object construct(List<Object> kids) {
    switch (header.kind()) {
      case LIST:
        return Collections.unmodifiableList(kids);
      case MAP:
        return new SortedKeyMap<>(header.keys(), kids.toArray());
      case ORDERED_MAP:
        return new FrozenLinkedHashMap<>(header.keys(), kids);
      case RECORD:
        return RecordInfo.of(header.type()).construct(kids);
      case ARRAY:
        {
          Object[] array = (Object[]) java.lang.reflect.Array.newInstance(header.type(), kids.size());
          for (int i = 0; i < array.length; i++) {
            try {
              array[i] = kids.get(i);
            } catch (ArrayStoreException e) {
              throw new IllegalArgumentException(
                  "cannot store a "
                      + kids.get(i).getClass().getName()
                      + " as element ["
                      + i
                      + "] of a "
                      + header.type().getSimpleName()
                      + "[]",
                  e);
            }
          }
          return array;
        }
      case OPTIONAL:
        return kids.isEmpty() ? Optional.empty() : Optional.ofNullable(kids.get(0));
      default:
        return ((NodeDef<Object>) def)
            .unflatten(header.aux(), Collections.unmodifiableList(kids));
    }
  }

  /**
   * The leaves of {@code x} if {@code x} has exactly this structure, otherwise null: the fast path
   * of flattening a tree whose structure was seen before (checked node by node as {@link
   * TreeRegistry} would classify it; only lists, maps, None and leaves are taken this way).
   */
  Object[] matchLeaves(Object x) {
    Matcher m = registry.matcher();
    Object[] out = new Object[numLeaves];
    boolean ok;
    if (leaf) {
      ok = m.leaf(x);
      if (ok) {
        out[0] = x;
      }
    } else {
      ok = collect(x, out, 0, m);
    }
    registry.keepHints(m);
    return ok ? out : null;
  }

  /**
   * Writes the leaves of {@code x} to {@code out[at...]} and returns true if {@code x} has exactly
   * this structure (this spec is not a leaf); otherwise returns false, having written part of
   * {@code out}. Children that are leaves are handled inline, without a call.
   */
  private boolean collect(Object x, Object[] out, int at, Matcher m) {
    switch (code) {
      case K_NONE:
        return x == null;
      case K_LIST:
        {
          if (!m.list(x)) {
            return false;
          }
          List<?> list = (List<?>) x;
          TreeSpec[] specs = kids;
          int n = specs.length;
          if (list.size() != n) {
            return false;
          }
          if (leafKids) {
            return leavesOf(list, n, out, at, m);
          }
          for (int i = 0; i < n; i++) {
            at = collectKid(i, list.get(i), out, at, m);
            if (at < 0) {
              return false;
            }
          }
          return true;
        }
      case K_MAP:
        {
          if (!m.map(x)) {
            return false;
          }
          Map<?, ?> map = (Map<?, ?>) x;
          TreeSpec[] specs = kids;
          int n = specs.length;
          if (map.size() != n) {
            return false;
          }
          Object[] keys = keyArray;
          if (map.getClass() == HashMap.class) {
            // the usual case, decided by one class comparison (an interface check that fails,
            // as instanceof SortedMap would, costs a scan of the class's interfaces)
            return collectByKey(map, keys, out, at, m);
          }
          if (map instanceof SortedKeyMap<?, ?> sorted && sorted.keyList() == header.keys()) {
            for (int i = 0; i < n; i++) {
              at = collectKid(i, sorted.valueAt(i), out, at, m);
              if (at < 0) {
                return false;
              }
            }
            return true;
          }
          if (map instanceof java.util.SortedMap<?, ?> sorted && sorted.comparator() == null) {
            // iterates in natural key order: compare keys one by one
            int i = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
              if (i >= n || !keys[i].equals(e.getKey())) {
                return false;
              }
              at = collectKid(i, e.getValue(), out, at, m);
              if (at < 0) {
                return false;
              }
              i++;
            }
            return i == n;
          }
          return collectByKey(map, keys, out, at, m);
        }
      default:
        return false;
    }
  }

  /** {@link #collect} of a map node whose size matched, looking its keys up one by one. */
  private boolean collectByKey(Map<?, ?> map, Object[] keys, Object[] out, int at, Matcher m) {
    for (int i = 0; i < keys.length; i++) {
      Object k = keys[i];
      Object v = map.get(k);
      if (v == null && !map.containsKey(k)) {
        return false;
      }
      at = collectKid(i, v, out, at, m);
      if (at < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@link #collect} of child {@code i}, {@code x}, at {@code out[at...]}: the next position, or
   * -1 on mismatch. Leaves and lists of leaves are handled without a call.
   */
  private int collectKid(int i, Object x, Object[] out, int at, Matcher m) {
    switch (kidShapes[i]) {
      case CHILD_LEAF:
        if (!m.leaf(x)) {
          return -1;
        }
        out[at] = x;
        return at + 1;
      case CHILD_LEAF_LIST:
        return collectLeafList(x, kidLeaves[i], out, at, m) ? at + kidLeaves[i] : -1;
      default:
        return kids[i].collect(x, out, at, m) ? at + kidLeaves[i] : -1;
    }
  }

  /** {@link #collect} of a list spec of {@code n} leaves, without a call per node. */
  private static boolean collectLeafList(Object x, int n, Object[] out, int at, Matcher m) {
    if (!m.list(x)) {
      return false;
    }
    List<?> list = (List<?>) x;
    return list.size() == n && leavesOf(list, n, out, at, m);
  }

  /** Writes the {@code n} elements of {@code list} to {@code out[at...]} if they are all leaves. */
  private static boolean leavesOf(List<?> list, int n, Object[] out, int at, Matcher m) {
    for (int i = 0; i < n; i++) {
      Object e = list.get(i);
      if (!m.leaf(e)) {
        return false;
      }
      out[at + i] = e;
    }
    return true;
  }

  /**
   * Takes {@code fullTree} apart down to this spec: returns the subtrees of {@code fullTree} that
   * sit at this spec's leaf positions, in order. Where this spec has a leaf the full tree may have
   * any subtree; above that the nodes must match exactly (as for {@link #equals}). The tree is
   * read with the registry that made this spec.
   *
   * @param fullTree a tree that has this spec as a prefix
   * @return {@link #numLeaves()} subtrees (an unmodifiable list)
   * @throws TreeMismatchException if the structures differ above this spec's leaves
   */
  public List<Object> flattenUpTo(Object fullTree) {
    List<Object> out = new ArrayList<>(numLeaves);
    List<PathEntry> path = new ArrayList<>();
    String detail;
    try {
      detail = upTo(fullTree, out, path);
    } catch (TreeRegistry.PathedFailure f) {
      throw f.toException(KeyPath.of(path));
    }
    if (detail != null) {
      throw new TreeMismatchException(
          "tree does not match the structure",
          KeyPath.of(path),
          detail,
          this,
          registry.structureOrNull(fullTree));
    }
    return Collections.unmodifiableList(out);
  }

  private String upTo(Object x, List<Object> out, List<PathEntry> path) {
    if (header.kind() == NodeKind.LEAF) {
      out.add(x);
      return null;
    }
    NodeView v = registry.view(x);
    String detail = NodeHeader.mismatch(header, v.header);
    if (detail != null) {
      return detail;
    }
    int i = 0;
    for (Object c : v.children) {
      path.add(header.entry(i));
      detail = children.get(i).upTo(c, out, path);
      if (detail != null) {
        return detail;
      }
      path.remove(path.size() - 1);
      i++;
    }
    return null;
  }

  /**
   * Checks that {@code actual} has exactly this structure.
   *
   * @param actual the structure to compare with this one
   * @param context what was being compared, the start of the error message
   * @throws TreeMismatchException with both structures and the first differing path otherwise
   */
  public void requireEqual(TreeSpec actual, String context) {
    if (!equals(actual)) {
      Diff d = difference(this, actual, false);
      if (d == null) {
        d = new Diff(KeyPath.root(), "structures differ");
      }
      throw new TreeMismatchException(context, d.path(), d.detail(), this, actual);
    }
  }

  /**
   * Whether this spec is a prefix of {@code other}: both have the same {@code noneIsLeaf} option
   * and {@code other} can be obtained from this spec by replacing some leaves with subtrees. Every
   * spec is a prefix of itself, and a leaf spec is a prefix of every spec with the same option.
   *
   * @param other the candidate full structure
   * @return true if this spec is a prefix of {@code other}
   */
  public boolean isPrefixOf(TreeSpec other) {
    return difference(this, other, true) == null;
  }

  /**
   * The paths of the leaves, in flattening order.
   *
   * @return {@link #numLeaves()} paths (an unmodifiable list)
   */
  public List<KeyPath> paths() {
    List<KeyPath> out = new ArrayList<>(numLeaves);
    collectPaths(KeyPath.root(), out);
    return Collections.unmodifiableList(out);
  }

  private void collectPaths(KeyPath here, List<KeyPath> out) {
    if (isLeaf()) {
      out.add(here);
      return;
    }
    for (int i = 0; i < children.size(); i++) {
      children.get(i).collectPaths(here.append(header.entry(i)), out);
    }
  }

  /**
   * Replaces every leaf of this spec with {@code inner}: the structure of a tree of this shape
   * whose leaves all have structure {@code inner}.
   *
   * @param inner the structure to put at each leaf
   * @return the composed structure, with {@code numLeaves() * inner.numLeaves()} leaves
   * @throws IllegalArgumentException if the two specs have different {@code noneIsLeaf} options
   */
  public TreeSpec compose(TreeSpec inner) {
    if (noneIsLeaf() != inner.noneIsLeaf()) {
      throw new IllegalArgumentException(
          "cannot compose specs with different noneIsLeaf options: " + this + " and " + inner);
    }
    return composeWith(inner);
  }

  private TreeSpec composeWith(TreeSpec inner) {
    if (isLeaf()) {
      return inner;
    }
    if (children.isEmpty()) {
      return this;
    }
    List<TreeSpec> kids = new ArrayList<>(children.size());
    for (TreeSpec c : children) {
      kids.add(c.composeWith(inner));
    }
    return new TreeSpec(header, kids, registry, def);
  }

  /** A difference between two specs: where and what. */
  record Diff(KeyPath path, String detail) {}

  /**
   * The first difference between {@code a} and {@code b} in flattening order, or null if they are
   * equal (with {@code prefix}: if {@code a} is a prefix of {@code b}).
   */
  static Diff difference(TreeSpec a, TreeSpec b, boolean prefix) {
    if (a.noneIsLeaf() != b.noneIsLeaf()) {
      return new Diff(
          KeyPath.root(), "noneIsLeaf=" + a.noneIsLeaf() + " vs noneIsLeaf=" + b.noneIsLeaf());
    }
    List<PathEntry> path = new ArrayList<>();
    String detail = diff(a, b, prefix, path);
    return detail == null ? null : new Diff(KeyPath.of(path), detail);
  }

  private static String diff(TreeSpec a, TreeSpec b, boolean prefix, List<PathEntry> path) {
    if (prefix && a.isLeaf()) {
      return null;
    }
    if (a.hashCode() == b.hashCode() && a.equals(b)) {
      return null;
    }
    String detail = NodeHeader.mismatch(a.header, b.header);
    if (detail != null) {
      return detail;
    }
    for (int i = 0; i < a.children.size(); i++) {
      path.add(a.header.entry(i));
      detail = diff(a.children.get(i), b.children.get(i), prefix, path);
      if (detail != null) {
        return detail;
      }
      path.remove(path.size() - 1);
    }
    return null;
  }

  /** Specs are equal when they have the same shape and node data; see the class comment. */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof TreeSpec)) {
      return false;
    }
    // iterative, so that deep specs do not exhaust the stack
    ArrayDeque<TreeSpec> work = new ArrayDeque<>();
    work.push(this);
    work.push((TreeSpec) o);
    while (!work.isEmpty()) {
      TreeSpec b = work.pop();
      TreeSpec a = work.pop();
      if (a == b) {
        continue;
      }
      if (a.numNodes != b.numNodes
          || a.hashCode() != b.hashCode()
          || a.registry.noneIsLeaf() != b.registry.noneIsLeaf()
          || !a.header.equals(b.header)
          || a.children.size() != b.children.size()) {
        return false;
      }
      for (int i = a.children.size() - 1; i >= 0; i--) {
        work.push(a.children.get(i));
        work.push(b.children.get(i));
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0 && !hashIsZero) {
      h = header.hashCode() * 31 + Boolean.hashCode(registry.noneIsLeaf());
      for (TreeSpec c : children) {
        h = h * 31 + c.hashCode();
      }
      if (h == 0) {
        hashIsZero = true;
      } else {
        hash = h;
      }
    }
    return h;
  }

  /** The string form described in the class comment, e.g. {@code [*, {a=*, b=None}]}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    appendTo(sb);
    if (registry.noneIsLeaf()) {
      sb.append(" (noneIsLeaf)");
    }
    return sb.toString();
  }

  private void appendTo(StringBuilder sb) {
    switch (header.kind()) {
      case LEAF:
        sb.append('*');
        return;
      case NONE:
        sb.append("None");
        return;
      case LIST:
        appendChildren(sb, "[", "]", false);
        return;
      case MAP:
        appendChildren(sb, "{", "}", true);
        return;
      case ORDERED_MAP:
        appendChildren(sb, "ordered{", "}", true);
        return;
      case RECORD:
        appendChildren(sb, header.type().getSimpleName() + "(", ")", true);
        return;
      case ARRAY:
        appendChildren(sb, header.type().getSimpleName() + "[](", ")", false);
        return;
      case OPTIONAL:
        if (children.isEmpty()) {
          sb.append("Optional.empty");
        } else {
          appendChildren(sb, "Optional[", "]", false);
        }
        return;
      default:
        String open =
            header.type().getSimpleName() + (header.aux() == null ? "" : "<" + header.aux() + ">");
        appendChildren(sb, open + "(", ")", header.keys() != null);
    }
  }

  private void appendChildren(StringBuilder sb, String open, String close, boolean named) {
    sb.append(open);
    for (int i = 0; i < children.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      if (named) {
        sb.append(name(i)).append('=');
      }
      children.get(i).appendTo(sb);
    }
    sb.append(close);
  }

  /** The plain name of child {@code i}: a map key, a component name or a custom key. */
  private String name(int i) {
    switch (header.kind()) {
      case MAP:
      case ORDERED_MAP:
        return String.valueOf(header.keys().get(i));
      case RECORD:
        return RecordInfo.of(header.type()).name(i);
      default:
        PathEntry e = (PathEntry) header.keys().get(i);
        if (e instanceof PathEntry.CustomKey k) {
          return String.valueOf(k.key());
        }
        return e.toString();
    }
  }
}
