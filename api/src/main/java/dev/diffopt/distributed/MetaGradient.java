package dev.diffopt.distributed;

import java.io.Serializable;

/**
 * The mean loss and the mean gradient over a batch of tasks, as {@link Distributed#metaGradient}
 * returns it; inside a run, the sums over the tasks seen so far.
 *
 * @param loss the mean (or summed) loss
 * @param grad the mean (or summed) gradient, one tensor per meta-parameter
 * @param tasks how many tasks went in
 */
public record MetaGradient(double loss, FlatTensors grad, int tasks) implements Serializable {
  /** Sums of two adjacent groups of tasks. */
  MetaGradient plus(MetaGradient later) {
    return new MetaGradient(loss + later.loss, grad.plus(later.grad), tasks + later.tasks);
  }

  /** The reducer: sums, then divides by the number of tasks. */
  static Reducer<MetaGradient> meanReducer() {
    return new Reducer<>() {
      private static final long serialVersionUID = 1L;

      @Override
      public MetaGradient combine(MetaGradient earlier, MetaGradient later) {
        return earlier.plus(later);
      }

      @Override
      public MetaGradient finish(MetaGradient total, int tasks) {
        if (total.tasks != tasks) {
          throw new IllegalStateException(
              "the reduction counted " + total.tasks + " tasks, the run had " + tasks);
        }
        return new MetaGradient(total.loss / tasks, total.grad.times(1.0 / tasks), tasks);
      }
    };
  }
}
