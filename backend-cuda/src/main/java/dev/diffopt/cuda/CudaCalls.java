package dev.diffopt.cuda;

import jcuda.driver.CUresult;

/** Turns CUDA driver result codes into exceptions that name the call and the error. */
final class CudaCalls {
  private CudaCalls() {}

  /**
   * Throws unless {@code result} is {@code CUDA_SUCCESS}.
   *
   * @param result the driver call's return value
   * @param what the call, for the message (e.g. {@code "cuMemAllocAsync(4096 bytes)"})
   * @throws CudaFailureException naming the call and the error
   */
  static void check(int result, String what) {
    if (result != CUresult.CUDA_SUCCESS) {
      throw new CudaFailureException(what, result);
    }
  }

  /** The driver's name of {@code result}, e.g. {@code CUDA_ERROR_NO_DEVICE}. */
  static String name(int result) {
    return CUresult.stringFor(result);
  }
}
