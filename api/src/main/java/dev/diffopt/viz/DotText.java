package dev.diffopt.viz;

import java.util.List;
import java.util.Map;

/** Quoting and unquoting of DOT strings, shared by the writer and the reader. */
final class DotText {
  /** The targets of default attribute statements, in the order they are written. */
  static final List<String> DEFAULT_TARGETS = List.of("graph", "node", "edge");

  /** The words DOT reserves (case-insensitively); quoted wherever they are ids. */
  static final List<String> KEYWORDS =
      List.of("node", "edge", "graph", "digraph", "subgraph", "strict");

  private DotText() {}

  /**
   * {@code s} as a quoted DOT string: {@code \} doubled, {@code "} escaped, each line break
   * ({@code \r\n}, {@code \r} or {@code \n}) written as {@code \n}.
   */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\r' -> {
          sb.append("\\n");
          if (i + 1 < s.length() && s.charAt(i + 1) == '\n') {
            i++;
          }
        }
        case '\n' -> sb.append("\\n");
        default -> sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  /**
   * The text of the quoted string whose body (without its quotes) is {@code body}: undoes {@link
   * #quote}; any other escape ({@code \l}, {@code \N}, ...) stays as written.
   */
  static String unquote(String body) {
    StringBuilder sb = new StringBuilder(body.length());
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\\' && i + 1 < body.length()) {
        char next = body.charAt(++i);
        switch (next) {
          case '\\' -> sb.append('\\');
          case '"' -> sb.append('"');
          case 'n' -> sb.append('\n');
          case '\n' -> { } // an escaped line break continues the string
          default -> sb.append(c).append(next);
        }
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** An attribute name: bare if it is a plain word and not a DOT keyword, else quoted. */
  static String name(String s) {
    boolean bare = !s.isEmpty() && !KEYWORDS.contains(s.toLowerCase(java.util.Locale.ROOT))
        && !Character.isDigit(s.charAt(0));
    for (int i = 0; i < s.length() && bare; i++) {
      char c = s.charAt(i);
      bare = c == '_' || (c < 128 && Character.isLetterOrDigit(c));
    }
    return bare ? s : quote(s);
  }

  /** Appends {@code  [k="v", ...]}, or nothing for no attributes. */
  static void appendAttributes(StringBuilder sb, Map<String, String> attributes) {
    if (attributes.isEmpty()) {
      return;
    }
    sb.append(" [");
    boolean first = true;
    for (Map.Entry<String, String> a : attributes.entrySet()) {
      if (!first) {
        sb.append(", ");
      }
      first = false;
      sb.append(name(a.getKey())).append('=').append(quote(a.getValue()));
    }
    sb.append(']');
  }
}
