package dev.diffopt.tree;

import java.util.List;
import java.util.Objects;

/**
 * The shallow description of one node: everything about it except its children. Shared by {@link
 * TreeSpec} nodes and by nodes of live trees ({@link NodeView}) so that both are compared by the
 * same code.
 *
 * @param kind the node kind
 * @param type RECORD: the record class; ARRAY: the component type; CUSTOM: the registered class;
 *     otherwise null
 * @param keys MAP / ORDERED_MAP: the keys in child order; CUSTOM: the child {@link PathEntry}s or
 *     null; otherwise null
 * @param aux CUSTOM: the user auxiliary data; otherwise null
 * @param arity the number of children
 */
record NodeHeader(NodeKind kind, Class<?> type, List<Object> keys, Object aux, int arity) {

  static final NodeHeader LEAF = new NodeHeader(NodeKind.LEAF, null, null, null, 0);
  static final NodeHeader NONE = new NodeHeader(NodeKind.NONE, null, null, null, 0);

  /** The path entry that leads to child {@code i}. */
  PathEntry entry(int i) {
    switch (kind) {
      case MAP:
      case ORDERED_MAP:
        return PathEntry.mapKey(keys.get(i));
      case RECORD:
        return PathEntry.field(RecordInfo.of(type).name(i));
      case OPTIONAL:
        return PathEntry.optionalValue();
      case CUSTOM:
        return keys == null ? PathEntry.index(i) : (PathEntry) keys.get(i);
      default:
        return PathEntry.index(i);
    }
  }

  /** A short label of the node type, e.g. {@code list}, {@code record Foo}. */
  String label() {
    switch (kind) {
      case LEAF:
        return "leaf";
      case NONE:
        return "None";
      case LIST:
        return "list";
      case MAP:
        return "map";
      case ORDERED_MAP:
        return "ordered map";
      case RECORD:
        return "record " + type.getSimpleName();
      case ARRAY:
        return "array " + type.getSimpleName() + "[]";
      case OPTIONAL:
        return "Optional";
      default:
        return "custom " + type.getSimpleName();
    }
  }

  /**
   * Describes how node {@code b} differs from node {@code a} (children not considered).
   *
   * @return null when the headers are equal, otherwise e.g. {@code list of 2 vs list of 3
   *     children}
   */
  static String mismatch(NodeHeader a, NodeHeader b) {
    if (a.equals(b)) {
      return null;
    }
    if (a.kind != b.kind) {
      return a.label() + " vs " + b.label();
    }
    switch (a.kind) {
      case LIST:
        return "list of " + a.arity + " vs list of " + b.arity + " children";
      case MAP:
        return "keys " + a.keys + " vs " + b.keys;
      case ORDERED_MAP:
        return "ordered keys " + a.keys + " vs " + b.keys;
      case RECORD:
        return typeNames("record ", a.type, b.type);
      case ARRAY:
        if (a.type != b.type) {
          return typeNames("array ", a.type.arrayType(), b.type.arrayType());
        }
        return "array of " + a.arity + " vs array of " + b.arity + " elements";
      case OPTIONAL:
        return (a.arity == 0 ? "empty" : "present") + " vs " + (b.arity == 0 ? "empty" : "present")
            + " Optional";
      case CUSTOM:
        if (a.type != b.type) {
          return typeNames("custom ", a.type, b.type);
        }
        String name = "custom " + a.type.getSimpleName();
        if (!Objects.equals(a.aux, b.aux)) {
          return name + " with aux <" + a.aux + "> vs <" + b.aux + ">";
        }
        if (a.arity != b.arity) {
          return name + " of " + a.arity + " vs " + b.arity + " children";
        }
        return name + " with keys " + a.keys + " vs " + b.keys;
      default:
        return a.label() + " vs " + b.label();
    }
  }

  /** "record Foo vs record Bar", with full names when the simple names are the same. */
  private static String typeNames(String prefix, Class<?> a, Class<?> b) {
    String x = a.getSimpleName();
    String y = b.getSimpleName();
    if (x.equals(y)) {
      x = a.getName();
      y = b.getName();
    }
    return prefix + x + " vs " + prefix + y;
  }
}
