package dev.diffopt.cuda;

import dev.diffopt.tensor.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The host side of {@code fused.cu}'s {@code struct Step<T>}, the scalars of one fused launch,
 * passed by value: hyper-parameters (set once), the learning-rate factor (set before every step)
 * and flags. The step scalars that need {@code exp}, {@code log} or {@code pow} (bias
 * corrections, RAdam's rectification, NAdam's momentum schedule) are computed by the kernel from
 * the step counter and the inputs here ({@code −ln β}, ρ∞, …), with the CUDA math functions the
 * op-by-op path uses. Values are rounded to the parameters' dtype when packed (a hyper-parameter
 * {@code h} enters float32 kernels as {@code (float) h}, as a 0-d float32 tensor made from the
 * double would) and travel as doubles for both dtypes, which a float32 kernel narrows back exactly
 * (float fields side by side would let nvcc merge them into vector loads that need PTX 8.3).
 *
 * <p>Layout (little-endian, 8-byte aligned, {@value #BYTES} bytes): {@code i64 count[3]} (new
 * values of the core, trace and learning-rate step counters), {@code u64 counter[3]} (their
 * tensors' addresses, 0: not written by this launch), {@code u64 product} (NAdam's μ product
 * tensor, 0: not written by this launch), {@code u64 product_in, product_out} (NAdam's scratch
 * slots: the product before the step, and where the new one goes, 0: not written by this launch),
 * {@code i32 flags, slots, first_row, first_block, chunk, pad}, then {@code double
 * v[}{@value #COUNT}{@code ]} at byte {@value #VALUES_OFFSET}. The index and flag constants below
 * are {@code fused.cu}'s {@code S_*} and {@code F_*} macros.
 */
final class StepScalars {
  /** {@code −1} to maximize (Scale(−1)), else 1. */
  static final int SIGN = 0;
  /** λ of the L2 decay added to the gradient. */
  static final int L2 = 1;
  /** λ of the decoupled decay added to the core's output. */
  static final int DECOUPLED = 2;
  /** The trace's momentum μ. */
  static final int MOMENTUM = 3;
  /** {@code 1 − τ} (τ the trace's dampening). */
  static final int UNDAMPED = 4;
  /** The proximal decay d. */
  static final int PROXIMAL = 5;
  /** {@code 1 + d}. */
  static final int PROXIMAL_DENOMINATOR = 6;
  /** {@code −η_t}. */
  static final int LR = 7;
  /** β₁ (RMSProp's α, Adadelta's ρ). */
  static final int B1 = 8;
  /** {@code 1 − β₁}. */
  static final int C1 = 9;
  /** β₂. */
  static final int B2 = 10;
  /** {@code 1 − β₂}. */
  static final int C2 = 11;
  /** β₃ (Adan). */
  static final int B3 = 12;
  /** {@code 1 − β₃}. */
  static final int C3 = 13;
  /** ε. */
  static final int EPS = 14;
  /** Adam's ε_root. */
  static final int EPS_ROOT = 15;
  /** {@code −ln β₁} (+∞ for β₁ = 0): the kernel computes {@code 1 − β₁ᵗ} from it. */
  static final int NLOG_B1 = 16;
  /** {@code −ln β₂} (+∞ for β₂ = 0). */
  static final int NLOG_B2 = 17;
  /** RAdam's ρ∞. */
  static final int RHO_INF = 18;
  /** RAdam's {@code ρ∞ / ((ρ∞ − 4)(ρ∞ − 2))}. */
  static final int RHO_CONSTANT = 19;
  /** NAdam's momentum decay ψ. */
  static final int MOMENTUM_DECAY = 20;
  /** The length of {@code v}. */
  static final int COUNT = 24;

  static final int F_L2 = 1;
  static final int F_DECOUPLED = 2;
  static final int F_TRACE = 4;
  static final int F_NESTEROV = 8;
  static final int F_TRACE_FIRST = 16;
  static final int F_PROXIMAL = 32;
  static final int F_AMSGRAD = 64;
  static final int F_EPS_ROOT = 128;
  static final int F_CENTERED = 256;
  static final int F_CAN_ADAPT = 512;
  static final int F_FIRST = 1024;

  /** The byte offset of {@code v}. */
  static final int VALUES_OFFSET = 96;
  /** The step counters: the core's, the trace's, the learning rate's. */
  static final int COUNTERS = 3;

  private final double[] v = new double[COUNT];
  private int flags;
  private int slots;

  /** Sets scalar {@code index} (one of the index constants). */
  void set(int index, double value) {
    v[index] = value;
  }

  /** Scalar {@code index}. */
  double get(int index) {
    return v[index];
  }

  /** Sets or clears {@code flag}. */
  void flag(int flag, boolean on) {
    flags = on ? flags | flag : flags & ~flag;
  }

  int flags() {
    return flags;
  }

  /** State slots per row (core slots, then the trace). */
  void slots(int count) {
    if (count < 0 || count > MultiTensorTable.MAX_SLOTS) {
      throw new IllegalArgumentException("slots must be in [0, "
          + MultiTensorTable.MAX_SLOTS + "], got " + count);
    }
    this.slots = count;
  }

  int slots() {
    return slots;
  }

  /** The struct's size. */
  static final int BYTES = VALUES_OFFSET + COUNT * Double.BYTES;

  /** The struct's size for parameters of {@code dtype} (float32 or float64): {@link #BYTES}. */
  static int bytes(DType dtype) {
    if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64) {
      throw new IllegalArgumentException("fused steps are float32 or float64, not " + dtype);
    }
    return BYTES;
  }

  /**
   * The struct for one launch.
   *
   * @param dtype the parameters' dtype
   * @param segment the rows and blocks the launch covers
   * @param chunk elements per block
   * @param counts the counters' new values (core, trace, learning rate)
   * @param counterAddresses their tensors' addresses; all 0 for a launch that must not write them
   * @param products NAdam's μ product: the state tensor's address (0 for a launch that must not
   *     write it), the scratch slot the step reads, the scratch slot it writes (0 likewise); all 0
   *     for other rules
   * @return the struct's bytes
   */
  byte[] pack(DType dtype, MultiTensorTable.Segment segment, int chunk, long[] counts,
      long[] counterAddresses, long[] products) {
    ByteBuffer b = ByteBuffer.allocate(bytes(dtype)).order(ByteOrder.LITTLE_ENDIAN);
    for (int c = 0; c < COUNTERS; c++) {
      b.putLong(8 * c, counts[c]);
      b.putLong(24 + 8 * c, counterAddresses[c]);
    }
    b.putLong(48, products[0]);
    b.putLong(56, products[1]);
    b.putLong(64, products[2]);
    b.putInt(72, flags);
    b.putInt(76, slots);
    b.putInt(80, segment.firstRow());
    b.putInt(84, segment.firstBlock());
    b.putInt(88, chunk);
    for (int i = 0; i < COUNT; i++) {
      b.putDouble(VALUES_OFFSET + Double.BYTES * i, dtype == DType.FLOAT32 ? (float) v[i] : v[i]);
    }
    return b.array();
  }

  @Override
  public String toString() {
    return "StepScalars(flags " + Integer.toBinaryString(flags) + ", " + slots + " slots, "
        + Arrays.toString(v) + ")";
  }
}
