package dev.diffopt.cuda;

import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;

import dev.diffopt.spi.BackendProvider.Availability;
import jcuda.driver.CUresult;

/**
 * Finds out, without ever crashing the JVM, whether this machine can run the cuda backend: the
 * JCuda driver binding loads only if {@code libcuda.so.1} (the NVIDIA driver) is installed, and
 * {@code cuInit} then reports {@code CUDA_ERROR_NO_DEVICE} on a machine without a GPU.
 */
final class CudaProbe {
  private CudaProbe() {}

  /** Available with the device count and driver version, or not, with the reason. */
  static Availability probe() {
    int init;
    try {
      init = cuInit(0);
    } catch (LinkageError e) {
      return Availability.no(
          "the CUDA driver library could not be loaded (" + rootMessage(e) + "): libcuda.so.1, "
              + "part of the NVIDIA driver, is missing; install the driver on a machine with an "
              + "NVIDIA GPU");
    } catch (RuntimeException e) {
      return Availability.no("cuInit failed: " + e);
    }
    if (init != CUresult.CUDA_SUCCESS) {
      return Availability.no("cuInit failed with " + CudaCalls.name(init)
          + (init == CUresult.CUDA_ERROR_NO_DEVICE ? ": the NVIDIA driver found no GPU" : ""));
    }
    int[] count = new int[1];
    int r = cuDeviceGetCount(count);
    if (r != CUresult.CUDA_SUCCESS) {
      return Availability.no("cuDeviceGetCount failed with " + CudaCalls.name(r));
    }
    if (count[0] == 0) {
      return Availability.no("CUDA_ERROR_NO_DEVICE: the NVIDIA driver reports no GPU");
    }
    int[] version = new int[1];
    cuDriverGetVersion(version);
    return new Availability(true, "available: " + count[0] + " GPU(s), driver API "
        + version[0] / 1000 + "." + (version[0] % 1000) / 10);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    // JCuda's message carries its whole search log; its first line names the library
    String m = String.valueOf(root.getMessage()).lines().findFirst().orElse("");
    return root.getClass().getSimpleName() + ": " + m;
  }
}
