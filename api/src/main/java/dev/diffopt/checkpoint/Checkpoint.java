package dev.diffopt.checkpoint;

import dev.diffopt.checkpoint.FileNode.Diff;
import dev.diffopt.checkpoint.FileNode.Leaf;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tree.Flat;
import dev.diffopt.tree.Trees;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Saves and loads trees of tensors — parameters together with optimizer states — to a file in a
 * small, documented, versioned binary format ({@code docs/checkpoint-format.md}).
 *
 * <pre>{@code
 * Object state = adam.init(params);
 * ...
 * Checkpoint.save(dir.resolve("step-100.ckpt"), List.of(params, state));
 *
 * // later, maybe in another process: a freshly initialised tree is the template
 * List<Object> fresh = List.of(initParams(ops), adam.init(initParams(ops)));
 * List<Object> restored = Checkpoint.load(dir.resolve("step-100.ckpt"), fresh, ops);
 * }</pre>
 *
 * <h2>What a checkpoint holds</h2>
 *
 * Any tree of the global {@link dev.diffopt.tree.TreeRegistry}: lists, maps (keys {@code
 * String}, {@code Integer}, {@code Long} or enum constants), ordered maps, records, reference
 * arrays, {@code Optional}s, {@code null} (an empty node) and registered custom nodes. The leaves
 * may be {@link Tensor}s of every {@link DType} and the scalars {@code Double}, {@code Float},
 * {@code Long}, {@code Integer}, {@code Boolean} and {@code String} (stored exactly, with NaN
 * payloads). The file stores the whole structure — node kinds, map keys, record type and component
 * names, lengths, custom node types with {@code String.valueOf} of their auxiliary data, every
 * leaf's path — then the raw little-endian tensor data, each part with a CRC32.
 *
 * <h2>Safety</h2>
 *
 * Loading needs a <em>template</em>: a tree of the expected structure, typically freshly
 * initialised parameters and optimizer state. The file must match it node by node and leaf by
 * leaf (dtype and shape); the result is built from the template's own structure, so loading never
 * instantiates a class named by the file, uses no reflection on names from the file, and no Java
 * serialization. Every length read from the file is checked against the size of the file before
 * anything is allocated, so a truncated, corrupt or hostile file gives a {@link
 * CheckpointException} saying what is wrong (truncated at byte N, CRC mismatch in the tensor at
 * path P, bad magic, unknown version), never an {@link OutOfMemoryError}.
 *
 * <h2>Exactness and its limits</h2>
 *
 * Data crosses to the backend through {@link TensorOps}: FLOAT32 through {@link
 * TensorOps#toFloatArray}/{@link TensorOps#fromFloats}, the other dtypes through doubles. So
 *
 * <ul>
 *   <li>FLOAT64, INT32 and BOOL round-trip bit for bit (NaN payloads, {@code -0.0}, infinities and
 *       subnormals included);
 *   <li>FLOAT32 round-trips bit for bit, NaN payloads included, on backends that override {@code
 *       toFloatArray}/{@code fromFloats} with direct copies (DJL does); through the default
 *       double-based implementations every non-NaN value is still exact and a NaN stays a NaN, but
 *       the hardware may quieten a signalling NaN;
 *   <li>INT64 is stored as 64-bit integers, but copies through doubles are exact only within
 *       ±(2^53 − 1): {@link #save} refuses a tensor holding a value outside that range (it could
 *       not tell 2^53 from 2^53 + 1), and {@link #load} refuses such a value in a file. Step
 *       counters are far inside it.
 * </ul>
 *
 * <h2>Atomicity</h2>
 *
 * {@link #save} writes a temporary file next to the target, forces it to the disk, then renames it
 * over the target atomically ({@link StandardCopyOption#ATOMIC_MOVE}) and forces the directory
 * (where the platform allows), so that a crash leaves either the old checkpoint or the new one at
 * the target path, never a half-written one; the temporary file is deleted if the save fails. A
 * failed {@link #load} changes nothing: the file is only read, the template is only read, and the
 * tensors created before the failure are closed.
 *
 * <p>All methods are static and thread-safe; concurrent saves to the same path leave one complete
 * checkpoint there.
 */
public final class Checkpoint {
  /** The format version that {@link #save} writes and the only one {@link #load} reads. */
  public static final int FORMAT_VERSION = Format.VERSION;

  private static final SecureRandom RANDOM = new SecureRandom();

  private Checkpoint() {}

  /**
   * The eight magic bytes every checkpoint starts with: {@code 89 44 4F 50 54 0D 0A 1A} ({@code
   * \x89DOPT\r\n\x1a}).
   *
   * @return a new copy of the magic bytes
   */
  public static byte[] magic() {
    return Format.MAGIC.clone();
  }

  /**
   * Saves a tree atomically: on return the file holds the whole checkpoint; on failure the file is
   * as it was before and no temporary file remains.
   *
   * @param file the target file; its directory must exist; an existing file is replaced
   * @param tree the tree to save (tensor leaves are copied to the host one at a time)
   * @throws IllegalArgumentException if the tree cannot be saved — a leaf or map key of an
   *     unsupported type, a closed tensor, an INT64 value outside ±(2^53 − 1) — naming its path;
   *     or if {@code file} is a directory
   * @throws IOException if the file system fails (the directory does not exist, the disk is full,
   *     the rename is not supported)
   */
  public static void save(Path file, Object tree) throws IOException {
    Objects.requireNonNull(file, "file");
    Flat flat = Trees.flatten(tree);
    FileNode root = FileNode.of(flat.spec(), flat.leaves(), true);
    byte[] structure = StructureCodec.encode(root);
    List<Leaf> leaves = root.leaves();
    List<Leaf> tensors = new ArrayList<>();
    long length = Format.HEADER_SIZE + (long) structure.length + Format.CRC_SIZE;
    long largest = 0;
    for (Leaf leaf : leaves) {
      if (leaf.tag == Format.LEAF_TENSOR) {
        tensors.add(leaf);
        length += leaf.bytes() + Format.CRC_SIZE;
        largest = Math.max(largest, leaf.bytes());
      }
    }
    Format.Header header =
        new Format.Header(length, structure.length, leaves.size(), tensors.size());

    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    if (dir == null || Files.isDirectory(target)) {
      throw new IllegalArgumentException(
          "cannot save a checkpoint to " + target + ": it is a directory");
    }
    Path tmp = dir.resolve(tempName(target.getFileName().toString()));
    boolean moved = false;
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        TensorData.writeFully(ch, ByteBuffer.wrap(header.encode()));
        TensorData.writeFully(ch, ByteBuffer.wrap(structure));
        TensorData.writeCrc(ch, Format.crc(structure, 0, structure.length));
        ByteBuffer chunk = TensorData.chunk(largest);
        for (Leaf t : tensors) {
          TensorData.write(ch, t, chunk);
        }
        if (ch.size() != length) {
          throw new IllegalStateException(
              "checkpoint writer bug: wrote " + ch.size() + " bytes, expected " + length);
        }
        ch.force(true);
      }
      Files.move(
          tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
    } finally {
      if (!moved) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the original failure matters more
        }
      }
    }
    forceDirectory(dir);
  }

  /**
   * Loads a checkpoint into a new tree shaped like {@code template}; each tensor is created with
   * the {@link TensorOps} of the template tensor at the same path.
   *
   * @param file the checkpoint
   * @param template a tree of the expected structure, dtypes and shapes (its values are ignored)
   * @param <T> the type of the template
   * @return a new tree: new tensors, the template's node types, the file's values
   * @throws CheckpointMismatchException if the file does not match the template
   * @throws CheckpointException if the file is not a valid checkpoint
   * @throws IOException if the file cannot be read
   * @see #load(Path, Object, TensorOps)
   */
  public static <T> T load(Path file, T template) throws IOException {
    Objects.requireNonNull(file, "file");
    return doLoad(file, template, null);
  }

  /**
   * Loads a checkpoint into a new tree shaped like {@code template}, creating every tensor with
   * {@code ops}.
   *
   * <p>The file must match the template exactly: the same node kinds, map keys in the same order,
   * record types and component names, list, array and Optional lengths, custom node types with
   * equal {@code String.valueOf(aux)} and child keys, and at every leaf the same kind — a tensor of
   * the same dtype and shape, or a scalar of the same class. The result is built by {@link
   * dev.diffopt.tree.TreeSpec#unflatten} of the template's structure (so records are made by their
   * canonical constructors, maps are unmodifiable); its tensors belong to the current {@link
   * dev.diffopt.tensor.Scope}, like any tensor {@code ops} creates. Nothing is changed when loading
   * fails.
   *
   * @param file the checkpoint
   * @param template a tree of the expected structure, dtypes and shapes (its values are ignored)
   * @param ops the operations of the backend that receives the tensors
   * @param <T> the type of the template
   * @return a new tree: new tensors, the template's node types, the file's values
   * @throws CheckpointMismatchException naming the first differing path if the file does not
   *     match the template
   * @throws CheckpointException if the file is not a valid checkpoint: empty, truncated, corrupt
   *     (CRC mismatch), malformed, another format version, or an INT64 value outside ±(2^53 − 1)
   * @throws IOException if the file cannot be read
   */
  public static <T> T load(Path file, T template, TensorOps ops) throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(ops, "ops");
    return doLoad(file, template, ops);
  }

  /**
   * Reads a checkpoint without a template or a backend: its version, structure and leaves, after
   * checking every CRC.
   *
   * @param file the checkpoint
   * @return what the file holds
   * @throws CheckpointException if the file is not a valid checkpoint
   * @throws IOException if the file cannot be read
   */
  public static CheckpointInfo inspect(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    try (CheckpointReader r = CheckpointReader.open(file)) {
      List<CheckpointInfo.Entry> entries = new ArrayList<>(r.leaves.size());
      for (Leaf leaf : r.leaves) {
        if (leaf.tag == Format.LEAF_TENSOR) {
          r.readTensor(leaf, false);
          entries.add(new CheckpointInfo.Entry(leaf.path, leaf.dtype, leaf.shape(), null));
        } else {
          entries.add(new CheckpointInfo.Entry(leaf.path, null, null, leaf.value));
        }
      }
      return new CheckpointInfo(
          Format.VERSION, r.header.fileLength(), r.root.render(Integer.MAX_VALUE), entries);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T doLoad(Path file, T template, TensorOps ops) throws IOException {
    Flat flat = Trees.flatten(template);
    FileNode expected = FileNode.of(flat.spec(), flat.leaves(), false);
    try (CheckpointReader r = CheckpointReader.open(file)) {
      Diff d = FileNode.difference(expected, r.root);
      if (d != null) {
        throw new CheckpointMismatchException(
            "checkpoint " + file + " does not match the template",
            d.path(),
            d.detail(),
            expected.toString(),
            r.root.toString());
      }
      List<Leaf> wanted = expected.leaves();
      List<Object> out = new ArrayList<>(r.leaves.size());
      List<Tensor> created = new ArrayList<>();
      try {
        for (int i = 0; i < r.leaves.size(); i++) {
          Leaf leaf = r.leaves.get(i);
          if (leaf.tag != Format.LEAF_TENSOR) {
            out.add(leaf.value);
            continue;
          }
          TensorOps o = ops != null ? ops : ((Tensor) wanted.get(i).source).ops();
          Object host = r.readTensor(leaf, true);
          Tensor t =
              leaf.dtype == DType.FLOAT32
                  ? o.fromFloats((float[]) host, leaf.shape())
                  : o.fromDoubles((double[]) host, leaf.shape(), leaf.dtype);
          created.add(t);
          out.add(t);
        }
        return (T) flat.spec().unflatten(out);
      } catch (Throwable e) {
        for (Tensor t : created) {
          try {
            t.close();
          } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e;
      }
    }
  }

  /** {@code .NAME.tmp-RANDOM}, hidden on Unix, with the name shortened to stay within 255 bytes. */
  private static String tempName(String name) {
    String base = name.length() > 120 ? name.substring(0, 120) : name;
    return "." + base + ".tmp-" + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE);
  }

  /** Forces the directory entry of the rename to disk; not possible on every platform. */
  private static void forceDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | RuntimeException ignored) {
      // Windows cannot open a directory as a channel; the rename itself is still atomic
    }
  }
}
