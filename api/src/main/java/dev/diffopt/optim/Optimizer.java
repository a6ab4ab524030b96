package dev.diffopt.optim;

import dev.diffopt.spi.Backend;
import dev.diffopt.spi.FusedUpdates;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorTrees;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Step;
import dev.diffopt.transform.Updates;
import dev.diffopt.tree.Trees;
import java.util.List;
import java.util.function.Function;

/**
 * The classic face of a {@link GradientTransformation}, as {@code torch.optim}: it holds the
 * parameters and the optimizer state, and {@link #step} updates the parameters <em>in place</em>
 * ({@link dev.diffopt.tensor.TensorOps#assign}), so a model that holds the same tensors sees the
 * new values.
 *
 * <pre>{@code
 * try (Optimizer opt = Optimizer.of(backend, Adam.of(1e-3), params)) {
 *   for (...) {
 *     try (Scope step = backend.scope()) {
 *       opt.step(backend.autodiff().grad(loss, params));
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>When the backend has {@link dev.diffopt.spi.Capability#FUSED_UPDATES} and can fuse the
 * transformation, each step is one multi-tensor kernel ({@link FusedUpdates}); otherwise the
 * transformation's op-by-op update runs. Both give the same numbers and the same state structure.
 *
 * <p>Each step runs in its own {@link Scope}: the previous state's tensors are freed, memory stays
 * flat. The state belongs to the optimizer, not to any scope of the caller. The parameters remain the caller's (closing the optimizer closes only its state). Not
 * thread-safe; not differentiable (use the transformation itself, or a meta-optimizer, when
 * gradients must flow through the update).
 */
public final class Optimizer implements AutoCloseable {
  private final Backend backend;
  private final GradientTransformation transformation;
  private final Object params;
  private final List<Tensor> paramLeaves;
  private final FusedUpdates.FusedStep fused;
  /**
   * The op-by-op update {@code [grads, state, params] -> [new params, new state]}, staged by the
   * backend ({@link Backend#stage}: one traced graph per step on a staging backend, the function
   * itself elsewhere).
   */
  private final Function<List<Object>, List<Object>> update;
  private Object state;
  private long steps;
  private boolean closed;

  private Optimizer(Backend backend, GradientTransformation transformation, Object params,
      boolean allowFused) {
    this.backend = backend;
    this.transformation = transformation;
    this.params = params;
    this.paramLeaves = TensorTrees.leaves(params);
    this.fused = allowFused
        ? backend.fusedUpdates().flatMap(f -> f.prepare(transformation, params)).orElse(null)
        : null;
    if (fused == null) {
      try (Scope s = backend.scope()) {
        this.state = s.detach(transformation.init(params));
      }
    }
    this.update = fused != null ? null : backend.stage(in -> {
      Step<Object> out = transformation.update(in.get(0), in.get(1), in.get(2));
      return List.of(Updates.apply(in.get(2), out.updates()), out.state());
    });
  }

  /**
   * An optimizer over {@code params} (a tree of tensors of {@code backend}, updated in place).
   *
   * @param backend the parameters' backend
   * @param transformation the update rule, e.g. {@code Adam.of(1e-3)}
   * @param params the parameters
   * @return the optimizer, holding a fresh state
   */
  public static Optimizer of(Backend backend, GradientTransformation transformation, Object params) {
    if (backend == null || transformation == null || params == null) {
      throw new NullPointerException("backend, transformation and params must not be null");
    }
    return new Optimizer(backend, transformation, params, true);
  }

  /**
   * An optimizer that never uses the backend's fused kernels, only the transformation's op-by-op
   * update (for comparisons and benchmarks).
   *
   * @param backend the parameters' backend
   * @param transformation the update rule
   * @param params the parameters
   * @return the optimizer
   */
  public static Optimizer opByOp(
      Backend backend, GradientTransformation transformation, Object params) {
    if (backend == null || transformation == null || params == null) {
      throw new NullPointerException("backend, transformation and params must not be null");
    }
    return new Optimizer(backend, transformation, params, false);
  }

  /**
   * Whether steps run on the backend's fused multi-tensor kernel.
   *
   * @return true when fused
   */
  public boolean isFused() {
    return fused != null;
  }

  /**
   * Applies one update computed from {@code grads} to the parameters, in place.
   *
   * @param grads gradients with the structure of the parameters
   * @throws dev.diffopt.tree.TreeMismatchException if {@code grads} has another structure
   */
  public void step(Object grads) {
    if (closed) {
      throw new IllegalStateException("optimizer is closed");
    }
    Trees.structure(params).requireEqual(Trees.structure(grads),
        "step: the gradients do not match the parameters");
    if (fused != null) {
      fused.step(TensorTrees.leaves(grads));
      steps++;
      return;
    }
    Object previous = state;
    try (Scope s = backend.scope()) {
      List<Object> out = update.apply(java.util.Arrays.asList(grads, state, params));
      List<Tensor> next = TensorTrees.leaves(out.get(0));
      for (int i = 0; i < next.size(); i++) {
        backend.ops().assign(paramLeaves.get(i), next.get(i));
      }
      state = s.detach(out.get(1));
    }
    closeReplaced(previous, state);
    steps++;
  }

  /**
   * The parameters (the tree given at construction, updated in place).
   *
   * @param <T> the tree type
   * @return the parameters
   */
  @SuppressWarnings("unchecked")
  public <T> T params() {
    return (T) params;
  }

  /**
   * The current optimizer state, owned by this optimizer (valid until the next step).
   *
   * @return the state tree
   */
  public Object state() {
    return fused != null ? fused.state() : state;
  }

  /**
   * Replaces the state, e.g. with one loaded from a checkpoint; the optimizer takes ownership of
   * its tensors (a fused kernel copies the values in and closes them).
   *
   * @param newState a state of the same structure as the current one
   * @param completedSteps the number of steps that state has seen
   */
  public void restore(Object newState, long completedSteps) {
    Trees.structure(state()).requireEqual(Trees.structure(newState),
        "restore: the state does not match this optimizer's");
    if (completedSteps < 0) {
      throw new IllegalArgumentException("completedSteps must be >= 0, got " + completedSteps);
    }
    if (fused != null) {
      fused.load(newState);
      steps = completedSteps;
      closeTensors(newState);
      return;
    }
    Object previous = state;
    state = newState;
    steps = completedSteps;
    closeReplaced(previous, state);
  }

  /**
   * The number of steps taken.
   *
   * @return the count
   */
  public long steps() {
    return steps;
  }

  /**
   * The update rule.
   *
   * @return the transformation
   */
  public GradientTransformation transformation() {
    return transformation;
  }

  /** Closes the tensors of {@code previous} that {@code current} does not still hold. */
  private static void closeReplaced(Object previous, Object current) {
    java.util.Set<Object> kept = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    kept.addAll(Trees.leaves(current));
    for (Object leaf : Trees.leaves(previous)) {
      if (leaf instanceof Tensor t && !kept.contains(t)) {
        t.close();
      }
    }
  }

  private static void closeTensors(Object tree) {
    for (Object leaf : Trees.leaves(tree)) {
      if (leaf instanceof Tensor t) {
        t.close();
      }
    }
  }

  /** Frees the state; the parameters stay open (they are the caller's). */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      if (fused != null) {
        fused.close();
      } else {
        closeTensors(state);
        if (update instanceof AutoCloseable staged) {
          try {
            staged.close();
          } catch (Exception e) {
            throw new IllegalStateException("closing the staged update failed", e);
          }
        }
      }
    }
  }
}
