package dev.diffopt.meta;

/**
 * Parameters and optimizer state of a {@link MetaOptimizer} at one moment, by reference. A record,
 * so it is a tree node: {@link MetaStates#stopGradient} and {@link MetaStates#copy} apply to it
 * whole.
 *
 * @param <P> the parameter tree type
 * @param params the parameters
 * @param state the optimizer state
 */
public record MetaSnapshot<P>(P params, Object state) {}
