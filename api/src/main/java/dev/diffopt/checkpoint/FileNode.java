package dev.diffopt.checkpoint;

import static dev.diffopt.checkpoint.Format.LEAF_BOOLEAN;
import static dev.diffopt.checkpoint.Format.LEAF_DOUBLE;
import static dev.diffopt.checkpoint.Format.LEAF_FLOAT;
import static dev.diffopt.checkpoint.Format.LEAF_INTEGER;
import static dev.diffopt.checkpoint.Format.LEAF_LONG;
import static dev.diffopt.checkpoint.Format.LEAF_STRING;
import static dev.diffopt.checkpoint.Format.LEAF_TENSOR;
import static dev.diffopt.checkpoint.Format.LEAF_UNSUPPORTED;
import static dev.diffopt.checkpoint.Format.NODE_ARRAY;
import static dev.diffopt.checkpoint.Format.NODE_CUSTOM;
import static dev.diffopt.checkpoint.Format.NODE_LEAF;
import static dev.diffopt.checkpoint.Format.NODE_LIST;
import static dev.diffopt.checkpoint.Format.NODE_MAP;
import static dev.diffopt.checkpoint.Format.NODE_NONE;
import static dev.diffopt.checkpoint.Format.NODE_OPTIONAL;
import static dev.diffopt.checkpoint.Format.NODE_ORDERED_MAP;
import static dev.diffopt.checkpoint.Format.NODE_RECORD;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tree.KeyPath;
import dev.diffopt.tree.PathEntry;
import dev.diffopt.tree.TreeSpec;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * One node of the structure as the file stores it: built from a tree for saving (and from the
 * template for comparison), or decoded from a file. Holds plain values only (class names as
 * strings, keys as strings, numbers and {@link EnumKey}s): decoding never loads a class.
 */
final class FileNode {
  /** The longest structure string put into an exception message. */
  static final int MAX_MESSAGE_STRUCTURE = 2_000;

  final int tag;

  /** RECORD and CUSTOM: the type name; ARRAY: the component type name; otherwise null. */
  final String type;

  /**
   * MAP and ORDERED_MAP: the keys; RECORD: the component names; CUSTOM: the child path entries as
   * strings; otherwise null.
   */
  final List<Object> names;

  /** CUSTOM: {@code String.valueOf(aux)}, or null when there is no auxiliary data. */
  final String aux;

  final List<FileNode> children;

  /** Built from a tree: the path entry of each child; decoded: null. */
  final List<PathEntry> entries;

  /** LEAF: the leaf; otherwise null. */
  final Leaf leaf;

  FileNode(
      int tag,
      String type,
      List<Object> names,
      String aux,
      List<FileNode> children,
      List<PathEntry> entries,
      Leaf leaf) {
    this.tag = tag;
    this.type = type;
    this.names = names == null ? null : Collections.unmodifiableList(names);
    this.aux = aux;
    this.children = Collections.unmodifiableList(children);
    this.entries = entries;
    this.leaf = leaf;
  }

  static FileNode leaf(Leaf leaf) {
    return new FileNode(NODE_LEAF, null, null, null, List.of(), List.of(), leaf);
  }

  /** A map key that is an enum constant, stored by type name and constant name. */
  record EnumKey(String type, String name) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A template map key of a type checkpoints cannot store; equal to no stored key. */
  record UnsupportedKey(Object key) {
    @Override
    public String toString() {
      return String.valueOf(key);
    }
  }

  /** A leaf: a tensor (dtype and shape; data elsewhere) or a scalar value. */
  static final class Leaf {
    final int tag;
    final String path;
    final DType dtype;
    final long[] dims;
    final Object value;

    /** Built from a tree: the leaf object itself; decoded: null. */
    final Object source;

    /** Decoded tensors: where its data starts in the file; set after decoding. */
    long dataOffset = -1;

    Leaf(int tag, String path, DType dtype, long[] dims, Object value, Object source) {
      this.tag = tag;
      this.path = path;
      this.dtype = dtype;
      this.dims = dims;
      this.value = value;
      this.source = source;
    }

    /** The number of elements of a tensor; -1 if the product overflows a long. */
    long elements() {
      long n = 1;
      for (long d : dims) {
        if (d != 0 && n > Long.MAX_VALUE / d) {
          return -1;
        }
        n *= d;
      }
      return n;
    }

    /** The bytes of a tensor's data (its element count was checked against MAX_ELEMENTS). */
    long bytes() {
      return elements() * dtype.byteSize();
    }

    Shape shape() {
      return Shape.of(dims);
    }

    String describe() {
      switch (tag) {
        case LEAF_TENSOR:
          return "a " + dtype + " tensor of shape " + shapeString(dims);
        case LEAF_UNSUPPORTED:
          return "a leaf of type " + value + ", which checkpoints cannot hold";
        default:
          return "a " + scalarTypeName(tag) + " leaf";
      }
    }
  }

  static String scalarTypeName(int leafTag) {
    switch (leafTag) {
      case LEAF_DOUBLE:
        return "Double";
      case LEAF_FLOAT:
        return "Float";
      case LEAF_LONG:
        return "Long";
      case LEAF_INTEGER:
        return "Integer";
      case LEAF_BOOLEAN:
        return "Boolean";
      case LEAF_STRING:
        return "String";
      default:
        return "unknown";
    }
  }

  /** Python-style, like {@link Shape#toString()}, without validating the dims. */
  static String shapeString(long[] dims) {
    if (dims.length == 1) {
      return "(" + dims[0] + ",)";
    }
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < dims.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(dims[i]);
    }
    return sb.append(')').toString();
  }

  // ------------------------------------------------------------------------------------------
  // building from a tree

  /**
   * The file form of a flattened tree.
   *
   * @param spec the structure
   * @param leaves the leaves, in flattening order
   * @param strict true when saving: a leaf or key that a checkpoint cannot hold is an {@link
   *     IllegalArgumentException}; false for a template: it becomes a node that matches nothing
   */
  static FileNode of(TreeSpec spec, List<Object> leaves, boolean strict) {
    return of(spec, leaves.iterator(), KeyPath.root(), strict);
  }

  private static FileNode of(TreeSpec spec, Iterator<Object> leaves, KeyPath path, boolean strict) {
    if (spec.isLeaf()) {
      return leaf(leafOf(leaves.next(), path, strict));
    }
    List<PathEntry> entries = spec.childEntries();
    List<Object> names = null;
    String type = null;
    String aux = null;
    int tag;
    switch (spec.kind()) {
      case NONE:
        tag = NODE_NONE;
        break;
      case LIST:
        tag = NODE_LIST;
        break;
      case MAP:
      case ORDERED_MAP:
        tag = spec.kind() == dev.diffopt.tree.NodeKind.MAP ? NODE_MAP : NODE_ORDERED_MAP;
        names = new ArrayList<>(entries.size());
        for (PathEntry e : entries) {
          names.add(keyOf(((PathEntry.MapKey) e).key(), path, strict));
        }
        break;
      case RECORD:
        tag = NODE_RECORD;
        type = spec.nodeType().getTypeName();
        names = new ArrayList<>(entries.size());
        for (PathEntry e : entries) {
          names.add(((PathEntry.Field) e).name());
        }
        break;
      case ARRAY:
        tag = NODE_ARRAY;
        type = spec.nodeType().getComponentType().getTypeName();
        break;
      case OPTIONAL:
        tag = NODE_OPTIONAL;
        break;
      case CUSTOM:
        tag = NODE_CUSTOM;
        type = spec.nodeType().getTypeName();
        aux = spec.auxData() == null ? null : String.valueOf(spec.auxData());
        names = new ArrayList<>(entries.size());
        for (PathEntry e : entries) {
          names.add(e.toString());
        }
        break;
      default:
        throw new IllegalStateException("unexpected node kind " + spec.kind());
    }
    if (strict) {
      checkEncodable(type, path, "type name");
      checkEncodable(aux, path, "auxiliary data of the custom node");
      if (names != null) {
        for (Object n : names) {
          if (n instanceof String s) {
            checkEncodable(s, path, "name");
          }
        }
      }
    }
    List<FileNode> kids = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      kids.add(of(spec.children().get(i), leaves, path.append(entries.get(i)), strict));
    }
    return new FileNode(tag, type, names, aux, kids, entries, null);
  }

  private static Object keyOf(Object key, KeyPath path, boolean strict) {
    if (key instanceof String s) {
      if (strict) {
        checkEncodable(s, path, "map key");
      }
      return s;
    }
    if (key instanceof Integer || key instanceof Long) {
      return key;
    }
    if (key instanceof Enum<?> e) {
      return new EnumKey(e.getDeclaringClass().getTypeName(), e.name());
    }
    if (strict) {
      throw new IllegalArgumentException(
          "cannot save the map at "
              + path
              + ": its key "
              + key
              + " is a "
              + key.getClass().getName()
              + "; checkpoint map keys must be String, Integer, Long or enum constants");
    }
    return new UnsupportedKey(key);
  }

  private static Leaf leafOf(Object x, KeyPath path, boolean strict) {
    String p = path.toString();
    if (x instanceof Tensor t) {
      if (strict && t.isClosed()) {
        throw new IllegalArgumentException("cannot save the tensor at " + p + ": it is closed");
      }
      long[] dims = t.shape().dims();
      if (strict) {
        if (dims.length > 255) {
          throw new IllegalArgumentException(
              "cannot save the tensor at " + p + ": rank " + dims.length + " exceeds 255");
        }
        if (t.shape().size() > Format.MAX_ELEMENTS) {
          throw new IllegalArgumentException(
              "cannot save the tensor at "
                  + p
                  + ": "
                  + t.shape().size()
                  + " elements exceed the limit of "
                  + Format.MAX_ELEMENTS
                  + " per tensor");
        }
        checkEncodable(p, path, "path");
      }
      return new Leaf(LEAF_TENSOR, p, t.dtype(), dims, null, x);
    }
    int tag;
    if (x instanceof Double) {
      tag = LEAF_DOUBLE;
    } else if (x instanceof Float) {
      tag = LEAF_FLOAT;
    } else if (x instanceof Long) {
      tag = LEAF_LONG;
    } else if (x instanceof Integer) {
      tag = LEAF_INTEGER;
    } else if (x instanceof Boolean) {
      tag = LEAF_BOOLEAN;
    } else if (x instanceof String s) {
      tag = LEAF_STRING;
      if (strict) {
        checkEncodable(s, path, "string leaf");
      }
    } else {
      String type = x == null ? "null" : x.getClass().getName();
      if (strict) {
        throw new IllegalArgumentException(
            "cannot save the leaf at "
                + p
                + ": it is a "
                + type
                + "; checkpoint leaves are Tensor, Double, Float, Long, Integer, Boolean and"
                + " String (null is an empty node)");
      }
      return new Leaf(LEAF_UNSUPPORTED, p, null, null, type, x);
    }
    if (strict) {
      checkEncodable(p, path, "path");
    }
    return new Leaf(tag, p, null, null, x, x);
  }

  private static void checkEncodable(String s, KeyPath path, String what) {
    if (s == null) {
      return;
    }
    try {
      StandardCharsets.UTF_8
          .newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(s));
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "cannot save the " + what + " at " + path + ": it is not valid Unicode (a lone"
              + " surrogate?), so it cannot be written as UTF-8",
          e);
    }
  }

  // ------------------------------------------------------------------------------------------
  // leaves in order

  /** The leaves in flattening order. */
  List<Leaf> leaves() {
    List<Leaf> out = new ArrayList<>();
    collect(this, out);
    return out;
  }

  private static void collect(FileNode n, List<Leaf> out) {
    // iterative on the children list, recursive on depth (bounded by MAX_DEPTH)
    if (n.leaf != null) {
      out.add(n.leaf);
      return;
    }
    for (FileNode c : n.children) {
      collect(c, out);
    }
  }

  // ------------------------------------------------------------------------------------------
  // comparison

  /** Where a template and a file first differ. */
  record Diff(KeyPath path, String detail) {}

  /**
   * The first difference between the template and the file in flattening order, or null.
   *
   * @param template built from the template with {@code strict == false}
   * @param file decoded from the file
   */
  static Diff difference(FileNode template, FileNode file) {
    List<PathEntry> path = new ArrayList<>();
    String detail = diff(template, file, path);
    return detail == null ? null : new Diff(KeyPath.of(path), detail);
  }

  private static String diff(FileNode t, FileNode f, List<PathEntry> path) {
    String detail = headerDiff(t, f);
    if (detail != null) {
      return detail;
    }
    for (int i = 0; i < t.children.size(); i++) {
      path.add(t.entries.get(i));
      detail = diff(t.children.get(i), f.children.get(i), path);
      if (detail != null) {
        return detail;
      }
      path.remove(path.size() - 1);
    }
    return null;
  }

  private static String headerDiff(FileNode t, FileNode f) {
    boolean same =
        t.tag == f.tag
            && t.children.size() == f.children.size()
            && Objects.equals(t.type, f.type)
            && Objects.equals(t.names, f.names)
            && Objects.equals(t.aux, f.aux);
    if (same && t.tag == NODE_LEAF) {
      Leaf a = t.leaf;
      Leaf b = f.leaf;
      same =
          a.tag == b.tag
              && a.tag != LEAF_UNSUPPORTED
              && (a.tag != LEAF_TENSOR || (a.dtype == b.dtype && Arrays.equals(a.dims, b.dims)));
      if (same && !a.path.equals(b.path)) {
        return "the file names this leaf " + b.path + " (the file is inconsistent)";
      }
    }
    return same ? null : "template has " + t.describe() + ", file has " + f.describe();
  }

  /** A short description of this node without its children, for mismatch messages. */
  String describe() {
    switch (tag) {
      case NODE_LEAF:
        return leaf.describe();
      case NODE_NONE:
        return "None (a null node)";
      case NODE_LIST:
        return "a list of " + children.size() + " children";
      case NODE_MAP:
        return "a map with keys " + keyList(names);
      case NODE_ORDERED_MAP:
        return "an ordered map (LinkedHashMap) with keys " + keyList(names);
      case NODE_RECORD:
        return "record " + type + "(" + String.join(", ", strings(names)) + ")";
      case NODE_ARRAY:
        return "an array " + type + "[] of " + children.size() + " children";
      case NODE_OPTIONAL:
        return children.isEmpty() ? "Optional.empty" : "a present Optional";
      default:
        return "custom node "
            + type
            + (aux == null ? "" : "<" + aux + ">")
            + " with children ("
            + String.join(", ", strings(names))
            + ")";
    }
  }

  private static List<String> strings(List<Object> xs) {
    List<String> out = new ArrayList<>(xs.size());
    for (Object x : xs) {
      out.add(String.valueOf(x));
    }
    return out;
  }

  private static String keyList(List<Object> keys) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < keys.size(); i++) {
      if (i == 20) {
        sb.append(", ... (").append(keys.size()).append(" keys)");
        break;
      }
      sb.append(i == 0 ? "" : ", ").append(keyString(keys.get(i)));
    }
    return sb.append(']').toString();
  }

  private static String keyString(Object k) {
    if (k instanceof String s) {
      return "'" + s + "'";
    }
    if (k instanceof Long l) {
      return l + "L";
    }
    if (k instanceof EnumKey e) {
      return simpleName(e.type()) + "." + e.name();
    }
    if (k instanceof UnsupportedKey u) {
      Object key = u.key();
      return key + " (a " + (key == null ? "null" : key.getClass().getName()) + ")";
    }
    return String.valueOf(k);
  }

  // ------------------------------------------------------------------------------------------
  // string form

  /** The string form of {@link TreeSpec#toString()}, shortened to a message-friendly length. */
  @Override
  public String toString() {
    return render(MAX_MESSAGE_STRUCTURE);
  }

  /** The string form of {@link TreeSpec#toString()}, shortened to about {@code max} chars. */
  String render(int max) {
    StringBuilder sb = new StringBuilder();
    appendTo(sb, max);
    if (sb.length() > max) {
      sb.setLength(max);
      sb.append("... (shortened)");
    }
    return sb.toString();
  }

  private void appendTo(StringBuilder sb, int max) {
    if (sb.length() > max) {
      return;
    }
    switch (tag) {
      case NODE_LEAF:
        sb.append('*');
        return;
      case NODE_NONE:
        sb.append("None");
        return;
      case NODE_LIST:
        appendChildren(sb, "[", "]", false, max);
        return;
      case NODE_MAP:
        appendChildren(sb, "{", "}", true, max);
        return;
      case NODE_ORDERED_MAP:
        appendChildren(sb, "ordered{", "}", true, max);
        return;
      case NODE_RECORD:
        appendChildren(sb, simpleName(type) + "(", ")", true, max);
        return;
      case NODE_ARRAY:
        appendChildren(sb, simpleName(type) + "[](", ")", false, max);
        return;
      case NODE_OPTIONAL:
        if (children.isEmpty()) {
          sb.append("Optional.empty");
        } else {
          appendChildren(sb, "Optional[", "]", false, max);
        }
        return;
      default:
        appendChildren(
            sb, simpleName(type) + (aux == null ? "" : "<" + aux + ">") + "(", ")", true, max);
    }
  }

  private void appendChildren(
      StringBuilder sb, String open, String close, boolean named, int max) {
    sb.append(open);
    for (int i = 0; i < children.size(); i++) {
      if (sb.length() > max) {
        return;
      }
      if (i > 0) {
        sb.append(", ");
      }
      if (named) {
        sb.append(names.get(i)).append('=');
      }
      children.get(i).appendTo(sb, max);
    }
    sb.append(close);
  }

  /** The part of a type name after the last {@code .} and {@code $}. */
  static String simpleName(String typeName) {
    int cut = Math.max(typeName.lastIndexOf('.'), typeName.lastIndexOf('$'));
    return typeName.substring(cut + 1);
  }
}
