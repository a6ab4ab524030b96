package dev.diffopt.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * A device address that also tells its numeric value, for the pointer tables the multi-tensor
 * kernels read ({@link CUdeviceptr} keeps it to itself). Allocated by {@link CudaDevice#allocate}.
 */
final class DevicePointer extends CUdeviceptr {
  /** The address as a number; 0 for a zero-byte allocation. */
  long address() {
    return getNativePointer();
  }
}
