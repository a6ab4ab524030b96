package dev.diffopt.cuda;

import dev.diffopt.optim.fused.FusedSlots;
import dev.diffopt.optim.fused.FusedStates;
import dev.diffopt.spi.FusedUpdates;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorTrees;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.ScaleByLearningRate;
import dev.diffopt.transform.Trace;
import dev.diffopt.tree.Trees;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jcuda.Pointer;
import jcuda.driver.CUfunction;

/**
 * A prepared fused step on the GPU: the parameters, the transformation's own state tree (from
 * its {@code init}) whose tensors the kernel updates in place, the device tables of {@link
 * MultiTensorTable} (uploaded once: the addresses of every parameter and state tensor never
 * change, since the step owns the state and {@link #load} copies into it), and host mirrors of the
 * 0-d step counters.
 *
 * <p>Per step: the gradients are checked (nothing is queued when one is wrong), the step's
 * scalars and counters are packed on the host, and one kernel launch per {@link
 * MultiTensorTable#GRAD_CAPACITY} parameters (LAMB: two such passes and a small one between) is
 * queued on the default stream with the gradient addresses and scalars as by-value parameters.
 * The first launch's block 0 writes the new counter values into the counter tensors, so {@link
 * #state()} is current in stream order and the host never waits for the device. Gradients may be
 * freed right after {@link #step}: frees are stream-ordered.
 *
 * <p>NAdam's μ product is computed by the kernel (with the device's {@code powf}, as the op-by-op
 * path computes it), so the host has no copy of it: every block reads the product before the step
 * from one of two scratch slots and the writing block stores the new one in the state tensor and
 * the other slot, which the next step reads ({@link #load} refills the first slot).
 */
final class CudaFusedStep implements FusedUpdates.FusedStep {
  /**
   * Elements per block. Adam over 100 × 10⁶ float32 elements on an H200 moved its 28 bytes per
   * element at 0.99 of device-to-device copy bandwidth with 4096, 0.97 with 8192, 0.95 with 16384
   * and 0.93 with 32768 (LAMB, Adan, NAdam, SGD with momentum: 0.97 to 1.00 with 8192).
   */
  static final int CHUNK = 8192;
  /** Threads per block: a multiple of 32, at most {@code MAX_THREADS} of {@code fused.cu}. */
  static final int THREADS = 256;
  /** The kernels' PTX module. */
  static final String MODULE = "fused";
  private static final int CORE = 0;
  private static final int TRACE = 1;
  private static final int LR = 2;

  private final CudaTensorOps ops;
  private final CudaDevice device;
  private final int chunk;
  private final int threads;
  private final List<Tensor> params;
  private final DType dtype;
  private final FusedRule rule;
  private final StepScalars scalars = new StepScalars();
  private final Object state;
  /** The state's tensors, checked before each step: the kernel writes them through addresses. */
  private final List<Tensor> stateTensors;
  private final MultiTensorTable table;
  private final DevicePointer rows;
  private final DevicePointer blocks;
  /** LAMB's per-block sums of p² and r², else null. */
  private final DevicePointer partials;
  /** LAMB's trust ratio per row, else null. */
  private final DevicePointer ratios;
  /** The rule's kernel; LAMB's first pass. */
  private final CUfunction kernel;
  /** LAMB's second pass (the ratios), else null. */
  private final CUfunction norms;
  /** LAMB's third pass, else null. */
  private final CUfunction apply;
  /** The core's, the trace's and the learning rate's counter tensors (null: none). */
  private final Tensor[] counters = new Tensor[StepScalars.COUNTERS];
  private final long[] counterAddresses = new long[StepScalars.COUNTERS];
  /** Host mirrors of the counters (0 for a missing one). */
  private final long[] counts = new long[StepScalars.COUNTERS];
  /** NAdam's μ product, else null. */
  private final Tensor extra;
  /** NAdam's two scratch slots for the product, else null. */
  private final DevicePointer products;
  /** The scratch slot the next step reads the product from. */
  private int parity;
  private boolean closed;

  /**
   * Binds {@code rule} to the parameters and a fresh state from {@code transformation.init}.
   *
   * @param ops the backend's ops; every parameter is an open, distinct tensor of it, all of one
   *     dtype (float32 or float64), at least one with elements ({@link CudaFusedUpdates#whyNot}
   *     checked that)
   * @param rule the host side of the recognized rule
   * @param transformation the transformation, whose {@code init} makes the state
   * @param paramTree the parameter tree; its leaves are updated in place
   */
  CudaFusedStep(CudaTensorOps ops, FusedRule rule, GradientTransformation transformation,
      Object paramTree) {
    this(ops, rule, transformation, paramTree, CHUNK, THREADS);
  }

  /**
   * Like the main constructor, with another launch geometry (for tuning on a GPU).
   *
   * @param chunk elements per block, a positive multiple of {@link
   *     MultiTensorTable#CHUNK_MULTIPLE}
   * @param threads threads per block, a multiple of 32 up to {@link #THREADS}
   */
  CudaFusedStep(CudaTensorOps ops, FusedRule rule, GradientTransformation transformation,
      Object paramTree, int chunk, int threads) {
    if (threads < 32 || threads > THREADS || threads % 32 != 0) {
      throw new IllegalArgumentException(
          "threads must be a multiple of 32 in [32, " + THREADS + "], got " + threads);
    }
    this.ops = ops;
    this.device = ops.device();
    this.chunk = chunk;
    this.threads = threads;
    this.rule = rule;
    this.params = TensorTrees.leaves(paramTree);
    this.dtype = params.get(0).dtype();
    Object s;
    try (Scope scope = Scope.open()) {
      s = scope.detach(transformation.init(paramTree));
    }
    this.state = s;
    this.stateTensors = TensorTrees.leaves(s);
    DevicePointer rowBuffer = null;
    DevicePointer blockBuffer = null;
    DevicePointer partialBuffer = null;
    DevicePointer productBuffer = null;
    DevicePointer ratioBuffer = null;
    try {
      Trace.State traceState = FusedStates.find(state, Trace.State.class);
      this.table = MultiTensorTable.build(sizes(), addresses(params), slotAddresses(traceState),
          chunk, MultiTensorTable.GRAD_CAPACITY);
      if (table.rows() == 0) {
        throw new IllegalArgumentException("fused step: every parameter is empty");
      }
      rowBuffer = upload(table.rowBytes());
      blockBuffer = upload(table.blockBytes());
      if (rule.twoPass()) {
        partialBuffer = device.allocate(2L * Double.BYTES * table.blocks());
        ratioBuffer = device.allocate((long) dtype.byteSize() * table.rows());
      }
      this.rows = rowBuffer;
      this.blocks = blockBuffer;
      this.partials = partialBuffer;
      this.ratios = ratioBuffer;
      counters[CORE] = FusedSlots.coreCounter(rule.plan, state);
      counters[TRACE] = traceState == null ? null : traceState.count();
      counters[LR] = FusedStates.require(state, ScaleByLearningRate.State.class).count();
      for (int c = 0; c < counters.length; c++) {
        if (counters[c] != null) {
          counterAddresses[c] = checkScalar(counters[c], DType.INT64, "step counter " + c);
        }
      }
      this.extra = FusedSlots.muProduct(rule.plan, state);
      if (extra != null) {
        checkScalar(extra, dtype, "the NAdam mu product");
        productBuffer = device.allocate(2 * dtype.byteSize());
      }
      this.products = productBuffer;
      rule.constants(scalars);
      String suffix = dtype == DType.FLOAT32 ? "_f32" : "_f64";
      if (rule.twoPass()) {
        this.kernel = device.function(MODULE, "fused_lamb_moments" + suffix);
        this.norms = device.function(MODULE, "fused_lamb_norms" + suffix);
        this.apply = device.function(MODULE, "fused_lamb_apply" + suffix);
      } else {
        this.kernel = device.function(MODULE, "fused_" + rule.kernel() + suffix);
        this.norms = null;
        this.apply = null;
      }
      readMirrors();
    } catch (RuntimeException | Error e) {
      free(rowBuffer);
      free(blockBuffer);
      free(partialBuffer);
      free(productBuffer);
      free(ratioBuffer);
      closeState();
      throw e;
    }
  }

  private long[] sizes() {
    long[] sizes = new long[params.size()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = params.get(i).size();
    }
    return sizes;
  }

  private static long[] addresses(List<Tensor> tensors) {
    long[] a = new long[tensors.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = ((CudaTensor) tensors.get(i)).address();
    }
    return a;
  }

  /** The addresses of the state slots (the core's, then the trace's), checked against params. */
  private long[][] slotAddresses(Trace.State traceState) {
    List<Object> trees = new ArrayList<>(FusedSlots.slotTrees(rule.plan, state));
    if (traceState != null) {
      trees.add(traceState.trace());
    }
    if (trees.size() != rule.slots()) {
      throw new IllegalStateException("rule " + rule + " expects " + rule.slots()
          + " state slots, the state has " + trees.size());
    }
    long[][] slots = new long[trees.size()][];
    for (int k = 0; k < trees.size(); k++) {
      List<Tensor> leaves = TensorTrees.leaves(trees.get(k));
      if (leaves.size() != params.size()) {
        throw new IllegalStateException("state slot " + k + " has " + leaves.size()
            + " tensors for " + params.size() + " parameters");
      }
      for (int i = 0; i < leaves.size(); i++) {
        Tensor t = leaves.get(i);
        if (!(t instanceof CudaTensor c) || c.ops() != ops || t.dtype() != dtype
            || !t.shape().equals(params.get(i).shape())) {
          throw new IllegalStateException("state slot " + k + " tensor " + i + " is " + t
              + ", expected a " + name(dtype) + params.get(i).shape() + " tensor of this backend");
        }
      }
      slots[k] = addresses(leaves);
    }
    return slots;
  }

  /** The address of 0-d {@code t}, checked to be a {@code dtype} tensor of this backend. */
  private long checkScalar(Tensor t, DType want, String what) {
    if (!(t instanceof CudaTensor c) || c.ops() != ops || t.dtype() != want
        || !t.shape().equals(Shape.scalar())) {
      throw new IllegalStateException(
          what + " is " + t + ", expected a 0-d " + name(want) + " tensor of this backend");
    }
    return c.address();
  }

  private DevicePointer upload(byte[] bytes) {
    DevicePointer p = device.allocate(bytes.length);
    try {
      device.copyIn(p, Pointer.to(bytes), bytes.length);
    } catch (RuntimeException e) {
      free(p);
      throw e;
    }
    return p;
  }

  private void free(DevicePointer p) {
    if (p != null) {
      device.free(p);
    }
  }

  /**
   * Reads the counters from the state (waits for the device) and copies NAdam's product into the
   * scratch slot the next step reads.
   */
  private void readMirrors() {
    for (int c = 0; c < counters.length; c++) {
      counts[c] = counters[c] == null ? 0 : (long) ops.toDoubleArray(counters[c])[0];
    }
    if (extra != null) {
      parity = 0;
      device.copy(products, ((CudaTensor) extra).pointer(), dtype.byteSize());
    }
  }

  @Override
  public void step(List<Tensor> grads) {
    checkOpen("step");
    FusedStates.checkStep(ops, "cuda", params, grads, stateTensors);
    long[] gradAddresses = new long[grads.size()];
    for (int i = 0; i < gradAddresses.length; i++) {
      gradAddresses[i] = ((CudaTensor) grads.get(i)).address();
    }
    rule.begin(scalars, dtype, counts[CORE], counts[TRACE], counts[LR]);
    long[] next = counts.clone();
    for (int c = 0; c < counters.length; c++) {
      if (counters[c] != null) {
        next[c]++;
      }
    }
    if (rule.twoPass()) {
      launchTwoPass(next, gradAddresses);
    } else {
      launch(next, gradAddresses);
    }
    System.arraycopy(next, 0, counts, 0, counts.length);
    parity ^= 1;
  }

  /** One launch per segment; the first writes the counters. */
  private void launch(long[] next, long[] gradAddresses) {
    List<MultiTensorTable.Segment> segments = table.segments();
    for (int k = 0; k < segments.size(); k++) {
      MultiTensorTable.Segment seg = segments.get(k);
      device.launch(kernel, seg.blocks(), 1, threads, 1, new KernelArgs()
          .ptr(rows).ptr(blocks).struct(stepBytes(seg, next, k == 0))
          .struct(table.grads(seg, gradAddresses)));
    }
  }

  /**
   * LAMB: the moments pass over every segment, one block per row for the trust ratios, then the
   * apply pass over every segment (its first launch writes the counters).
   */
  private void launchTwoPass(long[] next, long[] gradAddresses) {
    List<MultiTensorTable.Segment> segments = table.segments();
    for (MultiTensorTable.Segment seg : segments) {
      device.launch(kernel, seg.blocks(), 1, threads, 1, new KernelArgs()
          .ptr(rows).ptr(blocks).ptr(partials).struct(stepBytes(seg, next, false))
          .struct(table.grads(seg, gradAddresses)));
    }
    device.launch(norms, table.rows(), 1, threads, 1,
        new KernelArgs().ptr(rows).ptr(partials).ptr(ratios));
    for (int k = 0; k < segments.size(); k++) {
      MultiTensorTable.Segment seg = segments.get(k);
      device.launch(apply, seg.blocks(), 1, threads, 1, new KernelArgs()
          .ptr(rows).ptr(blocks).ptr(ratios).struct(stepBytes(seg, next, k == 0)));
    }
  }

  private byte[] stepBytes(MultiTensorTable.Segment seg, long[] next, boolean writes) {
    long[] addresses = writes ? counterAddresses : new long[StepScalars.COUNTERS];
    long[] product = new long[3];
    if (extra != null) {
      long slot = dtype.byteSize();
      product[0] = writes ? ((CudaTensor) extra).address() : 0;
      product[1] = products.address() + parity * slot;
      product[2] = writes ? products.address() + (1 - parity) * slot : 0;
    }
    return scalars.pack(dtype, seg, chunk, next, addresses, product);
  }

  @Override
  public Object state() {
    checkOpen("state");
    return state;
  }

  @Override
  public void load(Object newState) {
    checkOpen("load");
    FusedStates.load(ops, "cuda", state, newState);
    readMirrors();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      free(rows);
      free(blocks);
      free(partials);
      free(ratios);
      free(products);
      closeState();
    }
  }

  private void closeState() {
    FusedStates.close(state);
  }

  private void checkOpen(String what) {
    if (closed) {
      throw new IllegalStateException("fused " + what + ": the fused step is closed");
    }
  }

  private static String name(DType dtype) {
    return dtype.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "CudaFusedStep(" + rule.plan.rule() + ", " + name(dtype) + ", " + params.size()
        + " tensors, " + table + ")";
  }
}
