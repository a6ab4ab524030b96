package dev.diffopt.tree;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A flattened tree: its leaves in order and its structure.
 *
 * <p>{@code flat.spec().unflatten(flat.leaves())} rebuilds an equivalent tree.
 *
 * @param leaves the leaves in flattening order (an unmodifiable list that may contain null when
 *     {@code null} is a leaf)
 * @param spec the structure
 */
public record Flat(List<Object> leaves, TreeSpec spec) {
  /**
   * Checks the leaf count and copies the leaves.
   *
   * @param leaves the leaves
   * @param spec the structure, with {@code spec.numLeaves() == leaves.size()}
   */
  public Flat {
    Objects.requireNonNull(spec, "spec");
    // the leaves of a flattening come in a FrozenArrayList, which nothing can change: no copy
    if (!(leaves instanceof FrozenArrayList)) {
      leaves = Collections.unmodifiableList(new ArrayList<>(leaves));
    }
    if (leaves.size() != spec.numLeaves()) {
      throw new IllegalArgumentException(
          "structure " + spec + " has " + spec.numLeaves() + " leaves, got " + leaves.size());
    }
  }

  /**
   * Rebuilds the tree; same as {@code spec().unflatten(leaves())}.
   *
   * @return the tree
   */
  public Object unflatten() {
    return spec.unflatten(leaves);
  }
}
