package dev.diffopt.tree;

/**
 * The state of one check of a tree against a known structure ({@link TreeSpec#matchLeaves}): the
 * classes already found to be plain leaves, lists and maps (built-in kinds that no custom node
 * type claims) under one snapshot of the registrations, so that most nodes are classified by one
 * class comparison. Starts from and returns to the registry's {@link TreeRegistry.Hints}.
 */
final class Matcher {
  final TreeRegistry registry;
  /** The registrations snapshot every class below was checked against. */
  final Object snapshot;
  final boolean noneIsLeaf;
  Class<?> leafA;
  Class<?> leafB;
  Class<?> list;
  Class<?> map;
  boolean changed;

  Matcher(TreeRegistry registry, Object snapshot, TreeRegistry.Hints hints) {
    this.registry = registry;
    this.snapshot = snapshot;
    this.noneIsLeaf = registry.noneIsLeaf();
    if (hints != null && hints.snapshot() == snapshot) {
      leafA = hints.leafA();
      leafB = hints.leafB();
      list = hints.list();
      map = hints.map();
    }
  }

  /** Whether {@code x} is a leaf by the built-in rules and no custom node type claims its class. */
  boolean leaf(Object x) {
    if (x == null) {
      return noneIsLeaf;
    }
    Class<?> c = x.getClass();
    return c == leafA || c == leafB || newLeaf(c);
  }

  private boolean newLeaf(Class<?> c) {
    if (!registry.isPlainClass(c, snapshot, NodeKind.LEAF)) {
      return false;
    }
    leafB = leafA;
    leafA = c;
    changed = true;
    return true;
  }

  /** Whether {@code x} is a built-in list node that no custom node type claims. */
  boolean list(Object x) {
    if (x == null) {
      return false;
    }
    Class<?> c = x.getClass();
    if (c == list) {
      return true;
    }
    if (!registry.isPlainClass(c, snapshot, NodeKind.LIST)) {
      return false;
    }
    list = c;
    changed = true;
    return true;
  }

  /** Whether {@code x} is a built-in map node (sorted keys) that no custom node type claims. */
  boolean map(Object x) {
    if (x == null) {
      return false;
    }
    Class<?> c = x.getClass();
    if (c == map) {
      return true;
    }
    if (!registry.isPlainClass(c, snapshot, NodeKind.MAP)) {
      return false;
    }
    map = c;
    changed = true;
    return true;
  }
}
