package dev.diffopt.viz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads the subset of DOT described at {@link DotGraph#parse}: a tokenizer and a small parser. */
final class DotReader {
  /** A token: a quoted string, a bare word, {@code ->} or one punctuation character. */
  private record Token(Kind kind, String text, int at) {
    boolean is(String punctuation) {
      return kind == Kind.PUNCTUATION && text.equals(punctuation);
    }

    boolean isKeyword(String word) {
      return kind == Kind.WORD && text.toLowerCase(Locale.ROOT).equals(word);
    }

    boolean isId() {
      return kind == Kind.WORD || kind == Kind.QUOTED;
    }
  }

  private enum Kind { QUOTED, WORD, PUNCTUATION, END }

  private final String text;
  private final List<Token> tokens = new ArrayList<>();
  private int next;

  DotReader(String text) {
    this.text = text;
    tokenize();
  }

  DotGraph read() {
    if (peek().isKeyword("strict")) {
      next++;
    }
    expectKeyword("digraph");
    String name = peek().isId() ? take().text() : "";
    expect("{");
    Map<String, Map<String, String>> defaults = new LinkedHashMap<>();
    List<DotGraph.Node> nodes = new ArrayList<>();
    List<DotGraph.Edge> edges = new ArrayList<>();
    while (!peek().is("}")) {
      Token first = take();
      if (!first.isId()) {
        throw error(first, "a statement");
      }
      String target = first.kind() == Kind.WORD ? first.text().toLowerCase(Locale.ROOT) : null;
      if (target != null && DotText.DEFAULT_TARGETS.contains(target)) {
        defaults.computeIfAbsent(target, t -> new LinkedHashMap<>()).putAll(attributes());
      } else if (peek().is("=")) {
        next++;
        defaults.computeIfAbsent("graph", t -> new LinkedHashMap<>())
            .put(first.text(), id().text());
      } else if (peek().is("->")) {
        List<String> chain = new ArrayList<>(List.of(first.text()));
        while (peek().is("->")) {
          next++;
          chain.add(id().text());
        }
        Map<String, String> attributes = attributes();
        for (int i = 0; i + 1 < chain.size(); i++) {
          edges.add(new DotGraph.Edge(chain.get(i), chain.get(i + 1), attributes));
        }
      } else {
        nodes.add(new DotGraph.Node(first.text(), attributes()));
      }
      if (peek().is(";")) {
        next++;
      }
    }
    next++;
    if (peek().kind() != Kind.END) {
      throw error(peek(), "the end of the text");
    }
    return new DotGraph(name, defaults, nodes, edges);
  }

  /** Zero or more attribute lists {@code [a=b, c=d; ...]}. */
  private Map<String, String> attributes() {
    Map<String, String> out = new LinkedHashMap<>();
    while (peek().is("[")) {
      next++;
      while (!peek().is("]")) {
        String key = id().text();
        expect("=");
        out.put(key, id().text());
        if (peek().is(",") || peek().is(";")) {
          next++;
        }
      }
      next++;
    }
    return out;
  }

  private Token id() {
    Token t = take();
    if (!t.isId()) {
      throw error(t, "an id");
    }
    return t;
  }

  private void expect(String punctuation) {
    Token t = take();
    if (!t.is(punctuation)) {
      throw error(t, "'" + punctuation + "'");
    }
  }

  private void expectKeyword(String word) {
    Token t = take();
    if (!t.isKeyword(word)) {
      throw error(t, "'" + word + "'");
    }
  }

  private Token peek() {
    return tokens.get(next);
  }

  private Token take() {
    Token t = tokens.get(next);
    if (t.kind() != Kind.END) {
      next++;
    }
    return t;
  }

  private IllegalArgumentException error(Token t, String expected) {
    String found = t.kind() == Kind.END ? "the end of the text" : "'" + t.text() + "'";
    return new IllegalArgumentException(
        "DOT: expected " + expected + " at offset " + t.at() + ", found " + found);
  }

  private void tokenize() {
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (text.startsWith("//", i) || (c == '#' && atLineStart(i))) {
        int end = text.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
      } else if (text.startsWith("/*", i)) {
        int end = text.indexOf("*/", i + 2);
        if (end < 0) {
          throw new IllegalArgumentException("DOT: unterminated comment at offset " + i);
        }
        i = end + 2;
      } else if (c == '"') {
        i = quoted(i);
      } else if (text.startsWith("->", i)) {
        tokens.add(new Token(Kind.PUNCTUATION, "->", i));
        i += 2;
      } else if ("{}[]=;,".indexOf(c) >= 0) {
        tokens.add(new Token(Kind.PUNCTUATION, String.valueOf(c), i));
        i++;
      } else if (isWordChar(c) || c == '-') {
        int start = i++;
        while (i < n && isWordChar(text.charAt(i))) {
          i++;
        }
        tokens.add(new Token(Kind.WORD, text.substring(start, i), start));
      } else {
        throw new IllegalArgumentException(
            "DOT: unexpected character '" + c + "' at offset " + i);
      }
    }
    tokens.add(new Token(Kind.END, "", n));
  }

  /** Reads the quoted string starting at {@code start}; returns the offset after it. */
  private int quoted(int start) {
    int i = start + 1;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length()) {
        i += 2;
      } else if (c == '"') {
        tokens.add(new Token(Kind.QUOTED, DotText.unquote(text.substring(start + 1, i)), start));
        return i + 1;
      } else {
        i++;
      }
    }
    throw new IllegalArgumentException("DOT: unterminated string at offset " + start);
  }

  private boolean atLineStart(int i) {
    int j = i - 1;
    while (j >= 0 && text.charAt(j) != '\n' && Character.isWhitespace(text.charAt(j))) {
      j--;
    }
    return j < 0 || text.charAt(j) == '\n';
  }

  private static boolean isWordChar(char c) {
    return c == '_' || c == '.' || c >= 128 || Character.isLetterOrDigit(c);
  }
}
