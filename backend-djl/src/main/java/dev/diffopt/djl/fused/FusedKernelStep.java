package dev.diffopt.djl.fused;

import ai.djl.pytorch.engine.PtNDArray;
import dev.diffopt.djl.DjlTensor;
import dev.diffopt.optim.fused.FusedSlots;
import dev.diffopt.optim.fused.FusedStates;
import dev.diffopt.spi.FusedUpdates;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensor.TensorTrees;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.ScaleByLearningRate;
import dev.diffopt.transform.Trace;
import dev.diffopt.tree.Trees;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A prepared fused step: the parameters, the transformation's own state tree (from its {@code
 * init}) whose moment tensors the kernel updates in place through zero-copy views, and host
 * mirrors of the 0-d step counters, written back into the counter tensors after every step so that
 * {@link #state()} is always current.
 *
 * <p>Per step: one validation pass over the gradients (nothing is written when one is wrong), one
 * view per parameter and gradient (two JNI calls each), the host scalars once, then one pass of the
 * rule's kernel over each tensor (two for LAMB). State views are taken once at preparation: the
 * kernel owns the state tensors and only ever writes them in place ({@code load} copies into them).
 */
final class FusedKernelStep implements FusedUpdates.FusedStep {
  private final TensorOps ops;
  private final List<Tensor> params;
  private final int[] sizes;
  private final VectorKernel kernel;
  private final Object state;
  /** The state's tensors, checked before each step: the kernel writes through cached views. */
  private final List<Tensor> stateTensors;
  /** Per slot, per parameter. */
  private final ByteBuffer[][] slotViews;
  private final Counter core;
  private final Counter trace;
  private final Counter lr;
  private final Buffers buffers;
  private final Buffers scratch;
  private boolean closed;

  /** A step counter of the state: its 0-d INT64 tensor's view and a host mirror. */
  private static final class Counter {
    final ByteBuffer view;
    long value;

    Counter(Tensor tensor, String what) {
      this.view = Views.of(tensor, what);
      this.value = view.getLong(0);
    }

    void reread() {
      value = view.getLong(0);
    }

    void increment() {
      value++;
      view.putLong(0, value);
    }
  }

  /**
   * Binds the kernel to the parameters and a fresh state from {@code transformation.init(params)}.
   *
   * @param params the parameter tree (its leaves are updated in place); the state has the
   *     structure {@code init} gives for this tree
   */
  FusedKernelStep(TensorOps ops, VectorKernel kernel, GradientTransformation transformation,
      Object params) {
    this.ops = ops;
    this.params = TensorTrees.leaves(params);
    this.kernel = kernel;
    this.sizes = new int[this.params.size()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = Math.toIntExact(this.params.get(i).size());
    }
    Object s;
    try (Scope scope = Scope.open()) {
      s = scope.detach(transformation.init(params));
    }
    this.state = s;
    this.stateTensors = TensorTrees.leaves(s);
    boolean bound = false;
    try {
      List<Object> trees = new ArrayList<>(FusedSlots.slotTrees(kernel.plan, state));
      Trace.State traceState = FusedStates.find(state, Trace.State.class);
      if (traceState != null) {
        trees.add(traceState.trace());
      }
      if (trees.size() != kernel.slots()) {
        throw new IllegalStateException(
            "kernel " + kernel.getClass().getSimpleName() + " expects " + kernel.slots()
                + " state slots, the state has " + trees.size());
      }
      this.slotViews = new ByteBuffer[trees.size()][];
      for (int k = 0; k < trees.size(); k++) {
        List<Tensor> leaves = TensorTrees.leaves(trees.get(k));
        if (leaves.size() != this.params.size()) {
          throw new IllegalStateException("state slot " + k + " has " + leaves.size()
              + " tensors for " + this.params.size() + " parameters");
        }
        slotViews[k] = new ByteBuffer[leaves.size()];
        for (int i = 0; i < leaves.size(); i++) {
          Tensor t = leaves.get(i);
          if (t.dtype() != DType.FLOAT32 || !t.shape().equals(this.params.get(i).shape())) {
            throw new IllegalStateException("state slot " + k + " tensor " + i + " is " + t
                + ", expected float32 " + this.params.get(i).shape());
          }
          slotViews[k][i] = sizes[i] == 0 ? null : Views.of(t, "state slot " + k + " tensor " + i);
        }
      }
      Tensor coreCount = FusedSlots.coreCounter(kernel.plan, state);
      this.core = coreCount == null ? null : new Counter(coreCount, "the core's step counter");
      this.trace = traceState == null ? null : new Counter(traceState.count(), "the trace counter");
      this.lr = new Counter(
          FusedStates.require(state, ScaleByLearningRate.State.class).count(),
          "the learning-rate step counter");
      kernel.bindExtras(state);
      bound = true;
    } finally {
      if (!bound) {
        closeState();
      }
    }
    this.buffers = new Buffers(kernel.slots());
    this.scratch = Buffers.scratch(kernel.slots(), VectorKernel.STEP);
  }

  @Override
  public void step(List<Tensor> grads) {
    checkOpen("step");
    FusedStates.checkStep(ops, "djl", params, grads, stateTensors);
    int n = params.size();
    ByteBuffer[] pViews = new ByteBuffer[n];
    ByteBuffer[] gViews = new ByteBuffer[n];
    List<PtNDArray> copies = null;
    try {
      for (int i = 0; i < n; i++) {
        if (sizes[i] == 0) {
          continue;
        }
        pViews[i] = Views.of(params.get(i), "parameter " + i);
        PtNDArray g = ((DjlTensor) grads.get(i)).ndArray();
        if (!TorchLayout.isContiguous(g)) {
          // a strided gradient (e.g. an expanded or transposed view): read a contiguous copy
          g = TorchLayout.contiguousCopy(g);
          if (copies == null) {
            copies = new ArrayList<>();
          }
          copies.add(g);
        }
        gViews[i] = Views.of(g);
      }
      kernel.beginStep(
          core == null ? 0 : core.value, trace == null ? 0 : trace.value, lr.value);
      Buffers b = buffers;
      for (int i = 0; i < n; i++) {
        if (sizes[i] == 0) {
          continue;
        }
        b.p = pViews[i];
        b.g = gViews[i];
        for (int k = 0; k < slotViews.length; k++) {
          b.s[k] = slotViews[k][i];
        }
        kernel.tensor(b, sizes[i], scratch);
      }
      if (core != null) {
        core.increment();
      }
      if (trace != null) {
        trace.increment();
      }
      lr.increment();
    } finally {
      buffers.p = null;
      buffers.g = null;
      java.util.Arrays.fill(buffers.s, null);
      if (copies != null) {
        for (PtNDArray c : copies) {
          c.close();
        }
      }
    }
  }

  @Override
  public Object state() {
    checkOpen("state");
    return state;
  }

  @Override
  public void load(Object newState) {
    checkOpen("load");
    FusedStates.load(ops, "djl", state, newState);
    if (core != null) {
      core.reread();
    }
    if (trace != null) {
      trace.reread();
    }
    lr.reread();
    kernel.bindExtras(state);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
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

  @Override
  public String toString() {
    return "FusedKernelStep(" + kernel.plan.rule() + ", " + params.size() + " tensors)";
  }
}
