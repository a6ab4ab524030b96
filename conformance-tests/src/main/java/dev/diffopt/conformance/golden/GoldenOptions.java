package dev.diffopt.conformance.golden;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code options} object of a golden case, read by the references' snake_case names. Every
 * option the case gives must be read: {@link #requireAllRead()} fails on one that the mapping to
 * diffopt does not understand, so a case is never silently run with an option dropped.
 */
final class GoldenOptions {
  private final JsonObject options;
  private final Set<String> read = new TreeSet<>();

  GoldenOptions(JsonObject options) {
    this.options = options == null ? new JsonObject() : options;
  }

  double number(String name, double otherwise) {
    read.add(name);
    JsonElement e = options.get(name);
    return e == null || e.isJsonNull() ? otherwise : e.getAsDouble();
  }

  long integer(String name, long otherwise) {
    read.add(name);
    JsonElement e = options.get(name);
    return e == null || e.isJsonNull() ? otherwise : e.getAsLong();
  }

  boolean flag(String name, boolean otherwise) {
    read.add(name);
    JsonElement e = options.get(name);
    return e == null || e.isJsonNull() ? otherwise : e.getAsBoolean();
  }

  Double optionalNumber(String name) {
    read.add(name);
    JsonElement e = options.get(name);
    return e == null || e.isJsonNull() ? null : e.getAsDouble();
  }

  /** Fails when the case sets an option that was never read. */
  void requireAllRead(String what) {
    Set<String> unknown = new TreeSet<>();
    for (Map.Entry<String, JsonElement> e : options.entrySet()) {
      if (!read.contains(e.getKey())) {
        unknown.add(e.getKey());
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          what + ": the golden case sets option(s) " + unknown + " that diffopt's mapping does not "
              + "read (known: " + read + ")");
    }
  }
}
