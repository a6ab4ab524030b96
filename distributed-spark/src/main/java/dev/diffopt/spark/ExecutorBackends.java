package dev.diffopt.spark;

import dev.diffopt.Backends;
import dev.diffopt.spi.Backend;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The backends of this executor JVM: one instance per backend name and options, created on first
 * use by {@link Backends#create} and shared by the executor's task threads (backends are
 * thread-safe). In {@code local[N]} mode the executor is the driver's JVM, and the instance is
 * still a separate one from the driver's own {@code Backends.get()}.
 */
final class ExecutorBackends {
  private static final Map<String, Backend> BACKENDS = new HashMap<>();

  private ExecutorBackends() {}

  static synchronized Backend get(String name, Map<String, String> options) {
    String key = name + new TreeMap<>(options);
    Backend b = BACKENDS.get(key);
    if (b == null) {
      b = Backends.create(name, options);
      BACKENDS.put(key, b);
    }
    return b;
  }
}
