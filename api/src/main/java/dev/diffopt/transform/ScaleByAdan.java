package dev.diffopt.transform;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensor.TensorTrees;

/**
 * Adan's direction (Xie, Zhou, Li, Lin and Yan, "Adan: Adaptive Nesterov Momentum Algorithm for
 * Faster Optimizing Deep Models", arXiv:2208.06677, 2022, Algorithm 1), without bias correction as
 * in Algorithm 1.
 *
 * <p><b>Mapping to the paper.</b> The paper writes its moving averages with <em>weights of the
 * new value</em> β₁, β₂, β₃ (defaults 0.02, 0.08, 0.01): {@code m_k = (1 − β₁) m_{k−1} + β₁
 * g_k}. This transform, like the authors' code and every other transform here, takes the
 * <em>decay rates</em> {@code b1 = 1 − β₁}, {@code b2 = 1 − β₂}, {@code b3 = 1 − β₃} (defaults
 * 0.98, 0.92, 0.99). In that notation, with {@code Δ = g − g_prev}:
 *
 * <pre>
 *   m ← b1·m + (1 − b1)·g
 *   v ← b2·v + (1 − b2)·Δ
 *   n ← b3·n + (1 − b3)·(g + b2·Δ)²
 *   u = (m + b2·v) / (sqrt(n) + ε)
 *   g_prev ← g
 * </pre>
 *
 * <p>which is, line by line, the paper's
 *
 * <pre>
 *   m_k = (1 − β₁)·m_{k−1} + β₁·g_k
 *   v_k = (1 − β₂)·v_{k−1} + β₂·(g_k − g_{k−1})
 *   n_k = (1 − β₃)·n_{k−1} + β₃·[g_k + (1 − β₂)·(g_k − g_{k−1})]²
 *   η_k ∘ (m_k + (1 − β₂)·v_k)  with  η_k = η / sqrt(n_k + ε)
 * </pre>
 *
 * <p><b>First step.</b> The state keeps the previous gradient; on the first step it is taken to be
 * the current one, so Δ = 0 and v stays 0. As in the paper's initialisation {@code m₀ = g₀},
 * {@code n₀ = g₀²}, the first step sets m and n to their first observations ({@code m = g},
 * {@code n = g²}) instead of decaying them from zero, so that no bias correction is
 * needed. The first step is selected with {@code where} on the step counter, not with a branch
 * on the host, so a step stays stageable and differentiable.
 *
 * <p><b>ε.</b> ε is added to the root, {@code sqrt(n) + ε}, as in the authors' code (the paper's
 * Algorithm 1 writes {@code sqrt(n + ε)}); the difference matters only where n is of the order of
 * ε. The learning rate and the paper's proximal weight decay are chained after this transform:
 * {@link ScaleByLearningRate} then {@link ProximalWeightDecay}.
 *
 * @param b1 the decay of the gradient mean m, {@code 1 − β₁}, in [0, 1)
 * @param b2 the decay of the gradient-difference mean v, {@code 1 − β₂}, in [0, 1); also the weight
 *     of the difference in the Nesterov estimate
 * @param b3 the decay of the second moment n, {@code 1 − β₃}, in [0, 1)
 * @param eps ε, added to the root; finite and {@code >= 0}
 */
public record ScaleByAdan(double b1, double b2, double b3, double eps)
    implements GradientTransformation {

  /**
   * The state of {@link ScaleByAdan}.
   *
   * @param mu the gradient mean m, a tree like the params
   * @param delta the mean of gradient differences v, a tree like the params
   * @param nu the second moment n of the Nesterov gradient estimate, a tree like the params
   * @param previousGrad the incoming updates of the previous step (ignored on the first step)
   * @param count the number of steps taken, a 0-d INT64 tensor ({@code null} for a tree without
   *     leaves)
   */
  public record State(Object mu, Object delta, Object nu, Object previousGrad, Tensor count) {}

  /**
   * Validates the hyper-parameters.
   *
   * @param b1 the decay of m
   * @param b2 the decay of v
   * @param b3 the decay of n
   * @param eps ε
   */
  public ScaleByAdan {
    Check.unitInterval("b1", b1);
    Check.unitInterval("b2", b2);
    Check.unitInterval("b3", b3);
    Check.nonNegative("eps", eps);
  }

  @Override
  public Object init(Object params) {
    return new State(
        TensorTrees.zerosLike(params),
        TensorTrees.zerosLike(params),
        TensorTrees.zerosLike(params),
        TensorTrees.zerosLike(params),
        Counters.zero(params));
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    State s = States.expect(state, State.class, this);
    Tensor count = s.count();
    Tensor first =
        count == null ? null : count.ops().eq(count, count.ops().scalar(0, DType.INT64));
    T diff = TensorTrees.map(updates, s.previousGrad(), (g, prev) -> {
      TensorOps ops = g.ops();
      return ops.sub(g, ops.where(first, g, prev));
    });
    Object mu = TensorTrees.map(s.mu(), updates,
        (m, g) -> g.ops().where(first, g, ScaleByAdam.ema(m, g, b1)));
    Object delta = TensorTrees.map(s.delta(), diff, (v, d) -> ScaleByAdam.ema(v, d, b2));
    Object nu = TensorTrees.map(s.nu(), updates, diff, (n, g, d) -> {
      TensorOps ops = g.ops();
      Tensor nesterov = ops.square(ops.add(g, ops.mul(d, b2)));
      return ops.where(first, nesterov, ScaleByAdam.ema(n, nesterov, b3));
    });
    T direction =
        TensorTrees.map(updates, mu, delta, (g, m, v) -> g.ops().add(m, g.ops().mul(v, b2)));
    T out = TensorTrees.map(direction, nu, (x, n) -> {
      TensorOps ops = x.ops();
      return ops.div(x, ops.add(ops.sqrt(n), eps));
    });
    // the state must own its tensors: keep a copy of g, not the caller's tensor (which the caller's
    // scope may close after the step)
    Object previous = TensorTrees.map(updates, g -> g.ops().add(g, 0.0));
    return new Step<>(out, new State(mu, delta, nu, previous, Counters.increment(count)));
  }
}
