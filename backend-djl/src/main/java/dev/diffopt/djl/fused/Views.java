package dev.diffopt.djl.fused;

import ai.djl.pytorch.engine.PtNDArray;
import dev.diffopt.djl.DjlTensor;
import dev.diffopt.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Zero-copy views of the storage of contiguous DJL tensors. */
final class Views {
  private Views() {}

  /**
   * A native-order direct view of {@code t}'s storage, which must be a contiguous DJL tensor.
   *
   * @param t the tensor
   * @param what what the tensor is, for the message
   */
  static ByteBuffer of(Tensor t, String what) {
    PtNDArray a = ((DjlTensor) t).ndArray();
    if (!TorchLayout.isContiguous(a)) {
      throw new IllegalStateException(
          "fused step: " + what + " is no longer contiguous (its storage was replaced by a strided "
              + "view); a fused optimizer needs contiguous parameters and state");
    }
    return of(a);
  }

  /** A native-order direct view of a contiguous array. */
  static ByteBuffer of(PtNDArray contiguous) {
    return contiguous.toByteBuffer(true).order(ByteOrder.nativeOrder());
  }
}
