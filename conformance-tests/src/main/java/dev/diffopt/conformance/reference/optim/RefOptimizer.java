package dev.diffopt.conformance.reference.optim;

import java.util.List;

/**
 * A float64 reference optimizer written as a plain Java loop in the style of {@code torch.optim}
 * (or of the paper, for optimizers that {@code torch.optim} lacks): the oracle every diffopt
 * optimizer is checked against. An instance holds its own state for one parameter list.
 */
public interface RefOptimizer {
  /**
   * Updates {@code params} in place with {@code grads}, one array per parameter tensor (row-major),
   * and advances the internal step count.
   *
   * @param params the parameters, modified in place
   * @param grads the gradients, same sizes
   */
  void step(List<double[]> params, List<double[]> grads);
}
