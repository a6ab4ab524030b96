package dev.diffopt.transform;

import dev.diffopt.tensor.Tensor;
import dev.diffopt.tree.Flat;
import dev.diffopt.tree.TreeMismatchException;
import dev.diffopt.tree.Trees;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Applies an inner transformation only to the leaves a mask selects; the other leaves pass through
 * unchanged (optax {@code masked}). The inner transformation sees the tree with every unselected
 * leaf replaced by {@code null}, which diffopt trees treat as an empty node, so it neither computes
 * nor stores anything for them (its state holds {@code null} there too); its output is merged back
 * leaf by leaf.
 *
 * <p>The mask is one of:
 *
 * <ul>
 *   <li>a tree of {@link Boolean} leaves with the structure of the parameters, or a prefix of it
 *       (a {@code Boolean} at a node applies to every leaf below it; a single {@code Boolean}
 *       applies to all);
 *   <li>a {@link Predicate} over leaves ({@link #where}), e.g. {@code t -> t.shape().rank() > 1}
 *       to spare biases;
 *   <li>a {@link Function} from the tree to such a Boolean tree or prefix ({@link #by}), optax's
 *       callable mask, e.g. to select by {@link Trees#mapWithPath path}.
 * </ul>
 *
 * <p>Predicates and functions are evaluated on the parameters in {@link #init} and on the updates
 * in {@link #update} (which share a structure), so they must depend only on structure, paths,
 * shapes and dtypes, never on values; that keeps the step free of host reads. A tree of Boolean
 * leaves is matched against the tree as a prefix: node kinds must agree above the mask's leaves
 * (a {@code TreeMap} mask matches a {@code Map} tree, not a {@code LinkedHashMap} one). Equality is
 * the record's: equal inner transformations and equal masks (predicates and functions compare by
 * identity).
 *
 * @param inner the transformation applied to the selected leaves
 * @param mask a Boolean tree or prefix, a {@code Predicate<Tensor>} or a {@code Function<Object,
 *     Object>} (see above)
 */
public record Masked(GradientTransformation inner, Object mask) implements GradientTransformation {

  /**
   * The state: the inner transformation's state, built for the masked tree.
   *
   * @param inner the inner state
   */
  public record State(Object inner) {}

  /**
   * Validates the arguments: a mask tree must have only {@code Boolean} leaves.
   *
   * @param inner the inner transformation
   * @param mask the mask
   */
  public Masked {
    if (inner == null) {
      throw new NullPointerException("masked: inner transformation is null");
    }
    if (mask == null) {
      throw new NullPointerException(
          "masked: mask is null (use Boolean.TRUE to select every leaf)");
    }
    if (!(mask instanceof Predicate<?>) && !(mask instanceof Function<?, ?>)) {
      checkBooleanLeaves(mask, "mask");
    }
  }

  /**
   * The inner transformation on the leaves {@code mask} selects.
   *
   * @param inner the inner transformation
   * @param mask a tree (or prefix) of Boolean leaves
   * @return the transformation
   */
  public static Masked of(GradientTransformation inner, Object mask) {
    return new Masked(inner, mask);
  }

  /**
   * The inner transformation on the leaves {@code select} accepts.
   *
   * @param inner the inner transformation
   * @param select a leaf predicate, depending on shapes and dtypes only
   * @return the transformation
   */
  public static Masked where(GradientTransformation inner, Predicate<Tensor> select) {
    if (select == null) {
      throw new NullPointerException("masked: predicate is null");
    }
    return new Masked(inner, select);
  }

  /**
   * The inner transformation on the leaves selected by the Boolean tree (or prefix) that {@code
   * maskFn} computes from the tree (optax's callable mask).
   *
   * @param inner the inner transformation
   * @param maskFn tree → Boolean tree or prefix, depending on structure, paths and shapes only
   * @return the transformation
   */
  public static Masked by(GradientTransformation inner, Function<Object, Object> maskFn) {
    if (maskFn == null) {
      throw new NullPointerException("masked: mask function is null");
    }
    return new Masked(inner, maskFn);
  }

  @Override
  public Object init(Object params) {
    Flat flat = Trees.flatten(params);
    return new State(inner.init(hide(flat, selection(params, flat, "params"))));
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> Step<T> update(T updates, Object state, T params) {
    State s = States.expect(state, State.class, this);
    Flat flat = Trees.flatten(updates);
    boolean[] selected = selection(updates, flat, "updates");
    T maskedParams = null;
    if (params != null) {
      Flat p = Trees.flatten(params);
      flat.spec().requireEqual(p.spec(), "masked: params do not match the structure of the updates");
      maskedParams = (T) hide(p, selected);
    }
    Step<T> inside = inner.update((T) hide(flat, selected), s.inner(), maskedParams);
    List<Object> results;
    try {
      results = flat.spec().flattenUpTo(inside.updates());
    } catch (TreeMismatchException e) {
      throw new IllegalArgumentException(
          "masked: the inner transformation " + inner + " returned updates of another structure", e);
    }
    List<Object> merged = new ArrayList<>(selected.length);
    for (int i = 0; i < selected.length; i++) {
      merged.add(selected[i] ? results.get(i) : flat.leaves().get(i));
    }
    return new Step<>((T) flat.spec().unflatten(merged), new State(inside.state()));
  }

  /** Which leaves of {@code tree} (flattened as {@code flat}) the mask selects, in leaf order. */
  @SuppressWarnings("unchecked")
  private boolean[] selection(Object tree, Flat flat, String what) {
    int n = flat.leaves().size();
    boolean[] out = new boolean[n];
    if (mask instanceof Predicate<?> p) {
      for (int i = 0; i < n; i++) {
        out[i] = ((Predicate<Object>) p).test(flat.leaves().get(i));
      }
      return out;
    }
    Object maskTree = mask;
    if (mask instanceof Function<?, ?> f) {
      maskTree = ((Function<Object, Object>) f).apply(tree);
      if (maskTree == null) {
        throw new IllegalArgumentException("masked: the mask function returned null for the " + what);
      }
      checkBooleanLeaves(maskTree, "the mask function's result");
    }
    return broadcast(maskTree, tree, n, what);
  }

  /**
   * The Boolean leaves of {@code maskTree}, a prefix of {@code tree}, repeated over the leaves
   * below each; {@code n} is the number of leaves of {@code tree}.
   */
  private static boolean[] broadcast(Object maskTree, Object tree, int n, String what) {
    Flat maskFlat = Trees.flatten(maskTree);
    List<Object> subtrees;
    try {
      subtrees = maskFlat.spec().flattenUpTo(tree);
    } catch (TreeMismatchException e) {
      throw new IllegalArgumentException(
          "masked: the mask " + maskFlat.spec() + " is not a prefix of the " + what + " "
              + Trees.structure(tree) + ": " + e.getMessage(), e);
    }
    boolean[] out = new boolean[n];
    int k = 0;
    for (int i = 0; i < subtrees.size(); i++) {
      boolean value = (Boolean) maskFlat.leaves().get(i);
      int below = Trees.structure(subtrees.get(i)).numLeaves();
      for (int j = 0; j < below; j++) {
        out[k++] = value;
      }
    }
    return out;
  }

  /** The tree of {@code flat} with the unselected leaves replaced by {@code null}. */
  private static Object hide(Flat flat, boolean[] selected) {
    List<Object> leaves = new ArrayList<>(selected.length);
    for (int i = 0; i < selected.length; i++) {
      leaves.add(selected[i] ? flat.leaves().get(i) : null);
    }
    return flat.spec().unflatten(leaves);
  }

  private static void checkBooleanLeaves(Object maskTree, String what) {
    List<Object> leaves = Trees.leaves(maskTree);
    for (int i = 0; i < leaves.size(); i++) {
      if (!(leaves.get(i) instanceof Boolean)) {
        Object leaf = leaves.get(i);
        throw new IllegalArgumentException(
            "masked: " + what + " must have Boolean leaves, got a "
                + leaf.getClass().getName() + " (" + leaf + ") at "
                + Trees.paths(maskTree).get(i));
      }
    }
  }
}
