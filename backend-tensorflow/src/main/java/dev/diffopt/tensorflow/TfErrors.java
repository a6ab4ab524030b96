package dev.diffopt.tensorflow;

import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TFUnimplementedException;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * Turns TensorFlow's native failures into exceptions that name the diffopt operation. TensorFlow
 * Java reports most statuses as a {@link TensorFlowException}, but {@code INVALID_ARGUMENT} (a
 * missing feed, a shape mismatch) as {@link TFInvalidArgumentException}, an {@code
 * IllegalArgumentException}, and {@code UNIMPLEMENTED} as {@link TFUnimplementedException}; all
 * three are caught.
 */
final class TfErrors {
  private TfErrors() {}

  /** Runs {@code runner}; a TensorFlow failure becomes an IllegalArgumentException naming {@code what}. */
  static Result run(Session.Runner runner, String what) {
    try {
      return runner.run();
    } catch (TensorFlowException | TFInvalidArgumentException | TFUnimplementedException e) {
      throw new IllegalArgumentException(what + " failed in TensorFlow: " + e.getMessage(), e);
    }
  }

  /** Builds graph operations; a TensorFlow failure becomes an IllegalArgumentException. */
  static <T> T build(java.util.function.Supplier<T> body, String what) {
    try {
      return body.get();
    } catch (TensorFlowException | TFInvalidArgumentException | TFUnimplementedException e) {
      throw new IllegalArgumentException(what + " failed in TensorFlow: " + e.getMessage(), e);
    }
  }
}
