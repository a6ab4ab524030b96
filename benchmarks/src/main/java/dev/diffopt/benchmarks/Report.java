package dev.diffopt.benchmarks;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Writes a benchmark's output: machine-readable lines {@code metric: NAME VALUE UNIT} (always
 * exactly three fields after {@code metric:}) and human lines that start with {@code #}.
 */
public final class Report {
  /** The form of every metric line. */
  public static final Pattern METRIC_LINE =
      Pattern.compile("metric: [a-z][a-z0-9_]* -?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)? [^\\s]+");

  private final PrintStream out;

  /**
   * A report written to {@code out}.
   *
   * @param out where the lines go
   */
  public Report(PrintStream out) {
    this.out = out;
  }

  /**
   * Writes {@code metric: name value unit}.
   *
   * @param name lower-case, digits and underscores
   * @param value a finite number
   * @param decimals digits after the point
   * @param unit one token without spaces, e.g. {@code ms}
   */
  public void metric(String name, double value, int decimals, String unit) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("metric " + name + " is not finite: " + value);
    }
    out.println("metric: " + name + " " + String.format(Locale.ROOT, "%." + decimals + "f", value)
        + " " + unit);
  }

  /**
   * Writes a human line, prefixed with {@code # }.
   *
   * @param format a {@link String#format} pattern
   * @param args its arguments
   */
  public void note(String format, Object... args) {
    out.println("# " + String.format(Locale.ROOT, format, args));
  }

  /** Writes the JVM, operating system and CPU line. */
  public void environment() {
    Runtime rt = Runtime.getRuntime();
    Optional<Module> vector = ModuleLayer.boot().findModule("jdk.incubator.vector");
    note("JVM %s %s (%s), %s %s %s, %d CPUs available, max heap %d MiB, jdk.incubator.vector %s",
        System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
        System.getProperty("java.vendor"), System.getProperty("os.name"),
        System.getProperty("os.version"), System.getProperty("os.arch"),
        rt.availableProcessors(), rt.maxMemory() >> 20,
        vector.isPresent() ? "loaded" : "not loaded");
  }

  /**
   * Nanoseconds to milliseconds.
   *
   * @param nanos a duration
   * @return milliseconds
   */
  static double ms(double nanos) {
    return nanos / 1e6;
  }
}
