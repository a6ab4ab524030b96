package dev.diffopt.transform;

import dev.diffopt.tree.Trees;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A different transformation per group of leaves (optax {@code partition}, formerly {@code
 * multi_transform}): every leaf carries a {@code String} label, and the transformation registered
 * under that label transforms it. Each transformation sees only its own leaves (the others are
 * {@code null}, an empty node), exactly as under {@link Masked}, and the results are merged:
 *
 * <pre>
 *   u_i ← transforms[label_i](u restricted to {j : label_j = label_i})_i
 * </pre>
 *
 * <p>The labels are a tree of {@code String} leaves with the structure of the parameters or a
 * prefix of it (a label at a node applies to every leaf below), or a {@link Function} from the
 * tree to such a labels tree (optax's callable labels; evaluated on the parameters in {@link #init}
 * and on the updates in {@link #update}, so it must depend on structure, paths and shapes only).
 * Every label must name a transformation ({@link IllegalArgumentException} otherwise);
 * transformations whose label no leaf carries are initialised and updated on an empty tree.
 * Transformations run in the sorted order of their labels.
 *
 * @param transforms label → transformation; at least one; copied into an unmodifiable map sorted
 *     by label
 * @param labels a String tree or prefix, or a {@code Function<Object, Object>} computing one
 */
public record Partition(SortedMap<String, GradientTransformation> transforms, Object labels)
    implements GradientTransformation {

  /**
   * The state: the state of each inner transformation, by label (each built for its masked tree).
   *
   * @param innerStates label → inner state
   */
  public record State(Map<String, Object> innerStates) {}

  /**
   * Validates and copies the arguments.
   *
   * @param transforms the transformations by label
   * @param labels the labels
   */
  public Partition {
    if (transforms == null) {
      throw new NullPointerException("partition: transforms is null");
    }
    if (transforms.isEmpty()) {
      throw new IllegalArgumentException("partition: transforms must not be empty, got {}");
    }
    TreeMap<String, GradientTransformation> copy = new TreeMap<>();
    for (Map.Entry<String, GradientTransformation> e : transforms.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new NullPointerException(
            "partition: transforms holds a null entry: " + e.getKey() + " -> " + e.getValue());
      }
      copy.put(e.getKey(), e.getValue());
    }
    transforms = Collections.unmodifiableSortedMap(copy);
    if (labels == null) {
      throw new NullPointerException("partition: labels is null");
    }
    if (!(labels instanceof Function<?, ?>)) {
      checkLabels(labels, copy, "labels");
    }
  }

  /**
   * A partition by a labels tree (or prefix) of Strings.
   *
   * @param transforms label → transformation
   * @param labels a tree of String leaves
   * @return the transformation
   */
  public static Partition of(Map<String, ? extends GradientTransformation> transforms, Object labels) {
    if (transforms == null) {
      throw new NullPointerException("partition: transforms is null");
    }
    return new Partition(new TreeMap<>(transforms), labels);
  }

  /**
   * A partition by labels computed from the tree.
   *
   * @param transforms label → transformation
   * @param labelFn tree → String tree or prefix
   * @return the transformation
   */
  public static Partition by(
      Map<String, ? extends GradientTransformation> transforms, Function<Object, Object> labelFn) {
    if (labelFn == null) {
      throw new NullPointerException("partition: label function is null");
    }
    return of(transforms, labelFn);
  }

  @Override
  public Object init(Object params) {
    Object labelTree = labelsFor(params, "params");
    Map<String, Object> states = new TreeMap<>();
    for (Map.Entry<String, GradientTransformation> e : transforms.entrySet()) {
      Masked masked = maskedFor(e.getKey(), e.getValue(), labelTree);
      states.put(e.getKey(), ((Masked.State) masked.init(params)).inner());
    }
    return new State(Collections.unmodifiableMap(states));
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    State s = States.expect(state, State.class, this);
    if (s.innerStates() == null || !s.innerStates().keySet().equals(transforms.keySet())) {
      throw new IllegalArgumentException(
          "partition with labels " + transforms.keySet() + " got a state for labels "
              + (s.innerStates() == null ? null : new TreeSet<>(s.innerStates().keySet()))
              + " (was it made by another partition?)");
    }
    Object labelTree = labelsFor(updates, "updates");
    Map<String, Object> next = new TreeMap<>();
    T current = updates;
    for (Map.Entry<String, GradientTransformation> e : transforms.entrySet()) {
      Masked masked = maskedFor(e.getKey(), e.getValue(), labelTree);
      Step<T> step =
          masked.update(current, new Masked.State(s.innerStates().get(e.getKey())), params);
      current = step.updates();
      next.put(e.getKey(), ((Masked.State) step.state()).inner());
    }
    return new Step<>(current, new State(Collections.unmodifiableMap(next)));
  }

  /** The labels tree for {@code tree}, checked. */
  @SuppressWarnings("unchecked")
  private Object labelsFor(Object tree, String what) {
    if (labels instanceof Function<?, ?> f) {
      Object out = ((Function<Object, Object>) f).apply(tree);
      if (out == null) {
        throw new IllegalArgumentException(
            "partition: the label function returned null for the " + what);
      }
      checkLabels(out, transforms, "the label function's result");
      return out;
    }
    return labels;
  }

  /** {@code inner} masked to the leaves labelled {@code label}. */
  private static Masked maskedFor(String label, GradientTransformation inner, Object labelTree) {
    Object mask = Trees.map(l -> label.equals(l), labelTree);
    return new Masked(inner, mask);
  }

  private static void checkLabels(
      Object labelTree, Map<String, GradientTransformation> transforms, String what) {
    List<Object> leaves = Trees.leaves(labelTree);
    List<String> unknown = new ArrayList<>();
    for (int i = 0; i < leaves.size(); i++) {
      Object leaf = leaves.get(i);
      if (!(leaf instanceof String label)) {
        throw new IllegalArgumentException(
            "partition: " + what + " must have String leaves, got a "
                + leaf.getClass().getName() + " (" + leaf + ") at " + Trees.paths(labelTree).get(i));
      }
      if (!transforms.containsKey(label)) {
        unknown.add(label + " at " + Trees.paths(labelTree).get(i));
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "partition: " + what + " use labels with no transformation: " + unknown
              + "; transformations are given for " + transforms.keySet());
    }
  }
}
