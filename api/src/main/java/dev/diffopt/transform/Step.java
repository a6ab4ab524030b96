package dev.diffopt.transform;

/**
 * The result of {@link GradientTransformation#update}: the transformed updates and the new state.
 *
 * @param updates the transformed updates, a tree of the same structure as the input updates
 * @param state the transformation's new state
 * @param <T> the tree type of the updates
 */
public record Step<T>(T updates, Object state) {}
