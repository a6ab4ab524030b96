package dev.diffopt.checkpoint;

import static dev.diffopt.checkpoint.Format.KEY_ENUM;
import static dev.diffopt.checkpoint.Format.KEY_INTEGER;
import static dev.diffopt.checkpoint.Format.KEY_LONG;
import static dev.diffopt.checkpoint.Format.KEY_STRING;
import static dev.diffopt.checkpoint.Format.LEAF_BOOLEAN;
import static dev.diffopt.checkpoint.Format.LEAF_DOUBLE;
import static dev.diffopt.checkpoint.Format.LEAF_FLOAT;
import static dev.diffopt.checkpoint.Format.LEAF_INTEGER;
import static dev.diffopt.checkpoint.Format.LEAF_LONG;
import static dev.diffopt.checkpoint.Format.LEAF_STRING;
import static dev.diffopt.checkpoint.Format.LEAF_TENSOR;
import static dev.diffopt.checkpoint.Format.NODE_ARRAY;
import static dev.diffopt.checkpoint.Format.NODE_CUSTOM;
import static dev.diffopt.checkpoint.Format.NODE_LEAF;
import static dev.diffopt.checkpoint.Format.NODE_LIST;
import static dev.diffopt.checkpoint.Format.NODE_MAP;
import static dev.diffopt.checkpoint.Format.NODE_NONE;
import static dev.diffopt.checkpoint.Format.NODE_OPTIONAL;
import static dev.diffopt.checkpoint.Format.NODE_ORDERED_MAP;
import static dev.diffopt.checkpoint.Format.NODE_RECORD;

import dev.diffopt.checkpoint.FileNode.EnumKey;
import dev.diffopt.checkpoint.FileNode.Leaf;
import dev.diffopt.tensor.DType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes and reads the structure section: the nodes in pre-order, each a tag byte followed by its
 * data and its children. Reading bounds every count and length by the bytes left in the section
 * (which was read whole and CRC-checked before), limits the nesting depth, and loads no class.
 */
final class StructureCodec {
  private StructureCodec() {}

  // ------------------------------------------------------------------------------------------
  // writing

  static byte[] encode(FileNode root) {
    Out out = new Out();
    write(root, out);
    return out.toByteArray();
  }

  private static void write(FileNode n, Out out) {
    out.u8(n.tag);
    switch (n.tag) {
      case NODE_LEAF:
        writeLeaf(n.leaf, out);
        return;
      case NODE_NONE:
        return;
      case NODE_LIST:
        out.u32(n.children.size());
        break;
      case NODE_MAP:
      case NODE_ORDERED_MAP:
        out.u32(n.children.size());
        for (int i = 0; i < n.children.size(); i++) {
          writeKey(n.names.get(i), out);
          write(n.children.get(i), out);
        }
        return;
      case NODE_RECORD:
        out.str(n.type);
        out.u32(n.children.size());
        for (int i = 0; i < n.children.size(); i++) {
          out.str((String) n.names.get(i));
          write(n.children.get(i), out);
        }
        return;
      case NODE_ARRAY:
        out.str(n.type);
        out.u32(n.children.size());
        break;
      case NODE_OPTIONAL:
        out.u8(n.children.size());
        break;
      case NODE_CUSTOM:
        out.str(n.type);
        out.u8(n.aux == null ? 0 : 1);
        if (n.aux != null) {
          out.str(n.aux);
        }
        out.u32(n.children.size());
        for (int i = 0; i < n.children.size(); i++) {
          out.str((String) n.names.get(i));
          write(n.children.get(i), out);
        }
        return;
      default:
        throw new IllegalStateException("unknown node tag " + n.tag);
    }
    for (FileNode c : n.children) {
      write(c, out);
    }
  }

  private static void writeKey(Object key, Out out) {
    if (key instanceof String s) {
      out.u8(KEY_STRING);
      out.str(s);
    } else if (key instanceof Integer i) {
      out.u8(KEY_INTEGER);
      out.i32(i);
    } else if (key instanceof Long l) {
      out.u8(KEY_LONG);
      out.i64(l);
    } else if (key instanceof EnumKey e) {
      out.u8(KEY_ENUM);
      out.str(e.type());
      out.str(e.name());
    } else {
      throw new IllegalStateException("unexpected map key " + key);
    }
  }

  private static void writeLeaf(Leaf leaf, Out out) {
    out.u8(leaf.tag);
    out.str(leaf.path);
    switch (leaf.tag) {
      case LEAF_TENSOR:
        out.u8(Format.code(leaf.dtype));
        out.u8(leaf.dims.length);
        for (long d : leaf.dims) {
          out.i64(d);
        }
        return;
      case LEAF_DOUBLE:
        out.i64(Double.doubleToRawLongBits((Double) leaf.value));
        return;
      case LEAF_FLOAT:
        out.i32(Float.floatToRawIntBits((Float) leaf.value));
        return;
      case LEAF_LONG:
        out.i64((Long) leaf.value);
        return;
      case LEAF_INTEGER:
        out.i32((Integer) leaf.value);
        return;
      case LEAF_BOOLEAN:
        out.u8(((Boolean) leaf.value) ? 1 : 0);
        return;
      case LEAF_STRING:
        out.str((String) leaf.value);
        return;
      default:
        throw new IllegalStateException("unexpected leaf tag " + leaf.tag);
    }
  }

  /** A little-endian byte sink. */
  private static final class Out extends ByteArrayOutputStream {
    void u8(int v) {
      write(v);
    }

    void i32(int v) {
      write(v);
      write(v >>> 8);
      write(v >>> 16);
      write(v >>> 24);
    }

    void u32(int v) {
      i32(v);
    }

    void i64(long v) {
      i32((int) v);
      i32((int) (v >>> 32));
    }

    void str(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      u32(b.length);
      write(b, 0, b.length);
    }
  }

  // ------------------------------------------------------------------------------------------
  // reading

  /**
   * Decodes a structure section.
   *
   * @param bytes holds the section (CRC already checked) from index 0
   * @param length the length of the section
   * @param fileOffset where the section starts in the file, for messages
   * @param name the file, for messages
   */
  static FileNode decode(byte[] bytes, int length, long fileOffset, Object name)
      throws CheckpointException {
    In in = new In(bytes, length, fileOffset, "checkpoint " + name);
    FileNode root = read(in, 0);
    if (in.remaining() != 0) {
      throw in.malformed(in.remaining() + " unexpected bytes after the root node", in.pos);
    }
    return root;
  }

  private static FileNode read(In in, int depth) throws CheckpointException {
    int at = in.pos;
    if (depth > Format.MAX_DEPTH) {
      throw in.malformed("the tree is nested more than " + Format.MAX_DEPTH + " levels deep", at);
    }
    int tag = in.u8("node tag");
    switch (tag) {
      case NODE_LEAF:
        return FileNode.leaf(readLeaf(in));
      case NODE_NONE:
        return new FileNode(NODE_NONE, null, null, null, List.of(), null, null);
      case NODE_LIST:
        {
          int n = in.count("list length");
          return new FileNode(NODE_LIST, null, null, null, readChildren(in, n, depth), null, null);
        }
      case NODE_MAP:
      case NODE_ORDERED_MAP:
        {
          int n = in.count("map size");
          List<Object> keys = new ArrayList<>(n);
          List<FileNode> kids = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            keys.add(readKey(in));
            kids.add(read(in, depth + 1));
          }
          return new FileNode(tag, null, keys, null, kids, null, null);
        }
      case NODE_RECORD:
        {
          String type = in.str("record type name");
          int n = in.count("record component count");
          List<Object> names = new ArrayList<>(n);
          List<FileNode> kids = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            names.add(in.str("record component name"));
            kids.add(read(in, depth + 1));
          }
          return new FileNode(NODE_RECORD, type, names, null, kids, null, null);
        }
      case NODE_ARRAY:
        {
          String type = in.str("array component type name");
          int n = in.count("array length");
          return new FileNode(NODE_ARRAY, type, null, null, readChildren(in, n, depth), null, null);
        }
      case NODE_OPTIONAL:
        {
          int present = in.u8("Optional presence byte");
          if (present > 1) {
            throw in.malformed("Optional presence byte " + present + " is neither 0 nor 1", in.pos - 1);
          }
          return new FileNode(
              NODE_OPTIONAL, null, null, null, readChildren(in, present, depth), null, null);
        }
      case NODE_CUSTOM:
        {
          String type = in.str("custom node type name");
          int hasAux = in.u8("custom node aux flag");
          if (hasAux > 1) {
            throw in.malformed("custom node aux flag " + hasAux + " is neither 0 nor 1", in.pos - 1);
          }
          String aux = hasAux == 1 ? in.str("custom node aux data") : null;
          int n = in.count("custom node child count");
          List<Object> names = new ArrayList<>(n);
          List<FileNode> kids = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            names.add(in.str("custom node child key"));
            kids.add(read(in, depth + 1));
          }
          return new FileNode(NODE_CUSTOM, type, names, aux, kids, null, null);
        }
      default:
        throw in.malformed("unknown node tag " + tag, at);
    }
  }

  private static List<FileNode> readChildren(In in, int n, int depth) throws CheckpointException {
    List<FileNode> kids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      kids.add(read(in, depth + 1));
    }
    return kids;
  }

  private static Object readKey(In in) throws CheckpointException {
    int at = in.pos;
    int tag = in.u8("map key tag");
    switch (tag) {
      case KEY_STRING:
        return in.str("map key");
      case KEY_INTEGER:
        return in.i32("map key");
      case KEY_LONG:
        return in.i64("map key");
      case KEY_ENUM:
        return new EnumKey(in.str("enum key type name"), in.str("enum key constant name"));
      default:
        throw in.malformed("unknown map key tag " + tag, at);
    }
  }

  private static Leaf readLeaf(In in) throws CheckpointException {
    int at = in.pos;
    int tag = in.u8("leaf tag");
    String path = in.str("leaf path");
    switch (tag) {
      case LEAF_TENSOR:
        {
          int code = in.u8("dtype code");
          DType dtype = Format.dtype(code);
          if (dtype == null) {
            throw in.malformed("unknown dtype code " + code + " for the tensor at " + path, in.pos - 1);
          }
          int rank = in.u8("tensor rank");
          long[] dims = new long[rank];
          for (int i = 0; i < rank; i++) {
            dims[i] = in.i64("tensor dimension");
            if (dims[i] < 0) {
              throw in.malformed(
                  "dimension "
                      + i
                      + " of the tensor at "
                      + path
                      + " is "
                      + Long.toUnsignedString(dims[i]),
                  in.pos - 8);
            }
          }
          Leaf leaf = new Leaf(LEAF_TENSOR, path, dtype, dims, null, null);
          long n = leaf.elements();
          if (n < 0 || n > Format.MAX_ELEMENTS) {
            throw in.malformed(
                "the tensor at "
                    + path
                    + " has shape "
                    + FileNode.shapeString(dims)
                    + ", more than the "
                    + Format.MAX_ELEMENTS
                    + " elements one tensor may have",
                at);
          }
          return leaf;
        }
      case LEAF_DOUBLE:
        return new Leaf(tag, path, null, null, Double.longBitsToDouble(in.i64("Double")), null);
      case LEAF_FLOAT:
        return new Leaf(tag, path, null, null, Float.intBitsToFloat(in.i32("Float")), null);
      case LEAF_LONG:
        return new Leaf(tag, path, null, null, in.i64("Long"), null);
      case LEAF_INTEGER:
        return new Leaf(tag, path, null, null, in.i32("Integer"), null);
      case LEAF_BOOLEAN:
        {
          int b = in.u8("Boolean");
          if (b > 1) {
            throw in.malformed("Boolean leaf " + path + " has byte " + b + ", not 0 or 1", in.pos - 1);
          }
          return new Leaf(tag, path, null, null, b == 1, null);
        }
      case LEAF_STRING:
        return new Leaf(tag, path, null, null, in.str("String leaf"), null);
      default:
        throw in.malformed("unknown leaf tag " + tag, at);
    }
  }

  /** A bounded little-endian reader over the structure section. */
  private static final class In {
    private final ByteBuffer buf;
    private final long fileOffset;
    private final String file;
    int pos;

    In(byte[] bytes, int length, long fileOffset, String file) {
      this.buf = ByteBuffer.wrap(bytes, 0, length).slice().order(java.nio.ByteOrder.LITTLE_ENDIAN);
      this.fileOffset = fileOffset;
      this.file = file;
    }

    int remaining() {
      return buf.capacity() - pos;
    }

    CheckpointException malformed(String what, int at) {
      return new CheckpointException(
          file + " has a malformed structure section: " + what + " (at byte " + (fileOffset + at)
              + " of the file)");
    }

    private void need(int n, String what) throws CheckpointException {
      if (remaining() < n) {
        throw malformed(
            what + " needs " + n + " bytes but the section has " + remaining() + " left", pos);
      }
    }

    int u8(String what) throws CheckpointException {
      need(1, what);
      return buf.get(pos++) & 0xFF;
    }

    int i32(String what) throws CheckpointException {
      need(4, what);
      int v = buf.getInt(pos);
      pos += 4;
      return v;
    }

    long i64(String what) throws CheckpointException {
      need(8, what);
      long v = buf.getLong(pos);
      pos += 8;
      return v;
    }

    /** An unsigned 32-bit count of items that each take at least one more byte. */
    int count(String what) throws CheckpointException {
      int at = pos;
      long n = Integer.toUnsignedLong(i32(what));
      if (n > remaining()) {
        throw malformed(
            what + " " + n + " exceeds the " + remaining() + " bytes left in the section", at);
      }
      return (int) n;
    }

    String str(String what) throws CheckpointException {
      int at = pos;
      long n = Integer.toUnsignedLong(i32(what + " length"));
      if (n > remaining()) {
        throw malformed(
            what + " length " + n + " exceeds the " + remaining() + " bytes left in the section",
            at);
      }
      try {
        String s =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(buf.slice(pos, (int) n))
                .toString();
        pos += (int) n;
        return s;
      } catch (CharacterCodingException e) {
        throw malformed(what + " is not valid UTF-8", at + 4);
      }
    }
  }
}
