package dev.diffopt.tree;

import java.util.List;
import java.util.Map;

/**
 * The structures a registry flattened last, one per slot chosen from the root's class and size.
 * Flattening first checks a tree against the structure in its slot ({@link
 * TreeSpec#collectMatching}) and walks it afresh only when that fails, so a training loop that
 * flattens trees of one structure builds that structure once. Specs are immutable; racing writes
 * only lose an entry.
 */
final class RecentSpecs {
  private static final int SLOTS = 64;
  private final TreeSpec[] slots = new TreeSpec[SLOTS];

  private static int slot(Object root) {
    int size = root instanceof List<?> l ? l.size() : root instanceof Map<?, ?> m ? m.size() : 0;
    int h = System.identityHashCode(root.getClass()) * 31 + size;
    return (h ^ (h >>> 16)) & (SLOTS - 1);
  }

  /** The last structure flattened for a root like {@code root}, or null. */
  TreeSpec get(Object root) {
    if (!(root instanceof List<?>) && !(root instanceof Map<?, ?>)) {
      return null;
    }
    return slots[slot(root)];
  }

  /** Remembers {@code spec}, the structure of {@code root}, when the root is a list or a map. */
  void put(Object root, TreeSpec spec) {
    if (root instanceof List<?> || root instanceof Map<?, ?>) {
      slots[slot(root)] = spec;
    }
  }
}
