package dev.diffopt.tree;

/**
 * A node of a live tree as seen by a {@link TreeRegistry}: its header and its children (in
 * flattening order). A leaf is represented by {@link #LEAF}.
 */
final class NodeView {
  private static final Object[] NO_CHILDREN = new Object[0];
  static final NodeView LEAF = new NodeView(NodeHeader.LEAF, NO_CHILDREN, null);
  static final NodeView NONE = new NodeView(NodeHeader.NONE, NO_CHILDREN, null);

  final NodeHeader header;
  /** The children as an array: one monomorphic loop for every node kind. */
  final Object[] children;
  final NodeDef<?> def;

  NodeView(NodeHeader header, Object[] children, NodeDef<?> def) {
    this.header = header;
    this.children = children;
    this.def = def;
  }
}
