package dev.diffopt.tensor;

import dev.diffopt.tree.Trees;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/**
 * Element-wise arithmetic over pytrees whose leaves are {@link Tensor}s: the vocabulary the
 * transforms and optimizers are written in. Every function maps leaf by leaf with each leaf's own
 * {@link Tensor#ops()}, so it works on any backend and records gradients where the backend does.
 * Trees given together must have the same structure ({@link dev.diffopt.tree.TreeMismatchException}
 * names the first differing path otherwise).
 */
public final class TensorTrees {
  private TensorTrees() {}

  /** A three-argument leaf function. */
  @FunctionalInterface
  public interface TernaryOperator<T> {
    /**
     * Applies the function.
     *
     * @param a first argument
     * @param b second argument
     * @param c third argument
     * @return the result
     */
    T apply(T a, T b, T c);
  }

  /**
   * {@code f} applied to every leaf.
   *
   * @param tree a tree of tensors
   * @param f the leaf function
   * @param <T> the tree type
   * @return a tree of the same structure
   */
  public static <T> T map(T tree, UnaryOperator<Tensor> f) {
    return Trees.map(leaf -> f.apply(tensor(leaf)), tree);
  }

  /**
   * {@code f} applied to corresponding leaves of two trees of equal structure.
   *
   * @param a the first tree (its structure is the result's)
   * @param b the second tree
   * @param f the leaf function
   * @param <T> the tree type
   * @return a tree of the same structure
   */
  public static <T> T map(T a, Object b, BinaryOperator<Tensor> f) {
    return Trees.map((x, y) -> f.apply(tensor(x), tensor(y)), a, b);
  }

  /**
   * {@code f} applied to corresponding leaves of three trees of equal structure.
   *
   * @param a the first tree (its structure is the result's)
   * @param b the second tree
   * @param c the third tree
   * @param f the leaf function
   * @param <T> the tree type
   * @return a tree of the same structure
   */
  public static <T> T map(T a, Object b, Object c, TernaryOperator<Tensor> f) {
    return Trees.mapN(xs -> f.apply(tensor(xs.get(0)), tensor(xs.get(1)), tensor(xs.get(2))),
        a, b, c);
  }

  /**
   * Zeros shaped like every leaf.
   *
   * @param tree a tree of tensors
   * @param <T> the tree type
   * @return a tree of zeros of the same structure, shapes and dtypes
   */
  public static <T> T zerosLike(T tree) {
    return map(tree, t -> t.ops().zerosLike(t));
  }

  /**
   * {@code value} shaped like every leaf.
   *
   * @param tree a tree of tensors
   * @param value the fill value
   * @param <T> the tree type
   * @return a tree of the same structure, shapes and dtypes
   */
  public static <T> T fullLike(T tree, double value) {
    return map(tree, t -> t.ops().full(t.shape(), value, t.dtype()));
  }

  /**
   * {@code a + c·b} leaf by leaf.
   *
   * @param a a tree of tensors
   * @param b a tree of the same structure
   * @param c the scale of {@code b}
   * @param <T> the tree type
   * @return {@code a + c·b}
   */
  public static <T> T addScaled(T a, Object b, double c) {
    return map(a, b, (x, y) -> x.ops().add(x, x.ops().mul(y, c)));
  }

  /**
   * The global L2 norm {@code sqrt(Σ_leaves Σ x²)} as a 0-d tensor in the dtype of the first leaf,
   * or {@code null} for a tree without leaves.
   *
   * @param tree a tree of tensors
   * @return the norm, a 0-d tensor
   */
  public static Tensor globalNorm(Object tree) {
    Tensor total = null;
    for (Object leaf : Trees.leaves(tree)) {
      Tensor t = tensor(leaf);
      Tensor s = t.ops().sum(t.ops().square(t));
      total = total == null ? s : t.ops().add(total, s);
    }
    return total == null ? null : total.ops().sqrt(total);
  }

  /**
   * The leaves of {@code tree}, checked to be tensors.
   *
   * @param tree a tree of tensors
   * @return its leaves in order
   */
  public static List<Tensor> leaves(Object tree) {
    return Trees.leaves(tree).stream().map(TensorTrees::tensor).toList();
  }

  private static Tensor tensor(Object leaf) {
    if (leaf instanceof Tensor t) {
      return t;
    }
    throw new IllegalArgumentException(
        "expected a tree of tensors, found a leaf of type "
            + (leaf == null ? "null" : leaf.getClass().getName()));
  }
}
