package dev.diffopt.tree;

/**
 * Thrown when two trees, a tree and a {@link TreeSpec}, or a prefix and a tree, do not have
 * matching structures.
 *
 * <p>The message names the first differing {@link KeyPath} (in flattening order), what differs
 * there (for example {@code list of 2 vs list of 3 children}, {@code keys [a, b] vs [a, c]},
 * {@code record Foo vs record Bar}, {@code leaf vs list}) and prints both structures:
 *
 * <pre>
 * the other tree does not match the structure of the first tree: at [1]['b']: leaf vs list
 *   expected: [*, {a=*, b=*}]
 *   actual:   [*, {a=*, b=[*, *]}]
 * </pre>
 */
public class TreeMismatchException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The first differing path (not serialized). */
  private final transient KeyPath path;

  /** The reference structure (not serialized). */
  private final transient TreeSpec expected;

  /** The structure that did not match (not serialized). */
  private final transient TreeSpec actual;

  /** What differs at the path. */
  private final String detail;

  /**
   * Creates the exception.
   *
   * @param context what was being matched, e.g. {@code "others[0] does not match the structure of
   *     tree"}
   * @param path the first differing path
   * @param detail what differs at that path
   * @param expected the reference structure (the first tree, the spec, the prefix)
   * @param actual the structure that did not match, or null if it could not be computed
   */
  public TreeMismatchException(
      String context, KeyPath path, String detail, TreeSpec expected, TreeSpec actual) {
    super(
        context
            + ": at "
            + path
            + ": "
            + detail
            + "\n  expected: "
            + expected
            + "\n  actual:   "
            + (actual == null ? "(could not be flattened)" : actual.toString()));
    this.path = path;
    this.detail = detail;
    this.expected = expected;
    this.actual = actual;
  }

  /**
   * The first path at which the structures differ.
   *
   * @return the path
   */
  public KeyPath path() {
    return path;
  }

  /**
   * What differs at {@link #path()}, e.g. {@code leaf vs list}.
   *
   * @return a short description
   */
  public String detail() {
    return detail;
  }

  /**
   * The reference structure (the first tree of a map, the spec, or the prefix).
   *
   * @return the expected structure
   */
  public TreeSpec expected() {
    return expected;
  }

  /**
   * The structure that did not match.
   *
   * @return the actual structure, or null if the tree could not be flattened
   */
  public TreeSpec actual() {
    return actual;
  }
}
