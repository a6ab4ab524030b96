package dev.diffopt.checkpoint;

import dev.diffopt.checkpoint.FileNode.Leaf;
import dev.diffopt.checkpoint.Format.Header;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * An open checkpoint whose header and structure have been read and checked: magic, version, header
 * CRC, total length, structure CRC, leaf counts, and that the tensors the structure describes fill
 * the rest of the file exactly. Tensor data is read (and its CRCs checked) on demand.
 */
final class CheckpointReader implements AutoCloseable {
  final Path file;
  final Header header;
  final FileNode root;
  final List<Leaf> leaves;
  final List<Leaf> tensors;
  private final FileChannel ch;
  private ByteBuffer chunk;

  private CheckpointReader(
      Path file, FileChannel ch, Header header, FileNode root, List<Leaf> leaves, List<Leaf> tensors) {
    this.file = file;
    this.ch = ch;
    this.header = header;
    this.root = root;
    this.leaves = leaves;
    this.tensors = tensors;
  }

  static CheckpointReader open(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    try {
      return read(file, ch);
    } catch (Throwable e) {
      try {
        ch.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static CheckpointReader read(Path file, FileChannel ch) throws IOException {
    long size = ch.size();
    ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, Format.HEADER_SIZE));
    TensorData.readFully(ch, head, 0, file);
    Header header = Header.decode(head.array(), size, file);

    long s = header.structureLength();
    if (s > Integer.MAX_VALUE - 8) {
      throw new CheckpointException(
          "checkpoint " + file + " declares a structure section of " + s
              + " bytes, more than this reader handles");
    }
    ByteBuffer structure = ByteBuffer.allocate((int) s + Format.CRC_SIZE);
    TensorData.readFully(ch, structure, Format.HEADER_SIZE, file);
    long stored =
        Integer.toUnsignedLong(structure.order(ByteOrder.LITTLE_ENDIAN).getInt((int) s));
    long computed = Format.crc(structure.array(), 0, (int) s);
    if (stored != computed) {
      throw new CheckpointException(
          "checkpoint "
              + file
              + " is corrupt: CRC mismatch in the structure section (bytes "
              + Format.HEADER_SIZE
              + ".."
              + (Format.HEADER_SIZE + s)
              + "): stored "
              + Format.hex(stored)
              + ", computed "
              + Format.hex(computed));
    }
    FileNode root = StructureCodec.decode(structure.array(), (int) s, Format.HEADER_SIZE, file);

    List<Leaf> leaves = root.leaves();
    List<Leaf> tensors = new ArrayList<>();
    for (Leaf leaf : leaves) {
      if (leaf.tag == Format.LEAF_TENSOR) {
        tensors.add(leaf);
      }
    }
    if (leaves.size() != header.leafCount() || tensors.size() != header.tensorCount()) {
      throw new CheckpointException(
          "checkpoint "
              + file
              + " is malformed: the header declares "
              + header.leafCount()
              + " leaves ("
              + header.tensorCount()
              + " tensors), the structure has "
              + leaves.size()
              + " ("
              + tensors.size()
              + " tensors)");
    }
    long pos = Format.HEADER_SIZE + s + Format.CRC_SIZE;
    for (Leaf t : tensors) {
      t.dataOffset = pos;
      pos += t.bytes() + Format.CRC_SIZE; // at most 2^34 per tensor: cannot overflow before the check
      if (pos > header.fileLength()) {
        throw new CheckpointException(
            "checkpoint "
                + file
                + " is malformed or truncated: the data of the tensor at "
                + t.path
                + " (shape "
                + FileNode.shapeString(t.dims)
                + ", "
                + t.dtype
                + ", "
                + t.bytes()
                + " bytes) would end at byte "
                + pos
                + ", but the file has "
                + header.fileLength()
                + " bytes");
      }
    }
    if (pos != header.fileLength()) {
      throw new CheckpointException(
          "checkpoint "
              + file
              + " is malformed: its tensors end at byte "
              + pos
              + ", but the file has "
              + header.fileLength()
              + " bytes");
    }
    return new CheckpointReader(file, ch, header, root, leaves, tensors);
  }

  /** Reads one tensor's data; see {@link TensorData#read}. */
  Object readTensor(Leaf leaf, boolean forLoad) throws IOException {
    if (chunk == null) {
      long largest = 0;
      for (Leaf t : tensors) {
        largest = Math.max(largest, t.bytes());
      }
      chunk = TensorData.chunk(largest);
    }
    return TensorData.read(ch, leaf, chunk, forLoad, file);
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }
}
