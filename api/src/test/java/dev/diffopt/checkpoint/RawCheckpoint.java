package dev.diffopt.checkpoint;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Builds checkpoint bytes by hand, following docs/checkpoint-format.md independently of the
 * writer, so that tests can check the layout and craft hostile files with valid CRCs.
 */
final class RawCheckpoint {
  static final byte[] MAGIC = {(byte) 0x89, 'D', 'O', 'P', 'T', '\r', '\n', 0x1A};

  private RawCheckpoint() {}

  static long crc(byte[] b) {
    CRC32 c = new CRC32();
    c.update(b);
    return c.getValue();
  }

  /** The 44-byte header with a valid CRC. */
  static byte[] header(
      int version, int flags, long fileLength, long structureLength, int leaves, int tensors) {
    ByteBuffer b = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).putInt(version).putInt(flags).putLong(fileLength).putLong(structureLength);
    b.putInt(leaves).putInt(tensors);
    CRC32 c = new CRC32();
    c.update(b.array(), 0, 40);
    b.putInt((int) c.getValue());
    return b.array();
  }

  /** A whole, consistent file: header, structure with CRC, each tensor's data with CRC. */
  static byte[] file(byte[] structure, int leaves, byte[]... tensorData) {
    long length = 44 + structure.length + 4;
    for (byte[] t : tensorData) {
      length += t.length + 4;
    }
    Bytes out = new Bytes();
    out.raw(header(1, 0, length, structure.length, leaves, tensorData.length));
    out.raw(structure).u32((int) crc(structure));
    for (byte[] t : tensorData) {
      out.raw(t).u32((int) crc(t));
    }
    return out.toByteArray();
  }

  /** Recomputes the header CRC after a test changed header fields. */
  static void fixHeaderCrc(byte[] file) {
    CRC32 c = new CRC32();
    c.update(file, 0, 40);
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(40, (int) c.getValue());
  }

  /** A little-endian byte builder. */
  static final class Bytes extends ByteArrayOutputStream {
    Bytes u8(int v) {
      write(v);
      return this;
    }

    Bytes u32(int v) {
      ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v);
      write(b.array(), 0, 4);
      return this;
    }

    Bytes i64(long v) {
      ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
      write(b.array(), 0, 8);
      return this;
    }

    Bytes str(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      u32(b.length);
      write(b, 0, b.length);
      return this;
    }

    Bytes raw(byte[] b) {
      write(b, 0, b.length);
      return this;
    }

    /** A LEAF node holding a tensor: tag 0, leaf tag 1, path, dtype code, rank, dims. */
    Bytes tensorLeaf(String path, int dtypeCode, long... dims) {
      u8(0).u8(1).str(path).u8(dtypeCode).u8(dims.length);
      for (long d : dims) {
        i64(d);
      }
      return this;
    }
  }
}
