package dev.diffopt.tree;

import java.util.List;

/**
 * A node of a live tree as seen by a {@link TreeRegistry}: its header and its children (in
 * flattening order). A leaf is represented by {@link #LEAF}.
 */
final class NodeView {
  static final NodeView LEAF = new NodeView(NodeHeader.LEAF, List.of(), null);
  static final NodeView NONE = new NodeView(NodeHeader.NONE, List.of(), null);

  final NodeHeader header;
  final List<?> children;
  final NodeDef<?> def;

  NodeView(NodeHeader header, List<?> children, NodeDef<?> def) {
    this.header = header;
    this.children = children;
    this.def = def;
  }
}
