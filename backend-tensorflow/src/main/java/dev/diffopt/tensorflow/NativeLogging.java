package dev.diffopt.tensorflow;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Quiets TensorFlow's native logging before the library loads: TensorFlow reads {@code
 * TF_CPP_MIN_LOG_LEVEL} from the process environment (C {@code getenv}) the first time it logs,
 * and Java cannot change that environment, so this sets it through libc's {@code setenv} (via
 * JNA) to {@value #DEFAULT_LEVEL}: warnings and errors only, no INFO line per custom gradient
 * call. A value already set, by the user or the launcher, is kept.
 */
final class NativeLogging {
  /** 2: warnings and errors only. */
  static final String DEFAULT_LEVEL = "2";
  static final String VARIABLE = "TF_CPP_MIN_LOG_LEVEL";

  private static volatile boolean done;

  /** libc, for {@code setenv}. */
  private interface LibC extends Library {
    int setenv(String name, String value, int overwrite);
  }

  private NativeLogging() {}

  /**
   * Sets {@code TF_CPP_MIN_LOG_LEVEL=2} unless it is set; does nothing if libc cannot be reached
   * (TensorFlow then logs at its default level).
   */
  static synchronized void quiet() {
    if (done) {
      return;
    }
    done = true;
    if (System.getenv(VARIABLE) != null) {
      return;
    }
    try {
      LibC libc = Native.load("c", LibC.class);
      libc.setenv(VARIABLE, DEFAULT_LEVEL, 0);
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      System.getLogger(NativeLogging.class.getName()).log(System.Logger.Level.DEBUG,
          "could not set " + VARIABLE + "; TensorFlow logs at its default level", e);
    }
  }
}
