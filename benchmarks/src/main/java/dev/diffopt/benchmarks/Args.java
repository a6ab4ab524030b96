package dev.diffopt.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options of the form {@code --name=value}. An argument may hold several options
 * separated by spaces (Maven passes {@code -Dbench.args="..."} as one argument); empty arguments
 * are ignored.
 */
final class Args {
  private final Map<String, String> values = new LinkedHashMap<>();

  Args(String[] args, Set<String> known) {
    for (String arg : args) {
      for (String token : arg.trim().split("\\s+")) {
        if (token.isEmpty()) {
          continue;
        }
        int eq = token.indexOf('=');
        if (!token.startsWith("--") || eq < 0) {
          throw new IllegalArgumentException(
              "options look like --name=value, got '" + token + "'; known: " + known);
        }
        String name = token.substring(2, eq);
        if (!known.contains(name)) {
          throw new IllegalArgumentException("unknown option --" + name + "; known: " + known);
        }
        values.put(name, token.substring(eq + 1));
      }
    }
  }

  int intValue(String name, int defaultValue, int min) {
    String v = values.get(name);
    if (v == null) {
      return defaultValue;
    }
    int n;
    try {
      n = Integer.parseInt(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be an integer, got '" + v + "'", e);
    }
    if (n < min) {
      throw new IllegalArgumentException("--" + name + " must be >= " + min + ", got " + n);
    }
    return n;
  }

  /** The value of {@code --name=VALUE}, or {@code defaultValue}. */
  String value(String name, String defaultValue) {
    return values.getOrDefault(name, defaultValue);
  }
}
