package dev.diffopt.transform;

/**
 * A gradient transformation, optax's and TorchOpt's contract: a pair of pure functions
 *
 * <pre>
 *   state            = init(params)
 *   (updates, state) = update(updates, state, params)
 * </pre>
 *
 * <p>A transformation holds only hyper-parameters (so equal hyper-parameters make equal
 * transformations); every counter, moment and flag lives in the state, which is a pytree of
 * tensors (records whose components are trees), so it can be mapped, checkpointed and
 * differentiated through. Updates are <em>added</em> to the parameters ({@link Updates#apply}); the
 * learning-rate step flips the sign of the gradient. When computed with backend operations,
 * updates are differentiable with respect to the gradients, the state and the parameters, which is
 * what meta-gradients flow through.
 *
 * <p>Implementations validate the state they receive: a state of another transformation gives an
 * {@link IllegalArgumentException} that says which was expected ("did you call init()?").
 */
public interface GradientTransformation {

  /**
   * The initial state for {@code params}.
   *
   * @param params the parameter tree (tensor leaves)
   * @return the state, a tree
   */
  Object init(Object params);

  /**
   * Transforms {@code updates} (usually gradients).
   *
   * @param updates the incoming updates, a tree of tensors
   * @param state the state from {@link #init} or the previous update
   * @param params the current parameters, or {@code null} for transformations that do not need
   *     them
   * @param <T> the tree type
   * @return the transformed updates and the new state
   */
  <T> Step<T> update(T updates, Object state, T params);

  /**
   * {@link #update(Object, Object, Object)} without parameters.
   *
   * @param updates the incoming updates
   * @param state the current state
   * @param <T> the tree type
   * @return the transformed updates and the new state
   */
  default <T> Step<T> update(T updates, Object state) {
    return update(updates, state, null);
  }
}
