package dev.diffopt.tree;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The structures a registry flattened last, one per slot chosen from the root's class and size.
 * Flattening first checks a tree against the structure in its slot ({@link
 * TreeSpec#matchLeaves}) and walks it afresh only when that fails, so a training loop that
 * flattens trees of one structure builds that structure once. Specs are immutable; racing writes
 * only lose an entry.
 */
final class RecentSpecs {
  private static final int SLOTS = 64;
  private final TreeSpec[] slots = new TreeSpec[SLOTS];

  /**
   * The slot for {@code root}, or -1 if it is neither a list nor a map. The usual classes are
   * recognised by one comparison: an interface check that fails (a map is not a List) costs a
   * scan of the class's interfaces.
   */
  private static int slot(Object root) {
    if (root == null) {
      return -1;
    }
    Class<?> type = root.getClass();
    int size;
    if (type == HashMap.class || type == ArrayList.class) {
      size = type == HashMap.class ? ((Map<?, ?>) root).size() : ((List<?>) root).size();
    } else if (root instanceof List<?> l) {
      size = l.size();
    } else if (root instanceof Map<?, ?> m) {
      size = m.size();
    } else {
      return -1;
    }
    int h = System.identityHashCode(type) * 31 + size;
    return (h ^ (h >>> 16)) & (SLOTS - 1);
  }

  /** The last structure flattened for a root like {@code root}, or null. */
  TreeSpec get(Object root) {
    int slot = slot(root);
    return slot < 0 ? null : slots[slot];
  }

  /** Remembers {@code spec}, the structure of {@code root}, when the root is a list or a map. */
  void put(Object root, TreeSpec spec) {
    int slot = slot(root);
    if (slot >= 0) {
      slots[slot] = spec;
    }
  }
}
