package dev.diffopt.checkpoint;

import dev.diffopt.checkpoint.FileNode.Leaf;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32;

/**
 * Copies tensor data between backend tensors and the data section, in chunks of {@link
 * Format#CHUNK} bytes so that at most one host copy of one tensor is alive at a time.
 *
 * <p>Host copies go through {@link TensorOps#toFloatArray}/{@link TensorOps#fromFloats} for
 * FLOAT32 (bit-exact when the backend overrides them, as DJL does) and through doubles for the
 * other dtypes, which is exact for FLOAT64, INT32, BOOL and for INT64 within ±(2^53 − 1).
 */
final class TensorData {
  private TensorData() {}

  static ByteBuffer chunk(long largestTensorBytes) {
    int size = (int) Math.max(8, Math.min(Format.CHUNK, largestTensorBytes));
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  // ------------------------------------------------------------------------------------------
  // writing

  /** Writes the data of {@code leaf} (a tensor built for saving) and its CRC32. */
  static void write(FileChannel ch, Leaf leaf, ByteBuffer chunk) throws IOException {
    Tensor t = (Tensor) leaf.source;
    TensorOps ops = t.ops();
    int n = (int) leaf.elements();
    DType dtype = leaf.dtype;
    float[] floats = null;
    double[] doubles = null;
    if (dtype == DType.FLOAT32) {
      floats = ops.toFloatArray(t);
      checkLength(floats.length, n, leaf);
    } else {
      doubles = ops.toDoubleArray(t);
      checkLength(doubles.length, n, leaf);
      if (dtype == DType.INT64) {
        checkSafeInt64(doubles, leaf);
      }
    }
    int size = dtype.byteSize();
    int perChunk = chunk.capacity() / size;
    CRC32 crc = new CRC32();
    for (int start = 0; start < n; start += perChunk) {
      int len = Math.min(perChunk, n - start);
      chunk.clear();
      switch (dtype) {
        case FLOAT32:
          chunk.asFloatBuffer().put(floats, start, len);
          break;
        case FLOAT64:
          chunk.asDoubleBuffer().put(doubles, start, len);
          break;
        case INT32:
          for (int i = 0; i < len; i++) {
            chunk.putInt(i * 4, (int) doubles[start + i]);
          }
          break;
        case INT64:
          for (int i = 0; i < len; i++) {
            chunk.putLong(i * 8, (long) doubles[start + i]);
          }
          break;
        default:
          for (int i = 0; i < len; i++) {
            chunk.put(i, doubles[start + i] != 0 ? (byte) 1 : (byte) 0);
          }
      }
      chunk.position(0).limit(len * size);
      crc.update(chunk);
      chunk.position(0);
      writeFully(ch, chunk);
    }
    writeCrc(ch, crc.getValue());
  }

  private static void checkLength(int got, int expected, Leaf leaf) {
    if (got != expected) {
      throw new IllegalStateException(
          "the backend returned "
              + got
              + " elements for the tensor at "
              + leaf.path
              + " of shape "
              + FileNode.shapeString(leaf.dims)
              + ", expected "
              + expected);
    }
  }

  private static void checkSafeInt64(double[] values, Leaf leaf) {
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      if (!(Math.abs(v) <= Format.MAX_SAFE_INT64)) {
        throw new IllegalArgumentException(
            "cannot save the INT64 tensor at "
                + leaf.path
                + " exactly: element "
                + i
                + " is about "
                + (long) v
                + ", outside ±(2^53 − 1) = ±"
                + Format.MAX_SAFE_INT64
                + ", the range that TensorOps copies exactly (through doubles)");
      }
    }
  }

  static void writeCrc(FileChannel ch, long crc) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc);
    b.flip();
    writeFully(ch, b);
  }

  static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  // ------------------------------------------------------------------------------------------
  // reading

  /**
   * Reads the data of a decoded tensor leaf and checks its CRC32, then its values (BOOL bytes
   * are 0 or 1; with {@code forLoad}, INT64 values lie within ±(2^53 − 1)).
   *
   * @param forLoad true to return the host array ({@code float[]} for FLOAT32, {@code double[]}
   *     otherwise) and check the INT64 range; false only to check
   * @return the host array, or null when {@code forLoad} is false
   */
  static Object read(FileChannel ch, Leaf leaf, ByteBuffer chunk, boolean forLoad, Object name)
      throws IOException {
    int n = (int) leaf.elements();
    DType dtype = leaf.dtype;
    float[] floats = forLoad && dtype == DType.FLOAT32 ? new float[n] : null;
    double[] doubles = forLoad && dtype != DType.FLOAT32 ? new double[n] : null;
    int size = dtype.byteSize();
    int perChunk = chunk.capacity() / size;
    CRC32 crc = new CRC32();
    String badValue = null;
    long pos = leaf.dataOffset;
    for (int start = 0; start < n; start += perChunk) {
      int len = Math.min(perChunk, n - start);
      chunk.clear().limit(len * size);
      readFully(ch, chunk, pos, name);
      pos += (long) len * size;
      chunk.flip();
      crc.update(chunk);
      chunk.position(0);
      switch (dtype) {
        case FLOAT32:
          if (floats != null) {
            chunk.asFloatBuffer().get(floats, start, len);
          }
          break;
        case FLOAT64:
          if (doubles != null) {
            chunk.asDoubleBuffer().get(doubles, start, len);
          }
          break;
        case INT32:
          if (doubles != null) {
            for (int i = 0; i < len; i++) {
              doubles[start + i] = chunk.getInt(i * 4);
            }
          }
          break;
        case INT64:
          for (int i = 0; i < len; i++) {
            long v = chunk.getLong(i * 8);
            if (forLoad) {
              if (badValue == null && (v > Format.MAX_SAFE_INT64 || v < -Format.MAX_SAFE_INT64)) {
                badValue =
                    "element "
                        + (start + i)
                        + " of the INT64 tensor at "
                        + leaf.path
                        + " is "
                        + v
                        + ", outside ±(2^53 − 1) = ±"
                        + Format.MAX_SAFE_INT64
                        + ", the range that TensorOps copies exactly (through doubles)";
              }
              doubles[start + i] = v;
            }
          }
          break;
        default:
          for (int i = 0; i < len; i++) {
            byte b = chunk.get(i);
            if (badValue == null && b != 0 && b != 1) {
              badValue =
                  "element "
                      + (start + i)
                      + " of the BOOL tensor at "
                      + leaf.path
                      + " has byte value "
                      + (b & 0xFF)
                      + ", not 0 or 1 (the file is malformed)";
            }
            if (doubles != null) {
              doubles[start + i] = b;
            }
          }
      }
    }
    ByteBuffer stored = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, stored, pos, name);
    long storedCrc = Integer.toUnsignedLong(stored.getInt(0));
    if (storedCrc != crc.getValue()) {
      throw new CheckpointException(
          "checkpoint "
              + name
              + " is corrupt: CRC mismatch in the data of the tensor at "
              + leaf.path
              + " (bytes "
              + leaf.dataOffset
              + ".."
              + pos
              + "): stored "
              + Format.hex(storedCrc)
              + ", computed "
              + Format.hex(crc.getValue()));
    }
    if (badValue != null) {
      throw new CheckpointException("cannot load checkpoint " + name + ": " + badValue);
    }
    return forLoad ? (floats != null ? floats : doubles) : null;
  }

  /** Fills {@code b} from {@code position}; the end of the file is a {@link CheckpointException}. */
  static void readFully(FileChannel ch, ByteBuffer b, long position, Object name)
      throws IOException {
    long p = position;
    while (b.hasRemaining()) {
      int r = ch.read(b, p);
      if (r < 0) {
        throw new CheckpointException(
            "checkpoint " + name + " is truncated at byte " + p
                + " (the file shrank while it was being read)");
      }
      p += r;
    }
  }
}
