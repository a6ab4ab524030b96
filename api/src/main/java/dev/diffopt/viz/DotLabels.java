package dev.diffopt.viz;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tree.KeyPath;
import dev.diffopt.tree.PathEntry;
import java.util.Locale;

/**
 * The texts that diffopt's DOT graphs put in labels, shared by {@link TreeDot} and the backends'
 * graph exports so that a leaf reads the same everywhere.
 */
public final class DotLabels {
  /** Longer leaf values are cut to this many characters (with an ellipsis). */
  static final int MAX_VALUE_CHARS = 40;

  private DotLabels() {}

  /**
   * The short form of a path, as a parameter name: {@link KeyPath#toString()} except that a
   * string map key that is a Java identifier is written like a field and a leading dot is
   * dropped, e.g. {@code params[0]}, {@code state[0].mu[1]}, {@code tasks.xs} (exactly {@code
   * ['params'][0]}, ...). Other entries, such as {@code ['it\'s']}, {@code [3]} or {@code .get()},
   * print as in {@link KeyPath#toString()}; the root prints as {@code <root>}.
   *
   * @param path a path
   * @return its short form
   */
  public static String path(KeyPath path) {
    if (path.isRoot()) {
      return path.toString();
    }
    StringBuilder sb = new StringBuilder();
    for (PathEntry e : path.entries()) {
      if (e instanceof PathEntry.MapKey k && k.key() instanceof String s) {
        // a custom key prints a string as a field when it is an identifier, else as ['key']
        sb.append(PathEntry.custom(s));
      } else {
        sb.append(e);
      }
    }
    return sb.charAt(0) == '.' ? sb.substring(1) : sb.toString();
  }

  /**
   * A tensor's element type and shape, e.g. {@code float32 (40, 1)}, {@code int64 ()}.
   *
   * @param dtype the element type
   * @param shape the shape
   * @return the text
   */
  public static String tensor(DType dtype, Shape shape) {
    return dtype.name().toLowerCase(Locale.ROOT) + " " + shape;
  }

  /**
   * What a leaf is: {@link #tensor} for a {@link Tensor}, the value of a number, string, boolean,
   * character or enum (cut to {@value #MAX_VALUE_CHARS} characters), {@code null}, or otherwise
   * the name of the leaf's class without its package.
   *
   * @param leaf a leaf, possibly null
   * @return the text
   */
  public static String leaf(Object leaf) {
    if (leaf instanceof Tensor t) {
      return tensor(t.dtype(), t.shape());
    }
    if (leaf == null) {
      return "null";
    }
    if (leaf instanceof Number || leaf instanceof CharSequence || leaf instanceof Boolean
        || leaf instanceof Character || leaf instanceof Enum<?>) {
      String s = String.valueOf(leaf);
      return s.length() > MAX_VALUE_CHARS ? s.substring(0, MAX_VALUE_CHARS - 1) + "…" : s;
    }
    return type(leaf.getClass());
  }

  /**
   * A class's name without its package, nested classes after their enclosing ones ({@code
   * Chain.State}, {@code String[]}); the full name for an anonymous class.
   */
  static String type(Class<?> c) {
    if (c.isArray()) {
      return type(c.getComponentType()) + "[]";
    }
    String simple = c.getSimpleName();
    if (simple.isEmpty()) {
      return c.getName();
    }
    return c.getEnclosingClass() == null ? simple : type(c.getEnclosingClass()) + "." + simple;
  }
}
