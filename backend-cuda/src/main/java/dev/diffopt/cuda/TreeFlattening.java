package dev.diffopt.cuda;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tree.KeyPath;
import dev.diffopt.tree.TreeSpec;
import dev.diffopt.tree.Trees;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;

/**
 * A tree of device tensors as one contiguous buffer and back, one kernel launch each way (JAX's
 * {@code ravel_pytree}, TorchOpt's {@code tree_ravel}): the leaves, in tree order, laid end to
 * end. The launch reads a small table on the device, each leaf's address and its first element's
 * position in the flat buffer, and every thread finds its leaf by binary search in it. Used to
 * move a whole tree to or from the host in one copy (checkpoints) and to reduce parameters or
 * gradients as one vector (the distributed reduce).
 *
 * <p>All tensor leaves must share one dtype (the flat buffer's); non-tensor leaves are not
 * allowed.
 */
public final class TreeFlattening {
  private static final String MODULE = "ops";

  private final CudaTensorOps ops;

  TreeFlattening(CudaTensorOps ops) {
    this.ops = ops;
  }

  /**
   * The leaves of {@code tree} laid end to end in a new 1-d tensor of their dtype.
   *
   * @throws IllegalArgumentException if the tree has no leaves, a leaf that is not a tensor of
   *     this backend, or leaves of different dtypes (the message names the path)
   */
  public Tensor ravel(Object tree) {
    List<CudaTensor> leaves = leaves(tree, "ravel");
    DType dtype = leaves.get(0).dtype();
    long[] starts = starts(leaves);
    CudaTensor flat = ops.allocate(Shape.of(starts[leaves.size()]), dtype);
    move("ravel", leaves, starts, flat);
    return flat;
  }

  /**
   * New tensors shaped like the leaves of {@code like}, filled from {@code flat} in leaf order, in
   * a tree of {@code like}'s structure.
   *
   * @throws IllegalArgumentException if {@code flat} is not 1-d, has another dtype or another
   *     number of elements than the leaves together
   */
  public <T> T unravel(Tensor flat, T like) {
    List<CudaTensor> shapes = leaves(like, "unravel");
    List<CudaTensor> fresh = new ArrayList<>(shapes.size());
    for (CudaTensor t : shapes) {
      fresh.add(ops.allocate(t.shape(), t.dtype()));
    }
    unravelInto(flat, fresh);
    @SuppressWarnings("unchecked")
    T tree = (T) Trees.unflatten(Trees.structure(like), fresh);
    return tree;
  }

  /**
   * Overwrites the leaves of {@code tree} in place with the elements of {@code flat}.
   *
   * @throws IllegalArgumentException as {@link #unravel}
   */
  public void unravelInto(Tensor flat, Object tree) {
    List<CudaTensor> leaves = leaves(tree, "unravelInto");
    CudaTensor f = ops.unwrap(flat, "unravel");
    long[] starts = starts(leaves);
    long total = starts[leaves.size()];
    if (f.shape().rank() != 1 || f.size() != total || f.dtype() != leaves.get(0).dtype()) {
      throw new IllegalArgumentException("unravel: the flat tensor is " + f.dtype() + f.shape()
          + " but the tree's leaves need " + leaves.get(0).dtype() + "(" + total + ")");
    }
    move("unravel", leaves, starts, f);
  }

  private List<CudaTensor> leaves(Object tree, String op) {
    TreeSpec spec = Trees.structure(tree);
    List<Object> raw = Trees.leaves(tree);
    if (raw.isEmpty()) {
      throw new IllegalArgumentException(op + ": the tree has no leaves");
    }
    List<KeyPath> paths = spec.paths();
    List<CudaTensor> out = new ArrayList<>(raw.size());
    for (int i = 0; i < raw.size(); i++) {
      Object leaf = raw.get(i);
      if (!(leaf instanceof Tensor t)) {
        throw new IllegalArgumentException(
            op + ": leaf at " + paths.get(i) + " is " + leaf + ", not a tensor");
      }
      CudaTensor c = ops.unwrap(t, op + " (leaf at " + paths.get(i) + ")");
      if (!out.isEmpty() && c.dtype() != out.get(0).dtype()) {
        throw new IllegalArgumentException(op + ": leaf at " + paths.get(i) + " is " + c.dtype()
            + " but the first leaf is " + out.get(0).dtype() + "; all leaves must share a dtype");
      }
      out.add(c);
    }
    return out;
  }

  /** Each leaf's first element in the flat buffer, and the total as the last entry. */
  static long[] starts(List<? extends Tensor> leaves) {
    long[] starts = new long[leaves.size() + 1];
    for (int i = 0; i < leaves.size(); i++) {
      starts[i + 1] = starts[i] + leaves.get(i).size();
    }
    return starts;
  }

  /** The device table: leaf addresses (8 bytes each), then the starts (8 bytes each). */
  static byte[] table(long[] addresses, long[] starts) {
    ByteBuffer b = ByteBuffer.allocate((addresses.length + starts.length) * Long.BYTES)
        .order(ByteOrder.LITTLE_ENDIAN);
    for (long a : addresses) {
      b.putLong(a);
    }
    for (long s : starts) {
      b.putLong(s);
    }
    return b.array();
  }

  private void move(String kernel, List<CudaTensor> leaves, long[] starts, CudaTensor flat) {
    long total = starts[leaves.size()];
    if (total == 0) {
      return;
    }
    CudaDevice device = ops.device();
    long[] addresses = new long[leaves.size()];
    for (int i = 0; i < addresses.length; i++) {
      addresses[i] = leaves.get(i).address();
    }
    byte[] table = table(addresses, starts);
    DevicePointer onDevice = device.allocate(table.length);
    try {
      device.copyIn(onDevice, Pointer.to(table), table.length);
      // the kernel's `starts` parameter is a pointer: passed as its 8-byte address
      long startsAddress = onDevice.address() + (long) addresses.length * Long.BYTES;
      device.launch(device.function(MODULE, kernel + "_" + HostArrays.width(flat.dtype())),
          Grid.elements(total, device.maxBlocks()),
          new KernelArgs().i32(leaves.size()).ptr(onDevice).i64(startsAddress)
              .ptr(flat.pointer()));
    } finally {
      device.free(onDevice);
    }
  }
}
