package dev.diffopt.cuda;

/**
 * A CUDA driver call failed: the message names the call and the driver's error (for example
 * {@code cuMemAllocAsync(8589934592 bytes) failed: CUDA_ERROR_OUT_OF_MEMORY (2)}). After an
 * error in a kernel (an illegal address) the CUDA context is unusable and the backend must be
 * recreated; out-of-memory errors leave it usable.
 */
public final class CudaFailureException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final int code;

  CudaFailureException(String call, int code) {
    super(call + " failed: " + CudaCalls.name(code) + " (" + code + ")");
    this.code = code;
  }

  /** The driver's result code ({@code CUresult}). */
  public int code() {
    return code;
  }
}
