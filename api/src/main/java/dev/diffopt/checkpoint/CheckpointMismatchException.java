package dev.diffopt.checkpoint;

import dev.diffopt.tree.KeyPath;

/**
 * Thrown by {@link Checkpoint#load} when an intact checkpoint does not fit the template: the first
 * differing node in flattening order (another node kind, other map keys, record components, list
 * length, custom node data) or a tensor leaf of another dtype or shape. The message reads like a
 * {@link dev.diffopt.tree.TreeMismatchException}:
 *
 * <pre>
 * checkpoint /tmp/run/step-100.ckpt does not match the template: at .mu['w']: template has a
 * FLOAT32 tensor of shape (3, 2), file has a FLOAT32 tensor of shape (2, 3)
 *   template: State(mu={b=*, w=*}, nu={b=*, w=*}, nuMax=None, count=*)
 *   file:     State(mu={b=*, w=*}, nu={b=*, w=*}, nuMax=None, count=*)
 * </pre>
 */
public class CheckpointMismatchException extends CheckpointException {
  private static final long serialVersionUID = 1L;

  /** The first differing path (not serialized). */
  private final transient KeyPath path;

  private final String detail;
  private final String templateStructure;
  private final String fileStructure;

  /**
   * Creates the exception.
   *
   * @param context the start of the message, e.g. {@code checkpoint F does not match the template}
   * @param path the first differing path of the template
   * @param detail what differs there, e.g. {@code template has a list of 3 children, file has a
   *     list of 2 children}
   * @param templateStructure the structure of the template, in {@link
   *     dev.diffopt.tree.TreeSpec#toString()} form
   * @param fileStructure the structure stored in the file, in the same form
   */
  public CheckpointMismatchException(
      String context,
      KeyPath path,
      String detail,
      String templateStructure,
      String fileStructure) {
    super(
        context
            + ": at "
            + path
            + ": "
            + detail
            + "\n  template: "
            + templateStructure
            + "\n  file:     "
            + fileStructure);
    this.path = path;
    this.detail = detail;
    this.templateStructure = templateStructure;
    this.fileStructure = fileStructure;
  }

  /**
   * The first path of the template at which the file differs.
   *
   * @return the path ({@link KeyPath#root()} for the root)
   */
  public KeyPath path() {
    return path;
  }

  /**
   * What differs at {@link #path()}.
   *
   * @return a short description naming the template's and the file's node or tensor
   */
  public String detail() {
    return detail;
  }

  /**
   * The template's structure, as printed in the message.
   *
   * @return the structure string (shortened if very long)
   */
  public String templateStructure() {
    return templateStructure;
  }

  /**
   * The file's structure, as printed in the message.
   *
   * @return the structure string (shortened if very long)
   */
  public String fileStructure() {
    return fileStructure;
  }
}
