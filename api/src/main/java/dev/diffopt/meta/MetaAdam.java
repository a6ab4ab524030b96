package dev.diffopt.meta;

import dev.diffopt.optim.Adam;
import dev.diffopt.optim.Optimizers;
import dev.diffopt.spi.Backend;

/**
 * Preset: a {@link MetaOptimizer} running {@link Adam} (same options, same update rule; see there
 * for the math and the paper), differentiable through its steps.
 */
public final class MetaAdam {
  private MetaAdam() {}

  /**
   * A meta-optimizer with {@code Adam}'s defaults at learning rate {@code lr}.
   *
   * @param <P> the parameter tree type
   * @param backend a backend with higher-order autodiff
   * @param params the initial parameters
   * @param lr the inner learning rate
   * @return the meta-optimizer
   */
  public static <P> MetaOptimizer<P> of(Backend backend, P params, double lr) {
    return MetaOptimizer.of(backend, Optimizers.adam(lr), params);
  }

  /**
   * A meta-optimizer with the given {@code Adam} options.
   *
   * @param <P> the parameter tree type
   * @param backend a backend with higher-order autodiff
   * @param params the initial parameters
   * @param options the inner optimizer's options
   * @return the meta-optimizer
   */
  public static <P> MetaOptimizer<P> of(Backend backend, P params, Adam.Options options) {
    return MetaOptimizer.of(backend, Optimizers.adam(options), params);
  }
}
