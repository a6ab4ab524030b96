package dev.diffopt.tree;

/**
 * The kind of a node in a {@link TreeSpec}: which built-in (or custom) node type produced it.
 *
 * <p>The kind decides how a node is flattened into children and how it is rebuilt by {@link
 * TreeSpec#unflatten(java.util.List)}.
 */
public enum NodeKind {
  /** A leaf: any object that is not a node. Printed as {@code *}. */
  LEAF,
  /**
   * A {@code null} treated as an empty node with no children (unless the registry says {@code
   * noneIsLeaf}). Printed as {@code None}.
   */
  NONE,
  /** A {@link java.util.List}: children in index order; rebuilt as an unmodifiable list. */
  LIST,
  /**
   * A {@link java.util.Map} other than a {@link java.util.LinkedHashMap}: children ordered by the
   * natural order of the keys; rebuilt as an unmodifiable map iterating in that order.
   */
  MAP,
  /**
   * A {@link java.util.LinkedHashMap} (or subclass): children in insertion order; rebuilt as an
   * unmodifiable {@code LinkedHashMap} with the same order.
   */
  ORDERED_MAP,
  /** A Java record: children are its components in declaration order. */
  RECORD,
  /** An array of a reference component type: children by index. Primitive arrays are leaves. */
  ARRAY,
  /** A {@link java.util.Optional}: no child when empty, one child when present. */
  OPTIONAL,
  /** A node of a type registered with {@link TreeRegistry#register(Class, NodeDef)}. */
  CUSTOM
}
