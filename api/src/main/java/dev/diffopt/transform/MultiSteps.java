package dev.diffopt.transform;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensor.TensorTrees;
import dev.diffopt.tree.Flat;
import dev.diffopt.tree.Trees;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient accumulation over {@code everyK} mini-steps (optax {@code MultiSteps}): the incoming
 * updates are averaged; on every {@code k}-th call the inner transformation is applied to the mean
 * and its updates are emitted, on the other calls the emitted updates are zeros. The inner state
 * advances only on the {@code k}-th call.
 *
 * <pre>
 *   a ← a + (g − a) / (m + 1)                        (running mean of the mini-step updates)
 *   emit = (m = k − 1)
 *   (u', s') = inner.update(a, s_inner, params)       (computed on every call)
 *   u        = emit ? u' : 0
 *   s_inner  ← emit ? s' : s_inner      (leaf by leaf)
 *   a        ← emit ? 0 : a
 *   m        ← emit ? 0 : m + 1,   n ← n + emit
 * </pre>
 *
 * <p>There is no host branch: the inner update is computed on every call and selected with {@code
 * where} on the mini-step counter, so the step can be staged and differentiated. State leaves of
 * the inner transformation that are not tensors cannot be selected without a host read; they are
 * taken from the new inner state. {@code where} rather than multiplication by the flag keeps a
 * non-finite value computed on a discarded step out of the result.
 *
 * @param inner the transformation applied to the accumulated mean
 * @param everyK the number of mini-steps per update, {@code >= 1}
 */
public record MultiSteps(GradientTransformation inner, int everyK) implements GradientTransformation {

  /**
   * The state.
   *
   * @param miniStep m, the mini-steps accumulated since the last emission, a 0-d INT64 tensor in
   *     {@code [0, k)} ({@code null} for a tree without leaves)
   * @param gradientStep n, the number of emitted updates, a 0-d INT64 tensor
   * @param inner the inner transformation's state
   * @param accumulated a, the running mean of the updates since the last emission (like the
   *     params)
   */
  public record State(Tensor miniStep, Tensor gradientStep, Object inner, Object accumulated) {}

  /**
   * Validates the arguments.
   *
   * @param inner the inner transformation
   * @param everyK k
   */
  public MultiSteps {
    if (inner == null) {
      throw new NullPointerException("multiSteps: inner transformation is null");
    }
    Check.atLeastOne("everyK", everyK);
  }

  /**
   * Whether the last update emitted the inner transformation's updates: {@code m = 0}, a 0-d BOOL
   * tensor (optax {@code has_updated}).
   *
   * @param state a state of a {@code MultiSteps}
   * @return the flag, or {@code null} for a tree without leaves
   */
  public static Tensor emitted(State state) {
    Tensor m = state.miniStep();
    return m == null ? null : m.ops().eq(m, m.ops().scalar(0, DType.INT64));
  }

  @Override
  public Object init(Object params) {
    return new State(
        Counters.zero(params),
        Counters.zero(params),
        inner.init(params),
        TensorTrees.zerosLike(params));
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    State s = States.expect(state, State.class, this);
    if (s.miniStep() == null) {
      // no leaves: nothing to accumulate
      Step<T> step = inner.update(updates, s.inner(), params);
      return new Step<>(step.updates(), new State(null, null, step.state(), s.accumulated()));
    }
    TensorOps ops = s.miniStep().ops();
    Tensor next = ops.add(s.miniStep(), ops.scalar(1, DType.INT64));
    T mean =
        TensorTrees.map(
            updates,
            s.accumulated(),
            (g, a) -> {
              Tensor n = g.ops().cast(next, g.dtype());
              return g.ops().add(a, g.ops().div(g.ops().sub(g, a), n));
            });
    Step<T> step = inner.update(mean, s.inner(), params);
    Tensor emit = ops.eq(s.miniStep(), ops.scalar(everyK - 1, DType.INT64));
    T out = TensorTrees.map(step.updates(), u -> u.ops().where(emit, u, u.ops().zerosLike(u)));
    Object innerState = select(emit, step.state(), s.inner());
    Object accumulated = TensorTrees.map(mean, a -> a.ops().where(emit, a.ops().zerosLike(a), a));
    Tensor miniStep = ops.where(emit, ops.zerosLike(next), next);
    Tensor gradientStep = ops.where(emit, Counters.increment(s.gradientStep()), s.gradientStep());
    return new Step<>(out, new State(miniStep, gradientStep, innerState, accumulated));
  }

  /** {@code emit ? updated : previous}, leaf by leaf over two states of the same structure. */
  private Object select(Tensor emit, Object updated, Object previous) {
    Flat u = Trees.flatten(updated);
    Flat p = Trees.flatten(previous);
    u.spec().requireEqual(
        p.spec(), "multiSteps: the inner transformation " + inner + " changed the structure of its state");
    List<Object> leaves = new ArrayList<>(u.leaves().size());
    for (int i = 0; i < u.leaves().size(); i++) {
      Object a = u.leaves().get(i);
      Object b = p.leaves().get(i);
      leaves.add(a instanceof Tensor ta && b instanceof Tensor tb ? ta.ops().where(emit, ta, tb) : a);
    }
    return u.spec().unflatten(leaves);
  }
}
