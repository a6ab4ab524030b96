package dev.diffopt.examples;

import dev.diffopt.Backends;
import dev.diffopt.spi.Backend;
import dev.diffopt.spi.Capability;
import java.util.Arrays;

/** The command line the simple examples share: {@code [--backend NAME]}. */
final class ExampleArgs {
  private ExampleArgs() {}

  /**
   * The backend named by {@code --backend NAME}, or the default one; prints the usage and exits
   * with status 2 on an unknown argument or when the backend lacks one of {@code needed}.
   *
   * @param program the example's name, for the usage line
   * @param args the command line; blank arguments (an empty {@code -Ddemo.args}) are skipped
   * @param needed the capabilities the example needs
   * @return the backend
   */
  static Backend backend(String program, String[] args, Capability... needed) {
    String name = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].isBlank()) {
        continue; // an empty -Ddemo.args from the Maven profile
      }
      if (args[i].equals("--backend") && i + 1 < args.length) {
        name = args[++i];
      } else {
        System.err.println("usage: " + program + " [--backend NAME]; unknown argument " + args[i]);
        System.exit(2);
      }
    }
    Backend backend = name == null ? Backends.get() : Backends.get(name);
    if (!Arrays.stream(needed).allMatch(backend::has)) {
      System.err.println("backend '" + backend.name() + "' lacks one of " + Arrays.toString(needed)
          + ": " + backend.capabilities());
      System.exit(2);
    }
    return backend;
  }
}
