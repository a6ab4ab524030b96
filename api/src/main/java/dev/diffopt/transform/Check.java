package dev.diffopt.transform;

/**
 * Guava-style validation of hyper-parameters: each method returns its argument or throws an
 * {@link IllegalArgumentException} whose message names the option and the offending value.
 */
public final class Check {
  private Check() {}

  /**
   * {@code value} is finite and in {@code [0, 1)}.
   *
   * @param name the option's name
   * @param value its value
   * @return {@code value}
   */
  public static double unitInterval(String name, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1), got " + value);
    }
    return value;
  }

  /**
   * {@code value} is finite and {@code >= 0}.
   *
   * @param name the option's name
   * @param value its value
   * @return {@code value}
   */
  public static double nonNegative(String name, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be finite and >= 0, got " + value);
    }
    return value;
  }

  /**
   * {@code value} is finite and {@code > 0}.
   *
   * @param name the option's name
   * @param value its value
   * @return {@code value}
   */
  public static double positive(String name, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be finite and > 0, got " + value);
    }
    return value;
  }

  /**
   * {@code value} is finite.
   *
   * @param name the option's name
   * @param value its value
   * @return {@code value}
   */
  public static double finite(String name, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(name + " must be finite, got " + value);
    }
    return value;
  }

  /**
   * {@code value >= 1}.
   *
   * @param name the option's name
   * @param value its value
   * @return {@code value}
   */
  public static int atLeastOne(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + value);
    }
    return value;
  }
}
