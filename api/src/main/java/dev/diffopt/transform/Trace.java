package dev.diffopt.transform;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensor.TensorTrees;

/**
 * Momentum: keeps a trace (a "velocity") of past updates and returns it, or its Nesterov
 * look-ahead (TorchOpt and optax {@code trace}; heavy-ball momentum of Polyak 1964 and Nesterov
 * momentum in the form of Sutskever, Martens, Dahl and Hinton, "On the importance of
 * initialization and momentum in deep learning", ICML 2013). With {@code torch.optim.SGD}'s
 * semantics:
 *
 * <pre>
 *   b₁ = g₁                                  (first step: the update itself, no dampening)
 *   b_t = μ·b_{t−1} + (1 − τ)·g_t            (t &gt; 1)
 *   u_t = g_t + μ·b_t                        (nesterov)
 *   u_t = b_t                                (otherwise)
 * </pre>
 *
 * <p>where μ is the momentum and τ the dampening. Whether a step is the first is read from the
 * step count kept in the state (a 0-d INT64 tensor) and decided with {@link TensorOps#where}, so
 * the update is a pure tensor function: it can be staged, checkpointed and differentiated through
 * (TorchOpt keeps that flag in a closure instead, so a reused transformation skips the first-step
 * rule). Without dampening the first-step rule coincides with the general one (the trace starts
 * at zero), and no selection is made.
 *
 * @param momentum μ, finite and {@code >= 0}
 * @param dampening τ, finite and {@code >= 0} (1 − τ scales the incoming updates after step 1)
 * @param nesterov whether to return the Nesterov look-ahead {@code g + μ·b}
 */
public record Trace(double momentum, double dampening, boolean nesterov)
    implements GradientTransformation {

  /**
   * The state of {@link Trace}.
   *
   * @param trace the momentum buffers b, a tree like the params (zeros before the first step)
   * @param count the number of steps taken, a 0-d INT64 tensor ({@code null} for a tree without
   *     leaves)
   */
  public record State(Object trace, Tensor count) {}

  /**
   * Validates the hyper-parameters.
   *
   * @param momentum μ
   * @param dampening τ
   * @param nesterov nesterov
   */
  public Trace {
    Check.nonNegative("momentum", momentum);
    Check.nonNegative("dampening", dampening);
  }

  /**
   * Heavy-ball momentum without dampening: {@code b ← μ·b + g; u = b}.
   *
   * @param momentum μ
   * @return the transformation
   */
  public static Trace of(double momentum) {
    return new Trace(momentum, 0, false);
  }

  @Override
  public Object init(Object params) {
    return new State(TensorTrees.zerosLike(params), Counters.zero(params));
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    State s = States.expect(state, State.class, this);
    Tensor count = s.count();
    Tensor first =
        dampening == 0 || count == null
            ? null
            : count.ops().eq(count, count.ops().scalar(0, DType.INT64));
    T trace =
        TensorTrees.map(updates, s.trace(), (g, b) -> {
          TensorOps ops = g.ops();
          Tensor incoming = dampening == 0 ? g : ops.mul(g, 1 - dampening);
          Tensor next = ops.add(ops.mul(b, momentum), incoming);
          return first == null ? next : ops.where(first, g, next);
        });
    T out =
        nesterov
            ? TensorTrees.map(updates, trace, (g, b) -> g.ops().add(g, g.ops().mul(b, momentum)))
            : trace;
    return new Step<>(out, new State(trace, Counters.increment(count)));
  }
}
