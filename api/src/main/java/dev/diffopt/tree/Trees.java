package dev.diffopt.tree;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Static tree operations on the {@linkplain TreeRegistry#global() global registry}. Each method
 * delegates to the {@link TreeRegistry} method of the same name; see there and the package
 * documentation for the semantics.
 */
public final class Trees {
  private Trees() {}

  private static TreeRegistry registry() {
    return TreeRegistry.global();
  }

  /**
   * Flattens a tree into its leaves and structure.
   *
   * @param tree any object
   * @return the leaves (in order) and the structure
   * @see TreeRegistry#flatten(Object)
   */
  public static Flat flatten(Object tree) {
    return registry().flatten(tree);
  }

  /**
   * The leaves of a tree, in flattening order.
   *
   * @param tree any object
   * @return an unmodifiable list
   * @see TreeRegistry#leaves(Object)
   */
  public static List<Object> leaves(Object tree) {
    return registry().leaves(tree);
  }

  /**
   * The structure of a tree.
   *
   * @param tree any object
   * @return its spec
   * @see TreeRegistry#structure(Object)
   */
  public static TreeSpec structure(Object tree) {
    return registry().structure(tree);
  }

  /**
   * Builds a tree from a structure and leaves.
   *
   * @param spec the structure
   * @param leaves exactly {@code spec.numLeaves()} leaves
   * @return the tree
   * @see TreeSpec#unflatten(List)
   */
  public static Object unflatten(TreeSpec spec, List<?> leaves) {
    return registry().unflatten(spec, leaves);
  }

  /**
   * Applies {@code f} to every leaf.
   *
   * @param f the function
   * @param tree the tree
   * @param <T> the tree type
   * @return a tree of the same structure
   * @see TreeRegistry#map(Function, Object)
   */
  public static <T> T map(Function<Object, ?> f, T tree) {
    return registry().map(f, tree);
  }

  /**
   * Applies {@code f} to the leaves of two trees of the same structure.
   *
   * @param f the function
   * @param tree the first tree
   * @param other a tree of the same structure
   * @param <T> the tree type
   * @return a tree of the structure of {@code tree}
   * @throws TreeMismatchException if the structures differ
   * @see TreeRegistry#map(BiFunction, Object, Object)
   */
  public static <T> T map(BiFunction<Object, Object, ?> f, T tree, Object other) {
    return registry().map(f, tree, other);
  }

  /**
   * Applies {@code f} to the leaves of several trees of the same structure.
   *
   * @param f the function, receiving one leaf of each tree
   * @param tree the first tree
   * @param others trees of the same structure
   * @param <T> the tree type
   * @return a tree of the structure of {@code tree}
   * @throws TreeMismatchException if the structures differ
   * @see TreeRegistry#mapN(Function, Object, Object...)
   */
  public static <T> T mapN(Function<List<Object>, ?> f, T tree, Object... others) {
    return registry().mapN(f, tree, others);
  }

  /**
   * The paths of the leaves of a tree.
   *
   * @param tree the tree
   * @return one path per leaf, in flattening order
   * @see TreeRegistry#paths(Object)
   */
  public static List<KeyPath> paths(Object tree) {
    return registry().paths(tree);
  }

  /**
   * Applies {@code f} to every leaf and its path.
   *
   * @param f the function, applied to (path, leaf)
   * @param tree the tree
   * @param <T> the tree type
   * @return a tree of the same structure
   * @see TreeRegistry#mapWithPath(BiFunction, Object)
   */
  public static <T> T mapWithPath(BiFunction<KeyPath, Object, ?> f, T tree) {
    return registry().mapWithPath(f, tree);
  }

  /**
   * Folds the leaves of a tree in flattening order.
   *
   * @param f the step function, applied to (accumulator, leaf)
   * @param tree the tree
   * @param initial the initial accumulator
   * @param <A> the accumulator type
   * @return the final accumulator
   * @see TreeRegistry#reduce(BiFunction, Object, Object)
   */
  public static <A> A reduce(BiFunction<A, Object, A> f, Object tree, A initial) {
    return registry().reduce(f, tree, initial);
  }

  /**
   * Transposes a tree of structure outer-of-inner into inner-of-outer.
   *
   * @param outer the outer structure
   * @param inner the inner structure
   * @param tree a tree of structure {@code outer.compose(inner)}
   * @return the transposed tree
   * @throws TreeMismatchException if the tree has another structure
   * @see TreeRegistry#transpose(TreeSpec, TreeSpec, Object)
   */
  public static Object transpose(TreeSpec outer, TreeSpec inner, Object tree) {
    return registry().transpose(outer, inner, tree);
  }

  /**
   * Broadcasts the leaves of a prefix tree over a full tree.
   *
   * @param prefixTree a tree whose structure is a prefix of that of {@code fullTree}
   * @param fullTree the full tree
   * @return a tree of the structure of {@code fullTree}
   * @throws TreeMismatchException if {@code prefixTree} is not a prefix
   * @see TreeRegistry#broadcastPrefix(Object, Object)
   */
  public static Object broadcastPrefix(Object prefixTree, Object fullTree) {
    return registry().broadcastPrefix(prefixTree, fullTree);
  }

  /**
   * Whether {@code x} is a leaf.
   *
   * @param x any object
   * @return true if {@code x} is not a node
   * @see TreeRegistry#isLeaf(Object)
   */
  public static boolean isLeaf(Object x) {
    return registry().isLeaf(x);
  }

  /**
   * Whether every element of {@code xs} is a leaf.
   *
   * @param xs objects
   * @return true if none is a node
   * @see TreeRegistry#allLeaves(Iterable)
   */
  public static boolean allLeaves(Iterable<?> xs) {
    return registry().allLeaves(xs);
  }
}
