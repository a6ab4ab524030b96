package dev.diffopt.djl.fused;

import dev.diffopt.optim.fused.Float32Scalars;
import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.transform.Trace;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The shared plumbing of the float32 Vector-API kernels: one pass over each tensor's zero-copy
 * views, {@link #LANES} floats at a time, and the tail (fewer than {@link #LANES} elements) run by
 * the same vector code on a small scratch block, so every element goes through the very same
 * operations. Each subclass implements one rule's loop ({@link #run}), in {@link FusedPlan}'s order:
 *
 * <pre>
 *   x = g·(±1) [+ λ_L2·p];   core(x) → u, moments in place;   u [+ λ_dec·p];   [trace(u)];
 *   s = u·(−η_t);   [s = (s − d·p) / (1 + d)];   p ← p + s
 * </pre>
 *
 * <p>Every operation is a separate, correctly rounded float32 operation in the order of the
 * op-by-op transformation (no fused multiply-add, divisions stay divisions; {@code g·(−1)} is
 * {@code Scale(−1)} and {@code g·1 = g} exactly), so a kernel reproduces the op-by-op float32 path.
 *
 * <p>Why the loops are written out in full in each kernel, with the optional parts as branches on
 * final fields: C2 (JDK 17) keeps vectors in registers only when every method a loop calls is
 * inlined, and refuses to inline a shared helper once that helper got hot and was compiled on its
 * own into a big method ("already compiled into a big method"), which depends on what ran before:
 * vectors are then boxed on the heap (measured 2-3x slower, 120 MB allocated per 10M-element step).
 * So the loops call nothing but the Vector API, whose methods are force-inlined. Splitting the step
 * into several loops over an L1-resident chunk avoids the duplication but was measured 50% slower:
 * fewer memory streams in flight per loop. A branch on a final field inside a loop is unswitched or
 * merged by C2 (no allocation, measured). The loops read every field into a local first: C2 does
 * not hoist field loads across the stores into direct buffers (measured 17% slower).
 */
abstract class VectorKernel {
  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  static final int LANES = F.length();
  /** Bytes per vector. */
  static final int STEP = LANES * Float.BYTES;
  static final ByteOrder N = ByteOrder.nativeOrder();

  final FusedPlan plan;
  /**
   * Core state slots, in the order of {@link dev.diffopt.optim.fused.FusedSlots#slotTrees}; the
   * trace, when present, is slot {@code coreSlots}.
   */
  final int coreSlots;

  /** −1 to maximize (Scale(−1)), else 1. */
  final FloatVector sign;
  final boolean hasL2;
  final FloatVector l2;
  final boolean hasDecoupled;
  final FloatVector decoupled;
  final boolean hasTrace;
  final FloatVector momentum;
  /** 1 − τ; 1 without dampening (x·1 = x exactly, as the op-by-op x). */
  final FloatVector undamped;
  final boolean damped;
  final boolean nesterov;
  final boolean hasProximal;
  final FloatVector proximal;
  final FloatVector proximalDenominator;

  /** −η_t of the current step. */
  FloatVector lrFactor;
  /** Whether the current step is a dampened trace's first: b = x. */
  boolean traceFirst;

  VectorKernel(FusedPlan plan, int coreSlots) {
    this.plan = plan;
    this.coreSlots = coreSlots;
    this.sign = of(plan.maximize() ? -1f : 1f);
    this.hasL2 = plan.weightDecay() != 0;
    this.l2 = of(plan.weightDecay());
    this.hasDecoupled = plan.decoupledWeightDecay() != 0;
    this.decoupled = of(plan.decoupledWeightDecay());
    Trace trace = plan.momentum();
    this.hasTrace = trace != null;
    this.momentum = of(trace == null ? 0 : trace.momentum());
    this.damped = trace != null && trace.dampening() != 0;
    this.undamped = of(trace == null ? 1 : 1 - trace.dampening());
    this.nesterov = trace != null && trace.nesterov();
    this.hasProximal = plan.proximalDecay() != 0;
    this.proximal = of(plan.proximalDecay());
    this.proximalDenominator = of(1 + plan.proximalDecay());
  }

  /** {@code (float) value} in every lane, as a 0-d float32 tensor made from the double holds it. */
  static FloatVector of(double value) {
    return FloatVector.broadcast(F, (float) value);
  }

  /** A float in every lane. */
  static FloatVector of(float value) {
    return FloatVector.broadcast(F, value);
  }

  /** All state slots: the core's and the trace's. */
  final int slots() {
    return coreSlots + (hasTrace ? 1 : 0);
  }

  /** Reads state other than moments and counters (NAdam's μ product) after binding or loading. */
  void bindExtras(Object state) {}

  /**
   * Prepares a step: the host scalars, computed once.
   *
   * @param coreCount the core's counter before the step
   * @param traceCount the trace's counter before the step
   * @param lrCount the learning-rate step's counter before the step
   */
  final void beginStep(long coreCount, long traceCount, long lrCount) {
    lrFactor = of(Float32Scalars.learningRateFactor(plan, lrCount));
    traceFirst = damped && traceCount == 0;
    begin(coreCount);
  }

  /** The core's host scalars for a step whose counter before the step is {@code count}. */
  abstract void begin(long count);

  /** Updates the first {@code bytes} bytes (a multiple of {@link #STEP}) of one tensor. */
  abstract void run(Buffers b, int bytes);

  /** Updates one tensor of {@code n} elements; the tail goes through {@code scratch}. */
  void tensor(Buffers b, int n, Buffers scratch) {
    int full = n - n % LANES;
    if (full > 0) {
      run(b, full * Float.BYTES);
    }
    int rest = n - full;
    if (rest > 0) {
      int at = full * Float.BYTES;
      copyIn(b, scratch, at, rest);
      run(scratch, STEP);
      copyOut(scratch, b, at, rest);
    }
  }

  /** The first {@code count} elements at {@code at} of every buffer into the block, zero-padded. */
  final void copyIn(Buffers from, Buffers block, int at, int count) {
    copyIn(from.p, block.p, at, count);
    copyIn(from.g, block.g, at, count);
    for (int k = 0; k < slots(); k++) {
      copyIn(from.s[k], block.s[k], at, count);
    }
  }

  /** The first {@code count} elements of the block's parameter and state back to {@code at}. */
  final void copyOut(Buffers block, Buffers to, int at, int count) {
    copyOut(block.p, to.p, at, count);
    for (int k = 0; k < slots(); k++) {
      copyOut(block.s[k], to.s[k], at, count);
    }
  }

  private static void copyIn(ByteBuffer from, ByteBuffer block, int at, int count) {
    for (int i = 0; i < LANES; i++) {
      block.putFloat(i * Float.BYTES, i < count ? from.getFloat(at + i * Float.BYTES) : 0f);
    }
  }

  private static void copyOut(ByteBuffer block, ByteBuffer to, int at, int count) {
    for (int i = 0; i < count; i++) {
      to.putFloat(at + i * Float.BYTES, block.getFloat(i * Float.BYTES));
    }
  }
}
