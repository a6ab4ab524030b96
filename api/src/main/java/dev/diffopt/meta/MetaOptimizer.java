package dev.diffopt.meta;

import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.spi.Backend;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Step;
import dev.diffopt.transform.Updates;
import dev.diffopt.tree.Trees;
import java.util.function.Function;

/**
 * A differentiable inner optimizer (TorchOpt's {@code MetaOptimizer}): each {@link #step} computes
 * the gradient of a loss at the current parameters <em>keeping its graph</em>, runs the
 * transformation's update, and replaces the parameters by the new values, which stay connected
 * to the old ones. An outer gradient taken around the whole inner loop therefore differentiates
 * through every update, second-order terms included:
 *
 * <pre>
 *   θ₀ = θ,  gₖ = ∇L_S(θₖ),  (uₖ, sₖ₊₁) = update(gₖ, sₖ, θₖ),  θₖ₊₁ = θₖ + uₖ
 *   meta-gradient = d L_Q(θ_K) / dθ
 * </pre>
 *
 * <p>In first-order mode (FOMAML, Finn et al. 2017 §5.2; Nichol et al. 2018) the inner gradients
 * are constants for the outer differentiation: the meta-gradient is then {@code ∇L_Q(θ_K)}
 * carried back through the identity part of the updates only.
 *
 * <p>The loss is a function of the parameters, never a finished tensor, so a staging backend
 * ({@link Backend#stage}) traces the whole inner loop into one graph. Any {@link
 * GradientTransformation} works; {@link MetaSGD}, {@link MetaAdam}, {@link MetaAdamW} and {@link
 * MetaRmsProp} are presets. Adam-type updates take {@code sqrt(v)}: give {@code epsRoot > 0} when
 * second moments can be 0 and the meta-gradient must stay finite. Not thread-safe.
 *
 * @param <P> the parameter tree type
 */
public final class MetaOptimizer<P> {
  private final Autodiff autodiff;
  private final GradientTransformation transformation;
  private final boolean firstOrder;
  private P params;
  private Object state;

  private MetaOptimizer(Backend backend, GradientTransformation transformation, P params,
      boolean firstOrder) {
    if (backend == null || transformation == null || params == null) {
      throw new NullPointerException("backend, transformation and params must not be null");
    }
    if (!backend.has(Capability.AUTODIFF) || !firstOrder && !backend.has(Capability.HIGHER_ORDER)) {
      throw new IllegalArgumentException("backend '" + backend.name() + "' lacks "
          + (backend.has(Capability.AUTODIFF) ? "HIGHER_ORDER" : "AUTODIFF")
          + " for a " + (firstOrder ? "first-order " : "") + "meta-optimizer; its capabilities: "
          + backend.capabilities());
    }
    this.autodiff = backend.autodiff();
    this.transformation = transformation;
    this.firstOrder = firstOrder;
    this.params = params;
    this.state = transformation.init(params);
  }

  /**
   * A meta-optimizer that differentiates through its inner gradients (full MAML).
   *
   * @param <P> the parameter tree type
   * @param backend a backend with {@link Capability#HIGHER_ORDER}
   * @param transformation the inner update rule, e.g. {@code Sgd.of(...)}
   * @param params the initial parameters (typically the meta-parameters, or a function of them)
   * @return the meta-optimizer, with a fresh state
   */
  public static <P> MetaOptimizer<P> of(
      Backend backend, GradientTransformation transformation, P params) {
    return new MetaOptimizer<>(backend, transformation, params, false);
  }

  /**
   * A first-order meta-optimizer (FOMAML): the inner gradients are not differentiated.
   *
   * @param <P> the parameter tree type
   * @param backend a backend with {@link Capability#AUTODIFF}
   * @param transformation the inner update rule
   * @param params the initial parameters
   * @return the meta-optimizer, with a fresh state
   */
  public static <P> MetaOptimizer<P> firstOrder(
      Backend backend, GradientTransformation transformation, P params) {
    return new MetaOptimizer<>(backend, transformation, params, true);
  }

  /**
   * One differentiable update: {@code θ ← θ + update(∇loss(θ))}.
   *
   * @param loss the inner loss as a function of the parameters
   * @return the new parameters (also {@link #params()})
   */
  public P step(Function<? super P, Tensor> loss) {
    if (loss == null) {
      throw new NullPointerException("step: loss is null");
    }
    P grads = autodiff.grad(loss, params, !firstOrder);
    Step<P> out = transformation.update(grads, state, params);
    params = Updates.apply(params, out.updates());
    state = out.state();
    return params;
  }

  /**
   * The current parameters: after steps, differentiable functions of the initial ones.
   *
   * @return the parameters
   */
  public P params() {
    return params;
  }

  /**
   * The current optimizer state (a tree: moments, counters).
   *
   * @return the state
   */
  public Object state() {
    return state;
  }

  /**
   * Whether the inner gradients are constants for an outer differentiation.
   *
   * @return true in first-order (FOMAML) mode
   */
  public boolean isFirstOrder() {
    return firstOrder;
  }

  /**
   * The current parameters and state, by reference (TorchOpt's {@code extract_state_dict}): {@link
   * #restore} of it later resets the inner loop, e.g. before each task.
   *
   * @return the snapshot
   */
  public MetaSnapshot<P> snapshot() {
    return new MetaSnapshot<>(params, state);
  }

  /**
   * Puts back the parameters and state of a snapshot (TorchOpt's {@code recover_state_dict}); an
   * outer gradient still flows into the snapshot's tensors.
   *
   * @param snapshot from {@link #snapshot} of a meta-optimizer over the same structure
   * @throws dev.diffopt.tree.TreeMismatchException if the snapshot has another structure
   */
  public void restore(MetaSnapshot<P> snapshot) {
    if (snapshot == null) {
      throw new NullPointerException("restore: snapshot is null");
    }
    Trees.structure(params).requireEqual(
        Trees.structure(snapshot.params()),
        "restore: the snapshot's parameters do not match");
    Trees.structure(state).requireEqual(
        Trees.structure(snapshot.state()),
        "restore: the snapshot's state does not match");
    params = snapshot.params();
    state = snapshot.state();
  }

  /**
   * Cuts the graph behind the parameters and the state (TorchOpt's {@code stop_gradient}): later
   * steps start from constants with the same values, e.g. for truncated back-propagation.
   */
  public void stopGradient() {
    params = MetaStates.stopGradient(autodiff, params);
    state = MetaStates.stopGradient(autodiff, state);
  }
}
