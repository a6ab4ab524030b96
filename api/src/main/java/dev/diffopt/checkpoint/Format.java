package dev.diffopt.checkpoint;

import dev.diffopt.tensor.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * Constants and the fixed-size header of checkpoint format version 1; see {@code
 * docs/checkpoint-format.md} for the byte-by-byte layout. Everything is little-endian.
 */
final class Format {
  private Format() {}

  /** {@code 89 44 4F 50 54 0D 0A 1A}: a non-ASCII byte, "DOPT", CR LF, Ctrl-Z (as PNG does). */
  static final byte[] MAGIC = {(byte) 0x89, 'D', 'O', 'P', 'T', '\r', '\n', 0x1A};

  /** The only format version this reader reads and this writer writes. */
  static final int VERSION = 1;

  /** Bytes of the header, its CRC32 included. */
  static final int HEADER_SIZE = 44;

  /** Bytes of the header covered by its CRC32 (everything before the CRC). */
  static final int HEADER_CRC_START = 40;

  /** Bytes of every CRC32 field. */
  static final int CRC_SIZE = 4;

  /** The largest number of elements one tensor may have (the largest Java array). */
  static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  /** INT64 values must lie within ±(2^53 − 1): TensorOps copies them through doubles. */
  static final long MAX_SAFE_INT64 = (1L << 53) - 1;

  /** The deepest nesting the reader accepts, as for flattening. */
  static final int MAX_DEPTH = dev.diffopt.tree.TreeRegistry.MAX_DEPTH;

  /** Bytes copied per chunk when tensor data is written or read. */
  static final int CHUNK = 1 << 20;

  // node tags
  static final int NODE_LEAF = 0;
  static final int NODE_NONE = 1;
  static final int NODE_LIST = 2;
  static final int NODE_MAP = 3;
  static final int NODE_ORDERED_MAP = 4;
  static final int NODE_RECORD = 5;
  static final int NODE_ARRAY = 6;
  static final int NODE_OPTIONAL = 7;
  static final int NODE_CUSTOM = 8;

  // leaf tags
  static final int LEAF_TENSOR = 1;
  static final int LEAF_DOUBLE = 2;
  static final int LEAF_FLOAT = 3;
  static final int LEAF_LONG = 4;
  static final int LEAF_INTEGER = 5;
  static final int LEAF_BOOLEAN = 6;
  static final int LEAF_STRING = 7;

  /** Not written: a template leaf that a checkpoint cannot hold. */
  static final int LEAF_UNSUPPORTED = -1;

  // map key tags
  static final int KEY_STRING = 1;
  static final int KEY_INTEGER = 2;
  static final int KEY_LONG = 3;
  static final int KEY_ENUM = 4;

  /** The dtype code written in the file (not the enum ordinal, so that enum order may change). */
  static int code(DType dtype) {
    switch (dtype) {
      case FLOAT32:
        return 1;
      case FLOAT64:
        return 2;
      case INT32:
        return 3;
      case INT64:
        return 4;
      case BOOL:
        return 5;
      default:
        throw new IllegalArgumentException("no checkpoint code for dtype " + dtype);
    }
  }

  /** The dtype of a code, or null for an unknown code. */
  static DType dtype(int code) {
    switch (code) {
      case 1:
        return DType.FLOAT32;
      case 2:
        return DType.FLOAT64;
      case 3:
        return DType.INT32;
      case 4:
        return DType.INT64;
      case 5:
        return DType.BOOL;
      default:
        return null;
    }
  }

  static String hex(long crc) {
    return String.format("0x%08x", crc);
  }

  static long crc(byte[] bytes, int offset, int length) {
    CRC32 crc = new CRC32();
    crc.update(bytes, offset, length);
    return crc.getValue();
  }

  static String hexBytes(byte[] bytes, int length) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(i == 0 ? "" : " ").append(String.format("%02X", bytes[i] & 0xFF));
    }
    return sb.toString();
  }

  /**
   * The fields of the header.
   *
   * @param fileLength total bytes of the file
   * @param structureLength bytes of the structure section, without its CRC
   * @param leafCount leaves of the tree
   * @param tensorCount tensor leaves of the tree (entries of the data section)
   */
  record Header(long fileLength, long structureLength, int leafCount, int tensorCount) {

    /** The 44 header bytes. */
    byte[] encode() {
      ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
      b.put(MAGIC);
      b.putInt(VERSION);
      b.putInt(0); // flags
      b.putLong(fileLength);
      b.putLong(structureLength);
      b.putInt(leafCount);
      b.putInt(tensorCount);
      b.putInt((int) crc(b.array(), 0, HEADER_CRC_START));
      return b.array();
    }

    /**
     * Parses and checks the header.
     *
     * @param head the first {@code min(size, 44)} bytes of the file
     * @param size the size of the file
     * @param name the file, for messages
     */
    static Header decode(byte[] head, long size, Object name) throws CheckpointException {
      String f = "checkpoint " + name;
      if (size == 0) {
        throw new CheckpointException(
            f + " is empty (0 bytes): not a diffopt checkpoint, or the write never happened");
      }
      int m = (int) Math.min(size, MAGIC.length);
      for (int i = 0; i < m; i++) {
        if (head[i] != MAGIC[i]) {
          throw new CheckpointException(
              f
                  + " has bad magic bytes: it does not start with "
                  + hexBytes(MAGIC, MAGIC.length)
                  + " (found "
                  + hexBytes(head, m)
                  + "), so it is not a diffopt checkpoint");
        }
      }
      if (size < MAGIC.length + 4) {
        throw truncatedHeader(f, size);
      }
      ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
      int version = b.getInt(8);
      if (version != VERSION) {
        throw new CheckpointException(
            f
                + " has format version "
                + Integer.toUnsignedString(version)
                + ", but this diffopt reads only format version "
                + VERSION
                + " (was it written by a newer diffopt? otherwise the header is corrupt)");
      }
      if (size < HEADER_SIZE) {
        throw truncatedHeader(f, size);
      }
      long stored = Integer.toUnsignedLong(b.getInt(HEADER_CRC_START));
      long computed = crc(head, 0, HEADER_CRC_START);
      if (stored != computed) {
        throw new CheckpointException(
            f
                + " is corrupt: CRC mismatch in the header (bytes 0.."
                + HEADER_CRC_START
                + "): stored "
                + hex(stored)
                + ", computed "
                + hex(computed));
      }
      int flags = b.getInt(12);
      if (flags != 0) {
        throw new CheckpointException(
            f
                + " has header flags "
                + hex(Integer.toUnsignedLong(flags))
                + " that this diffopt does not know (format version "
                + VERSION
                + " has none)");
      }
      long fileLength = b.getLong(16);
      if (Long.compareUnsigned(fileLength, size) > 0) {
        throw new CheckpointException(
            f
                + " is truncated at byte "
                + size
                + ": the header declares "
                + Long.toUnsignedString(fileLength)
                + " bytes (was the write interrupted, or the copy incomplete?)");
      }
      if (fileLength < size) {
        throw new CheckpointException(
            f
                + " has "
                + (size - fileLength)
                + " unexpected bytes after byte "
                + fileLength
                + ", where the header says the file ends");
      }
      long structureLength = b.getLong(24);
      long room = fileLength - HEADER_SIZE - CRC_SIZE;
      if (room < 0 || Long.compareUnsigned(structureLength, room) > 0) {
        throw new CheckpointException(
            f
                + " is malformed: the header declares a structure section of "
                + Long.toUnsignedString(structureLength)
                + " bytes, but only "
                + Math.max(0, room)
                + " bytes follow the header");
      }
      int leafCount = b.getInt(32);
      int tensorCount = b.getInt(36);
      if (leafCount < 0 || tensorCount < 0 || tensorCount > leafCount) {
        throw new CheckpointException(
            f
                + " is malformed: the header declares "
                + Integer.toUnsignedString(leafCount)
                + " leaves of which "
                + Integer.toUnsignedString(tensorCount)
                + " are tensors");
      }
      return new Header(fileLength, structureLength, leafCount, tensorCount);
    }

    private static CheckpointException truncatedHeader(String f, long size) {
      return new CheckpointException(
          f + " is truncated at byte " + size + ": the header alone needs " + HEADER_SIZE
              + " bytes");
    }
  }
}
