package dev.diffopt.checkpoint;

import java.io.IOException;

/**
 * Thrown when a file is not a checkpoint this version of diffopt can load: it is empty, truncated,
 * corrupt (a CRC32 does not match), malformed, of an unknown format version, or hostile (a length
 * that runs past the end of the file). The message names the file and what is wrong, with the byte
 * offset or the tree path where one is known, e.g. {@code CRC mismatch in the data of tensor
 * .mu['w'] (bytes 120..184)}.
 *
 * <p>It is an {@link IOException}, like {@link java.util.zip.ZipException}: the file, not the
 * program, is at fault. Failures of the file system itself (a missing file, a full disk) surface as
 * the plain {@code IOException}s of {@link java.nio.file.Files}. A checkpoint that is intact but
 * does not fit the template throws the subclass {@link CheckpointMismatchException}.
 */
public class CheckpointException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong, naming the file
   */
  public CheckpointException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what is wrong, naming the file
   * @param cause the underlying failure
   */
  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
