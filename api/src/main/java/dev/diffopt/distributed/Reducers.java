package dev.diffopt.distributed;

import java.io.Serializable;
import java.util.function.BinaryOperator;

/** The usual {@link Reducer}s: sum and mean of {@link FlatTensors}, or any associative operator. */
public final class Reducers {
  private Reducers() {}

  /** A serializable binary operator, for custom reducers that a cluster ships to executors. */
  @FunctionalInterface
  public interface Combine<R> extends BinaryOperator<R>, Serializable {}

  /** Element-wise sum (TorchOpt's {@code sum_reducer}). */
  public static Reducer<FlatTensors> sum() {
    return FlatTensors::plus;
  }

  /**
   * Element-wise mean over tasks (TorchOpt's {@code mean_reducer}): the parts must return sums
   * over their tasks, which are added, then divided by the number of tasks.
   */
  public static Reducer<FlatTensors> mean() {
    return new Reducer<>() {
      private static final long serialVersionUID = 1L;

      @Override
      public FlatTensors combine(FlatTensors earlier, FlatTensors later) {
        return earlier.plus(later);
      }

      @Override
      public FlatTensors finish(FlatTensors total, int tasks) {
        return total.times(1.0 / tasks);
      }
    };
  }

  /** A reducer from an associative operator; {@code finish} returns the total. */
  public static <R> Reducer<R> of(Combine<R> combine) {
    if (combine == null) {
      throw new NullPointerException("combine is null");
    }
    return combine::apply;
  }
}
