package dev.diffopt.distributed;

import dev.diffopt.autodiff.ValueAndGrad;
import dev.diffopt.tensor.Tensor;
import java.util.List;

/**
 * The ready-made distributed outer step: {@link #metaGradient} broadcasts the meta-parameters to
 * the workers as one flat buffer, lets each compute the meta-gradient of its part of the tasks,
 * and returns the mean over all tasks (TorchOpt's {@code parallelize} with a batch partitioner and
 * the mean reducer, as in its distributed MAML example).
 */
public final class Distributed {
  private Distributed() {}

  /**
   * The mean loss and meta-gradient over {@code tasks}.
   *
   * @param runtime where the parts run
   * @param tasks the tasks, at least one
   * @param partitioner how the tasks are grouped into worker calls
   * @param metaParams the meta-parameters (e.g. {@code FlatTensors.of(params)})
   * @param fn the per-part meta-gradient, returning the part's mean loss
   * @return the mean over all tasks, each part weighted by its number of tasks
   * @throws TaskFailedException if a part fails
   */
  public static <T> MetaGradient metaGradient(TaskRuntime runtime, List<T> tasks,
      Partitioner partitioner, FlatTensors metaParams, MetaTask<T> fn) {
    if (runtime == null || metaParams == null || fn == null) {
      throw new NullPointerException("runtime, metaParams and fn must not be null");
    }
    Shared<FlatTensors> shared = runtime.share(metaParams);
    PartFunction<T, MetaGradient> part = (backend, group) -> {
      FlatTensors broadcast = shared.get();
      List<Tensor> params = broadcast.toTensors(backend.ops());
      ValueAndGrad<List<Tensor>> r = fn.apply(backend, group, params);
      if (r == null || r.grad() == null || r.grad().size() != params.size()) {
        throw new IllegalStateException("the meta-task must return one gradient per "
            + "meta-parameter (" + params.size() + "), got "
            + (r == null || r.grad() == null ? "none" : r.grad().size()));
      }
      FlatTensors grad = FlatTensors.of(r.grad());
      grad.requireSameLayout(broadcast);
      int n = group.size();
      return new MetaGradient(r.value().item() * n, grad.times(n), n);
    };
    try {
      return runtime.run(tasks, partitioner, part, MetaGradient.meanReducer());
    } finally {
      shared.release();
    }
  }
}
