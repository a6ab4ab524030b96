package dev.diffopt.distributed;

import dev.diffopt.autodiff.ValueAndGrad;
import dev.diffopt.spi.Backend;
import dev.diffopt.tensor.Tensor;
import java.io.Serializable;
import java.util.List;

/**
 * The per-part computation of a MAML-style outer step: the mean meta-loss over the part's tasks
 * and its gradient with respect to the meta-parameters, on the worker's backend (for example
 * unrolled inner steps with {@code MetaOptimizer}, then {@code autodiff().valueAndGrad}).
 *
 * @param <T> the task type
 */
@FunctionalInterface
public interface MetaTask<T> extends Serializable {
  /**
   * The part's mean loss and its gradient.
   *
   * @param backend the worker's backend
   * @param part the part's tasks, at least one
   * @param metaParams the meta-parameters on {@code backend}, in the order given to {@link
   *     Distributed#metaGradient}
   * @return the mean loss over {@code part} (a one-element tensor) and one gradient per
   *     meta-parameter
   */
  ValueAndGrad<List<Tensor>> apply(Backend backend, List<T> part, List<Tensor> metaParams);
}
