package dev.diffopt.tree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Decides which objects are tree nodes and implements the tree operations.
 *
 * <h2>Node types</h2>
 *
 * An object is classified as follows (see {@link NodeKind}):
 *
 * <ol>
 *   <li>{@code null} is a None node with no children, or a leaf if {@link #noneIsLeaf()}.
 *   <li>An instance of a class registered with {@link #register} (or of a subclass of one; the
 *       closest registered superclass wins) is a custom node. Custom registrations are checked
 *       before the built-ins, so a custom {@code List} or record class can be registered.
 *   <li>A {@link List} is a list node (children in index order).
 *   <li>A {@link LinkedHashMap} (or subclass) is an ordered map node (insertion order).
 *   <li>Any other {@link Map} is a map node with children in the natural order of its keys, which
 *       must all be non-null and mutually {@link Comparable}.
 *   <li>A record is a record node (its components in declaration order).
 *   <li>An array of a reference component type is an array node (children by index).
 *   <li>An {@link Optional} is a node with no child when empty and one child when present.
 *   <li>Everything else, including primitive arrays, strings, numbers and tensors, is a leaf.
 * </ol>
 *
 * <p>Records are read and rebuilt through reflection; on the module path their package must be
 * open to module {@code dev.diffopt.api} unless the record and its members are public and
 * exported.
 *
 * <p>A tree may share subtrees, but may not contain itself: flattening a cyclic tree, or a tree
 * nested more than {@value #MAX_DEPTH} levels deep, throws {@link IllegalArgumentException}.
 *
 * <h2>Instances</h2>
 *
 * {@link #global()} is the registry used by {@link Trees}; {@link #create()} makes an independent
 * registry (with only the built-in node types), for example for tests. {@link
 * #withNoneIsLeaf(boolean)} returns a view that shares the registrations but treats {@code null}
 * differently. Registries are thread-safe.
 */
public final class TreeRegistry {
  /** Below this depth flattening does not look for cycles (see {@code walk}). */
  private static final int CYCLE_CHECK_DEPTH = 32;

  /** The deepest nesting of nodes that flattening accepts. */
  public static final int MAX_DEPTH = 1_000;

  private static final TreeRegistry GLOBAL = new Registrations().nodeNone;

  private final Registrations registrations;
  private final boolean noneIsLeaf;
  private final TreeSpec leafSpec;
  private final TreeSpec noneSpec;

  /** The structures flattened last, to check new trees against before walking them afresh. */
  private final RecentSpecs recentSpecs = new RecentSpecs();

  private TreeRegistry(Registrations registrations, boolean noneIsLeaf) {
    this.registrations = registrations;
    this.noneIsLeaf = noneIsLeaf;
    this.leafSpec = new TreeSpec(NodeHeader.LEAF, List.of(), this, null);
    this.noneSpec = new TreeSpec(NodeHeader.NONE, List.of(), this, null);
  }

  /**
   * The global registry (with {@code noneIsLeaf == false}), used by {@link Trees}.
   *
   * @return the global registry
   */
  public static TreeRegistry global() {
    return GLOBAL;
  }

  /**
   * A new registry, independent of the global one, that knows only the built-in node types and
   * has {@code noneIsLeaf == false}.
   *
   * @return a new registry
   */
  public static TreeRegistry create() {
    return new Registrations().nodeNone;
  }

  /**
   * A registry that shares this registry's registrations (including later ones) but treats
   * {@code null} as a leaf ({@code true}) or as an empty node ({@code false}).
   *
   * @param noneIsLeaf whether {@code null} is a leaf
   * @return this registry or its sibling view
   */
  public TreeRegistry withNoneIsLeaf(boolean noneIsLeaf) {
    return noneIsLeaf ? registrations.noneLeaf : registrations.nodeNone;
  }

  /**
   * Whether {@code null} is a leaf for this registry (otherwise it is an empty None node).
   *
   * @return the option
   */
  public boolean noneIsLeaf() {
    return noneIsLeaf;
  }

  /**
   * Registers a custom node type. Instances of {@code type} and of its subclasses become nodes
   * taken apart and rebuilt by {@code def}; when several superclasses of an object are registered
   * the closest one wins. Registrations take precedence over the built-in node types.
   *
   * @param type a class (not an interface or primitive type, not {@code Object})
   * @param def how to flatten and unflatten instances
   * @param <T> the node type
   * @throws IllegalArgumentException if {@code type} is already registered in this registry, or
   *     cannot be registered
   */
  public <T> void register(Class<T> type, NodeDef<T> def) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(def, "def");
    if (type.isInterface() || type.isPrimitive() || type == Object.class) {
      throw new IllegalArgumentException(
          "cannot register "
              + type.getName()
              + " as a tree node type: only classes other than Object can be registered");
    }
    registrations.add(type, def);
  }

  /**
   * Whether {@code type} itself has been registered with {@link #register}.
   *
   * @param type a class
   * @return true if registered exactly
   */
  public boolean isRegistered(Class<?> type) {
    return registrations.snapshot.defs.containsKey(type);
  }

  /**
   * Whether {@code x} is a leaf for this registry.
   *
   * @param x any object
   * @return true if {@code x} is not a node
   */
  public boolean isLeaf(Object x) {
    try {
      return view(x).header.kind() == NodeKind.LEAF;
    } catch (PathedFailure f) {
      throw f.toException(KeyPath.root());
    }
  }

  /**
   * Whether every element of {@code xs} is a leaf.
   *
   * @param xs objects
   * @return true if none of them is a node
   */
  public boolean allLeaves(Iterable<?> xs) {
    for (Object x : xs) {
      if (!isLeaf(x)) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------------------------------
  // flattening

  /**
   * Flattens a tree into its leaves (in order) and its structure.
   *
   * @param tree any object
   * @return the leaves and the structure
   * @throws IllegalArgumentException if the tree is cyclic or too deep, has map keys that cannot
   *     be sorted, or a record component cannot be read
   */
  public Flat flatten(Object tree) {
    TreeSpec seen = recentSpecs.get(tree);
    if (seen != null) {
      Object[] leaves = seen.matchLeaves(tree);
      if (leaves != null) {
        return new Flat(new FrozenArrayList(leaves), seen);
      }
    }
    List<Object> leaves = new ArrayList<>();
    TreeSpec spec = walk(tree, leaves);
    recentSpecs.put(tree, spec);
    return new Flat(leaves, spec);
  }

  /**
   * The leaves of a tree, in flattening order.
   *
   * @param tree any object
   * @return an unmodifiable list of leaves
   */
  public List<Object> leaves(Object tree) {
    return Collections.unmodifiableList(flatten(tree).leaves());
  }

  /**
   * The structure of a tree.
   *
   * @param tree any object
   * @return its spec
   */
  public TreeSpec structure(Object tree) {
    return flatten(tree).spec();
  }

  /**
   * Builds a tree from a structure and leaves; same as {@link TreeSpec#unflatten(List)}.
   *
   * @param spec the structure
   * @param leaves exactly {@code spec.numLeaves()} leaves
   * @return the tree
   */
  public Object unflatten(TreeSpec spec, List<?> leaves) {
    return spec.unflatten(leaves);
  }

  /** The structure, or null when the tree cannot be flattened (for error messages). */
  TreeSpec structureOrNull(Object tree) {
    try {
      return structure(tree);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private TreeSpec walk(Object tree, List<Object> leaves) {
    Set<Object> onPath = Collections.newSetFromMap(new IdentityHashMap<>());
    try {
      return walk(tree, leaves, onPath, 0);
    } catch (PathedFailure f) {
      throw f.toException(KeyPath.of(f.path));
    }
  }

  private TreeSpec walk(Object x, List<Object> leaves, Set<Object> onPath, int depth) {
    NodeView v = view(x);
    switch (v.header.kind()) {
      case LEAF:
        leaves.add(x);
        return leafSpec;
      case NONE:
        return noneSpec;
      default:
        break;
    }
    if (depth >= MAX_DEPTH) {
      throw new PathedFailure(
          "tree is nested more than " + MAX_DEPTH + " levels deep (does it contain itself?)",
          null);
    }
    // Cycles are looked for only below a depth ordinary trees never reach: a cyclic tree gets
    // there quickly and is then caught within one turn of its cycle.
    boolean tracked = depth >= CYCLE_CHECK_DEPTH;
    if (tracked && !onPath.add(x)) {
      throw new PathedFailure(
          "tree contains a cycle: this " + x.getClass().getName() + " node contains itself", null);
    }
    List<TreeSpec> kids = new ArrayList<>(v.header.arity());
    int i = 0;
    try {
      Object[] children = v.children;
      for (; i < children.length; i++) {
        kids.add(walk(children[i], leaves, onPath, depth + 1));
      }
    } catch (PathedFailure f) {
      f.path.add(0, v.header.entry(i));
      throw f;
    }
    if (tracked) {
      onPath.remove(x);
    }
    if (kids.size() != v.header.arity()) {
      throw new PathedFailure(
          "node " + x.getClass().getName() + " changed while it was being flattened", null);
    }
    return new TreeSpec(v.header, kids, this, v.def);
  }

  /**
   * The classes last found to be plain leaves, lists and maps under the registrations {@code
   * snapshot} (see {@link Matcher}). Immutable; valid only while the registrations are that
   * snapshot.
   */
  record Hints(Object snapshot, Class<?> leafA, Class<?> leafB, Class<?> list, Class<?> map) {}

  /** Racy on purpose: a stale or lost value only costs a few lookups. */
  private Hints hints;

  /** A matcher that starts from the hints of the last one, when the registrations are the same. */
  Matcher matcher() {
    return new Matcher(this, registrations.snapshot, hints);
  }

  /** Keeps what {@code m} learned for the next call. */
  void keepHints(Matcher m) {
    if (m.changed) {
      hints = new Hints(m.snapshot, m.leafA, m.leafB, m.list, m.map);
    }
  }

  /**
   * Whether instances of {@code type} are, under the registrations {@code snapshot}, built-in
   * nodes of {@code kind} ({@code LEAF}, {@code LIST} or {@code MAP}) that no custom node type
   * claims.
   */
  boolean isPlainClass(Class<?> type, Object snapshot, NodeKind kind) {
    Category c = Category.of(type);
    boolean matches;
    switch (kind) {
      case LEAF:
        matches = c == Category.LEAF;
        break;
      case LIST:
        matches = c == Category.LIST;
        break;
      case MAP:
        matches = c == Category.MAP;
        break;
      default:
        matches = false;
    }
    return matches && Registrations.lookup((Registrations.Snapshot) snapshot, type) == null;
  }

  /** Classifies {@code x}; see the class comment. */
  NodeView view(Object x) {
    if (x == null) {
      return noneIsLeaf ? NodeView.LEAF : NodeView.NONE;
    }
    Class<?> type = x.getClass();
    Registrations.Registration custom = registrations.lookup(type);
    if (custom != null) {
      return customView(custom, x);
    }
    switch (Category.of(type)) {
      case LEAF:
        return NodeView.LEAF;
      case LIST:
        List<?> list = (List<?>) x;
        return new NodeView(
            new NodeHeader(NodeKind.LIST, null, null, null, list.size()), list.toArray(), null);
      case ORDERED_MAP:
        {
          Map<?, ?> map = (Map<?, ?>) x;
          List<Object> keys = new ArrayList<>(map.size());
          List<Object> values = new ArrayList<>(map.size());
          for (Map.Entry<?, ?> e : map.entrySet()) {
            keys.add(e.getKey());
            values.add(e.getValue());
          }
          NodeHeader h =
              new NodeHeader(
                  NodeKind.ORDERED_MAP, null, Collections.unmodifiableList(keys), null, keys.size());
          return new NodeView(h, values.toArray(), null);
        }
      case MAP:
        return mapView((Map<?, ?>) x);
      case RECORD:
        {
          RecordInfo info = RecordInfo.of(type);
          List<Object> values;
          try {
            values = info.components(x);
          } catch (IllegalArgumentException e) {
            throw new PathedFailure(e.getMessage(), e.getCause());
          }
          return new NodeView(
              new NodeHeader(NodeKind.RECORD, type, null, null, info.size()), values.toArray(), null);
        }
      case ARRAY:
        {
          Object[] array = (Object[]) x;
          return new NodeView(
              new NodeHeader(NodeKind.ARRAY, type.getComponentType(), null, null, array.length),
              array,
              null);
        }
      default:
        Optional<?> opt = (Optional<?>) x;
        Object[] kids = opt.isPresent() ? new Object[] {opt.get()} : new Object[0];
        return new NodeView(
            new NodeHeader(NodeKind.OPTIONAL, null, null, null, kids.length), kids, null);
    }
  }

  /**
   * A map node: its children in sorted key order. Maps that diffopt built itself and sorted maps
   * already iterate in that order; for the others the sorted key list of the last map with the
   * same key set is reused when it still fits (checked key by key), so a training loop that
   * flattens maps of the same keys sorts them once.
   */
  private static NodeView mapView(Map<?, ?> map) {
    List<Object> keys;
    Object[] values;
    if (map instanceof SortedKeyMap<?, ?> sorted) {
      @SuppressWarnings("unchecked")
      List<Object> k = (List<Object>) sorted.keyList();
      keys = k;
      values = new Object[keys.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = sorted.valueAt(i);
      }
    } else if (map instanceof SortedMap<?, ?> sorted && sorted.comparator() == null) {
      // already in natural key order
      keys = new ArrayList<>(map.size());
      values = new Object[map.size()];
      int i = 0;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        keys.add(e.getKey());
        values[i++] = e.getValue();
      }
      keys = Collections.unmodifiableList(keys);
    } else {
      keys = KeyOrders.cached(map);
      values = keys == null ? null : valuesInOrder(map, keys);
      if (values == null) {
        keys = sortedKeys(map);
        KeyOrders.remember(map, keys);
        values = valuesInOrder(map, keys);
      }
    }
    NodeHeader h = new NodeHeader(NodeKind.MAP, null, keys, null, keys.size());
    return new NodeView(h, values, null);
  }

  /** The values of {@code map} in the order of {@code keys}, or null if a key is missing. */
  private static Object[] valuesInOrder(Map<?, ?> map, List<Object> keys) {
    Object[] values = new Object[keys.size()];
    for (int i = 0; i < values.length; i++) {
      Object k = keys.get(i);
      Object v = map.get(k);
      if (v == null && !map.containsKey(k)) {
        return null;
      }
      values[i] = v;
    }
    return values;
  }

  /** What a class is as a tree node when no custom node type is registered for it. */
  private enum Category {
    LEAF, LIST, ORDERED_MAP, MAP, RECORD, ARRAY, OPTIONAL;

    private static final ClassValue<Category> CACHE =
        new ClassValue<>() {
          @Override
          protected Category computeValue(Class<?> type) {
            if (List.class.isAssignableFrom(type)) {
              return LIST;
            }
            if (LinkedHashMap.class.isAssignableFrom(type)) {
              return ORDERED_MAP;
            }
            if (Map.class.isAssignableFrom(type)) {
              return MAP;
            }
            if (type.isRecord()) {
              return RECORD;
            }
            if (type.isArray() && !type.getComponentType().isPrimitive()) {
              return ARRAY;
            }
            if (Optional.class.isAssignableFrom(type)) {
              return OPTIONAL;
            }
            return LEAF;
          }
        };

    static Category of(Class<?> type) {
      return CACHE.get(type);
    }
  }

  @SuppressWarnings("unchecked")
  private static NodeView customView(Registrations.Registration r, Object x) {
    NodeDef.Flattened f = ((NodeDef<Object>) r.def()).flatten(x);
    if (f == null) {
      throw new PathedFailure(
          "NodeDef for " + r.type().getName() + " returned null from flatten", null);
    }
    List<Object> keys = null;
    if (f.keys() != null) {
      keys = new ArrayList<>(f.keys().size());
      for (Object k : f.keys()) {
        keys.add(k instanceof PathEntry e ? e : PathEntry.custom(k));
      }
      keys = Collections.unmodifiableList(keys);
    }
    NodeHeader h = new NodeHeader(NodeKind.CUSTOM, r.type(), keys, f.aux(), f.children().size());
    return new NodeView(h, f.children().toArray(), r.def());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<Object> sortedKeys(Map<?, ?> map) {
    List<Object> keys = new ArrayList<>(map.keySet());
    for (Object k : keys) {
      if (k == null) {
        throw new PathedFailure(
            "map has a null key; map keys must be non-null and mutually Comparable"
                + " (use a LinkedHashMap to keep insertion order instead)",
            null);
      }
      if (!(k instanceof Comparable)) {
        throw notComparable(keys, null);
      }
    }
    try {
      keys.sort((a, b) -> ((Comparable) a).compareTo(b));
    } catch (ClassCastException e) {
      throw notComparable(keys, e);
    }
    return Collections.unmodifiableList(keys);
  }

  private static PathedFailure notComparable(List<Object> keys, Throwable cause) {
    Set<String> classes = new TreeSet<>();
    for (Object k : keys) {
      classes.add(k.getClass().getName());
    }
    return new PathedFailure(
        "map keys are not mutually Comparable (key classes: "
            + String.join(", ", classes)
            + "); a Map's children are ordered by sorted keys"
            + " (use a LinkedHashMap to keep insertion order instead)",
        cause);
  }

  // ------------------------------------------------------------------------------------------
  // mapping and reducing

  /**
   * Applies {@code f} to every leaf and rebuilds a tree of the same structure.
   *
   * <p>The result has the type of {@code tree} for nodes (the cast to {@code T} is unchecked): if
   * {@code tree} is itself a leaf the result is {@code f(tree)}, which need not be a {@code T}.
   * Typed arrays keep their component type, so {@code f} must return values that fit in them.
   *
   * @param f the function applied to each leaf
   * @param tree the tree
   * @param <T> the type of the tree
   * @return the mapped tree
   */
  @SuppressWarnings("unchecked")
  public <T> T map(Function<Object, ?> f, T tree) {
    Flat flat = flatten(tree);
    List<Object> out = new ArrayList<>(flat.leaves().size());
    for (Object leaf : flat.leaves()) {
      out.add(f.apply(leaf));
    }
    return (T) flat.spec().unflatten(out);
  }

  /**
   * Applies {@code f} to the leaves of two trees of the same structure, pairwise.
   *
   * @param f the function, applied to (leaf of {@code tree}, leaf of {@code other})
   * @param tree the first tree, whose structure the result has
   * @param other a tree with the same structure
   * @param <T> the type of the first tree
   * @return the mapped tree
   * @throws TreeMismatchException if {@code other} has another structure
   */
  public <T> T map(BiFunction<Object, Object, ?> f, T tree, Object other) {
    return mapN(args -> f.apply(args.get(0), args.get(1)), tree, other);
  }

  /**
   * Applies {@code f} to the leaves of several trees of the same structure: for each leaf
   * position {@code f} receives the list {@code [leaf of tree, leaf of others[0], ...]}.
   *
   * @param f the function
   * @param tree the first tree, whose structure the result has
   * @param others trees with the same structure
   * @param <T> the type of the first tree
   * @return the mapped tree
   * @throws TreeMismatchException naming the first differing path if one of {@code others} has
   *     another structure
   */
  @SuppressWarnings("unchecked")
  public <T> T mapN(Function<List<Object>, ?> f, T tree, Object... others) {
    Flat first = flatten(tree);
    List<List<Object>> columns = new ArrayList<>(others.length);
    for (int k = 0; k < others.length; k++) {
      Flat o = flatten(others[k]);
      requireSame(
          first.spec(),
          o.spec(),
          (others.length == 1 ? "the other tree" : "others[" + k + "]")
              + " does not match the structure of the first tree");
      columns.add(o.leaves());
    }
    int n = first.leaves().size();
    List<Object> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Object[] args = new Object[others.length + 1];
      args[0] = first.leaves().get(i);
      for (int k = 0; k < others.length; k++) {
        args[k + 1] = columns.get(k).get(i);
      }
      out.add(f.apply(Collections.unmodifiableList(Arrays.asList(args))));
    }
    return (T) first.spec().unflatten(out);
  }

  private static void requireSame(TreeSpec expected, TreeSpec actual, String context) {
    expected.requireEqual(actual, context);
  }

  /**
   * The paths of the leaves of a tree, in flattening order.
   *
   * @param tree the tree
   * @return one path per leaf
   */
  public List<KeyPath> paths(Object tree) {
    return structure(tree).paths();
  }

  /**
   * Applies {@code f} to every leaf together with its path, and rebuilds a tree of the same
   * structure.
   *
   * @param f the function, applied to (path, leaf)
   * @param tree the tree
   * @param <T> the type of the tree (see {@link #map(Function, Object)})
   * @return the mapped tree
   */
  @SuppressWarnings("unchecked")
  public <T> T mapWithPath(BiFunction<KeyPath, Object, ?> f, T tree) {
    Flat flat = flatten(tree);
    List<KeyPath> paths = flat.spec().paths();
    List<Object> out = new ArrayList<>(paths.size());
    for (int i = 0; i < paths.size(); i++) {
      out.add(f.apply(paths.get(i), flat.leaves().get(i)));
    }
    return (T) flat.spec().unflatten(out);
  }

  /**
   * Folds the leaves of a tree, in flattening order.
   *
   * @param f the step function, applied to (accumulator, leaf)
   * @param tree the tree
   * @param initial the initial accumulator
   * @param <A> the accumulator type
   * @return the final accumulator ({@code initial} for a tree without leaves)
   */
  public <A> A reduce(BiFunction<A, Object, A> f, Object tree, A initial) {
    A acc = initial;
    for (Object leaf : leaves(tree)) {
      acc = f.apply(acc, leaf);
    }
    return acc;
  }

  // ------------------------------------------------------------------------------------------
  // transposing and broadcasting

  /**
   * Turns a tree of structure {@code outer} whose leaves are trees of structure {@code inner}
   * into a tree of structure {@code inner} whose leaves are trees of structure {@code outer}. For
   * example a list of 3 records of 2 leaves becomes a record of 2 lists of 3.
   *
   * @param outer the outer structure
   * @param inner the inner structure
   * @param tree a tree whose structure is exactly {@code outer.compose(inner)}
   * @return the transposed tree
   * @throws TreeMismatchException if the tree does not have that structure
   */
  public Object transpose(TreeSpec outer, TreeSpec inner, Object tree) {
    TreeSpec expected = outer.compose(inner);
    Flat flat = flatten(tree);
    requireSame(
        expected, flat.spec(), "transpose: tree does not have structure outer.compose(inner)");
    int no = outer.numLeaves();
    int ni = inner.numLeaves();
    List<Object> outerTrees = new ArrayList<>(ni);
    for (int j = 0; j < ni; j++) {
      List<Object> column = new ArrayList<>(no);
      for (int i = 0; i < no; i++) {
        column.add(flat.leaves().get(i * ni + j));
      }
      outerTrees.add(outer.unflatten(column));
    }
    return inner.unflatten(outerTrees);
  }

  /**
   * Broadcasts a prefix tree over a full tree: returns a tree with the structure of {@code
   * fullTree} in which every leaf is replaced by the leaf of {@code prefixTree} whose position
   * covers it. For example {@code {encoder=0.1, decoder=0.2}} over {@code {encoder={w=W1, b=B1},
   * decoder={w=W2}}} gives {@code {encoder={w=0.1, b=0.1}, decoder={w=0.2}}}, and a single leaf
   * prefix is copied to every leaf.
   *
   * @param prefixTree a tree whose structure is a prefix of that of {@code fullTree}
   * @param fullTree the full tree
   * @return a tree with the structure of {@code fullTree} and leaves from {@code prefixTree}
   * @throws TreeMismatchException with the first differing path if {@code prefixTree} is not a
   *     prefix of {@code fullTree}
   */
  public Object broadcastPrefix(Object prefixTree, Object fullTree) {
    Flat prefix = flatten(prefixTree);
    Flat full = flatten(fullTree);
    TreeSpec.Diff d = TreeSpec.difference(prefix.spec(), full.spec(), true);
    if (d != null) {
      throw new TreeMismatchException(
          "prefix tree is not a prefix of the full tree",
          d.path(),
          d.detail(),
          prefix.spec(),
          full.spec());
    }
    List<Object> out = new ArrayList<>(full.spec().numLeaves());
    expand(prefix.spec(), full.spec(), prefix.leaves().iterator(), out);
    return full.spec().unflatten(out);
  }

  private static void expand(TreeSpec prefix, TreeSpec full, Iterator<Object> values, List<Object> out) {
    if (prefix.isLeaf()) {
      Object v = values.next();
      for (int i = 0; i < full.numLeaves(); i++) {
        out.add(v);
      }
      return;
    }
    for (int i = 0; i < prefix.numChildren(); i++) {
      expand(prefix.children().get(i), full.children().get(i), values, out);
    }
  }

  // ------------------------------------------------------------------------------------------
  // internals

  /** A flattening error that collects the path while the recursion unwinds. */
  static final class PathedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient List<PathEntry> path = new ArrayList<>();

    PathedFailure(String message, Throwable cause) {
      super(message, cause, false, false);
    }

    IllegalArgumentException toException(KeyPath where) {
      String at;
      if (where.size() > 24) {
        at =
            KeyPath.of(where.entries().subList(0, 12))
                + "..."
                + KeyPath.of(where.entries().subList(where.size() - 4, where.size()))
                + " (depth "
                + where.size()
                + ")";
      } else {
        at = where.toString();
      }
      return new IllegalArgumentException(getMessage() + " (at " + at + ")", getCause());
    }
  }

  /** The registrations shared by the two views of one registry. */
  private static final class Registrations {
    private static final Object NOT_REGISTERED = new Object();

    record Registration(Class<?> type, NodeDef<?> def) {}

    record Snapshot(Map<Class<?>, Registration> defs, ConcurrentHashMap<Class<?>, Object> cache) {}

    final TreeRegistry nodeNone = new TreeRegistry(this, false);
    final TreeRegistry noneLeaf = new TreeRegistry(this, true);
    volatile Snapshot snapshot = new Snapshot(Map.of(), new ConcurrentHashMap<>());

    synchronized void add(Class<?> type, NodeDef<?> def) {
      if (snapshot.defs.containsKey(type)) {
        throw new IllegalArgumentException(
            "a tree node type is already registered for " + type.getName() + " in this registry");
      }
      Map<Class<?>, Registration> defs = new HashMap<>(snapshot.defs);
      defs.put(type, new Registration(type, def));
      snapshot = new Snapshot(Map.copyOf(defs), new ConcurrentHashMap<>());
    }

    /** The registration for {@code type} or its closest registered superclass, or null. */
    Registration lookup(Class<?> type) {
      return lookup(snapshot, type);
    }

    /** The same as {@link #lookup(Class)} under the registrations {@code s}. */
    static Registration lookup(Snapshot s, Class<?> type) {
      if (s.defs.isEmpty()) {
        return null;
      }
      Object r = s.cache.computeIfAbsent(type, t -> resolve(s.defs, t));
      return r == NOT_REGISTERED ? null : (Registration) r;
    }

    private static Object resolve(Map<Class<?>, Registration> defs, Class<?> type) {
      for (Class<?> c = type; c != null; c = c.getSuperclass()) {
        Registration r = defs.get(c);
        if (r != null) {
          return r;
        }
      }
      return NOT_REGISTERED;
    }
  }
}
