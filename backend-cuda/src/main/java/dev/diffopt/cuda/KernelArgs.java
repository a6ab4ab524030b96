package dev.diffopt.cuda;

import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;

/**
 * The parameter list of one kernel launch, in the order of the kernel's C signature: {@code int}
 * as {@link #i32}, {@code long long} as {@link #i64}, {@code double} as {@link #f64}, {@code float}
 * as {@link #f32}, a device pointer as {@link #ptr}, a struct passed by value as {@link #struct}.
 */
final class KernelArgs {
  private final List<Pointer> args = new ArrayList<>();

  KernelArgs i32(int v) {
    args.add(Pointer.to(new int[] {v}));
    return this;
  }

  KernelArgs i64(long v) {
    args.add(Pointer.to(new long[] {v}));
    return this;
  }

  KernelArgs f32(float v) {
    args.add(Pointer.to(new float[] {v}));
    return this;
  }

  KernelArgs f64(double v) {
    args.add(Pointer.to(new double[] {v}));
    return this;
  }

  KernelArgs ptr(DevicePointer p) {
    args.add(Pointer.to(p));
    return this;
  }

  /** A C struct by value: its bytes in the device's (little-endian, naturally aligned) layout. */
  KernelArgs struct(byte[] bytes) {
    args.add(Pointer.to(bytes));
    return this;
  }

  /** The {@code kernelParams} array of {@code cuLaunchKernel}. */
  Pointer toPointer() {
    return Pointer.to(args.toArray(new Pointer[0]));
  }
}
