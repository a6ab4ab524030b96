package dev.diffopt.tensor;

/**
 * Element types a diffopt tensor can hold. Every backend supports {@link #FLOAT32}, {@link #INT64}
 * and {@link #BOOL}; {@link #FLOAT64} is reported through {@link dev.diffopt.spi.Capability#FLOAT64}.
 */
public enum DType {
  /** IEEE 754 single precision. */
  FLOAT32(4, true),
  /** IEEE 754 double precision. */
  FLOAT64(8, true),
  /** 32-bit signed integer. */
  INT32(4, false),
  /** 64-bit signed integer. */
  INT64(8, false),
  /** Boolean, the result type of comparisons. */
  BOOL(1, false);

  private final int byteSize;
  private final boolean floating;

  DType(int byteSize, boolean floating) {
    this.byteSize = byteSize;
    this.floating = floating;
  }

  /** Bytes one element occupies. */
  public int byteSize() {
    return byteSize;
  }

  /** Whether this is a floating-point type (the only types that carry gradients). */
  public boolean isFloating() {
    return floating;
  }
}
