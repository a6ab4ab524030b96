package dev.diffopt.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemAllocAsync;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemFreeAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

import java.nio.charset.StandardCharsets;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;

/**
 * One GPU as this backend uses it: its primary context (made current on whichever thread calls),
 * stream-ordered memory from the device's pool where supported ({@code cuMemAllocAsync}), the
 * loaded kernel modules, and kernel launches. All work goes to the legacy default stream, so
 * kernels run in call order and host copies see every earlier kernel's result.
 */
final class CudaDevice implements AutoCloseable {
  /** The legacy default stream (handle 0); JCuda wants an object, not null, for it. */
  private static final CUstream DEFAULT_STREAM = new CUstream();

  private final int ordinal;
  private final CUdevice device = new CUdevice();
  private final CUcontext context = new CUcontext();
  private final String name;
  private final int multiprocessors;
  private final int computeMajor;
  private final int computeMinor;
  private final long totalMemory;
  private final boolean pooled;
  private final KernelModules modules;
  private volatile boolean closed;

  CudaDevice(int ordinal) {
    this.ordinal = ordinal;
    CudaCalls.check(cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
    CudaCalls.check(cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
    boolean ok = false;
    try {
      makeCurrent();
      byte[] nameBytes = new byte[256];
      CudaCalls.check(cuDeviceGetName(nameBytes, nameBytes.length, device), "cuDeviceGetName");
      int end = 0;
      while (end < nameBytes.length && nameBytes[end] != 0) {
        end++;
      }
      this.name = new String(nameBytes, 0, end, StandardCharsets.UTF_8);
      this.multiprocessors =
          attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
      this.computeMajor =
          attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
      this.computeMinor =
          attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
      this.pooled =
          attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED) != 0;
      long[] total = new long[1];
      CudaCalls.check(cuDeviceTotalMem(total, device), "cuDeviceTotalMem");
      this.totalMemory = total[0];
      this.modules = new KernelModules(this);
      ok = true;
    } finally {
      if (!ok) {
        cuDevicePrimaryCtxRelease(device);
      }
    }
  }

  private int attribute(int attribute) {
    int[] value = new int[1];
    CudaCalls.check(cuDeviceGetAttribute(value, attribute, device),
        "cuDeviceGetAttribute(" + CUdevice_attribute.stringFor(attribute) + ")");
    return value[0];
  }

  /** Makes this device's context current on the calling thread (cheap; every entry calls it). */
  void makeCurrent() {
    if (closed) {
      throw new IllegalStateException("the cuda backend is closed");
    }
    CudaCalls.check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
  }

  /** E.g. {@code NVIDIA H100 80GB HBM3}. */
  String name() {
    return name;
  }

  int ordinal() {
    return ordinal;
  }

  int multiprocessors() {
    return multiprocessors;
  }

  String computeCapability() {
    return computeMajor + "." + computeMinor;
  }

  long totalMemory() {
    return totalMemory;
  }

  /** The grid cap of element kernels: 32 blocks of 256 threads per multiprocessor. */
  int maxBlocks() {
    return Math.max(1, multiprocessors * 32);
  }

  /** A kernel of the shipped PTX, e.g. {@code function("ops", "binary_f32")}. */
  CUfunction function(String module, String kernel) {
    return modules.function(module, kernel);
  }

  /**
   * {@code bytes} of device memory (uninitialised); a zero-byte request gives a null address
   * without touching the driver.
   */
  DevicePointer allocate(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("cannot allocate " + bytes + " bytes");
    }
    DevicePointer p = new DevicePointer();
    if (bytes == 0) {
      return p;
    }
    makeCurrent();
    if (pooled) {
      CudaCalls.check(cuMemAllocAsync(p, bytes, DEFAULT_STREAM),
          "cuMemAllocAsync(" + bytes + " bytes)");
    } else {
      CudaCalls.check(cuMemAlloc(p, bytes), "cuMemAlloc(" + bytes + " bytes)");
    }
    return p;
  }

  /** Returns {@code p} to the pool after the kernels queued before this call. */
  void free(DevicePointer p) {
    if (p.address() == 0 || closed) {
      return;
    }
    makeCurrent();
    if (pooled) {
      CudaCalls.check(cuMemFreeAsync(p, DEFAULT_STREAM), "cuMemFreeAsync");
    } else {
      CudaCalls.check(cuMemFree(p), "cuMemFree");
    }
  }

  /** Launches {@code kernel} on the default stream. */
  void launch(CUfunction kernel, Grid grid, KernelArgs args) {
    launch(kernel, grid.blocks(), 1, grid.threads(), 1, args);
  }

  /** Launches {@code kernel} with a two-dimensional grid and block. */
  void launch(CUfunction kernel, int blocksX, int blocksY, int threadsX, int threadsY,
      KernelArgs args) {
    makeCurrent();
    CudaCalls.check(cuLaunchKernel(kernel, blocksX, blocksY, 1, threadsX, threadsY, 1, 0,
        DEFAULT_STREAM, args.toPointer(), null), "cuLaunchKernel(" + kernel + ")");
  }

  /** Copies {@code bytes} from the host into device memory (waits for earlier kernels). */
  void copyIn(DevicePointer to, Pointer from, long bytes) {
    if (bytes > 0) {
      makeCurrent();
      CudaCalls.check(cuMemcpyHtoD(to, from, bytes), "cuMemcpyHtoD(" + bytes + " bytes)");
    }
  }

  /** Copies {@code bytes} of device memory to the host, after every kernel queued before. */
  void copyOut(Pointer to, DevicePointer from, long bytes) {
    if (bytes > 0) {
      makeCurrent();
      CudaCalls.check(cuMemcpyDtoH(to, from, bytes), "cuMemcpyDtoH(" + bytes + " bytes)");
    }
  }

  /** Copies {@code bytes} between device buffers, in stream order. */
  void copy(DevicePointer to, DevicePointer from, long bytes) {
    if (bytes > 0) {
      makeCurrent();
      CudaCalls.check(cuMemcpyDtoD(to, from, bytes), "cuMemcpyDtoD(" + bytes + " bytes)");
    }
  }

  /** Waits for every queued kernel and copy; surfaces asynchronous kernel errors. */
  void synchronize() {
    makeCurrent();
    CudaCalls.check(cuCtxSynchronize(), "cuCtxSynchronize");
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    try {
      synchronize();
      modules.close();
    } finally {
      closed = true;
      cuDevicePrimaryCtxRelease(device);
    }
  }

  @Override
  public String toString() {
    return name + " (device " + ordinal + ", compute " + computeCapability() + ", "
        + multiprocessors + " SMs, " + (totalMemory >> 20) + " MiB)";
  }
}
