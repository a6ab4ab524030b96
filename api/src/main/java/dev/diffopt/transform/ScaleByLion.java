package dev.diffopt.transform;

import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensor.TensorTrees;

/**
 * Lion's sign update (Chen, Liang, Huang, Real, Wang, Pham, Dong, Luong, Hsieh, Lu and Le,
 * "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023):
 *
 * <pre>
 *   c = β₁·m + (1 − β₁)·g
 *   u = sign(c)
 *   m ← β₂·m + (1 − β₂)·g
 * </pre>
 *
 * <p>The interpolation c that is signed uses β₁, the momentum that is kept uses β₂; m starts at
 * zero. Every element of u is −1, 0 or +1 (0 only where c is exactly 0), so the step size is set
 * entirely by the learning rate; the paper's decoupled weight decay is {@link AddDecayedWeights}
 * chained after this transform. The sign has gradient zero almost everywhere, so no
 * meta-gradient flows through u (one flows only through what is chained after it).
 *
 * @param b1 β₁, the interpolation weight of the signed direction, in [0, 1)
 * @param b2 β₂, the decay of the momentum, in [0, 1)
 */
public record ScaleByLion(double b1, double b2) implements GradientTransformation {

  /**
   * The state of {@link ScaleByLion}.
   *
   * @param mu the momentum m, a tree like the params
   */
  public record State(Object mu) {}

  /**
   * Validates the hyper-parameters.
   *
   * @param b1 β₁
   * @param b2 β₂
   */
  public ScaleByLion {
    Check.unitInterval("b1", b1);
    Check.unitInterval("b2", b2);
  }

  @Override
  public Object init(Object params) {
    return new State(TensorTrees.zerosLike(params));
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    State s = States.expect(state, State.class, this);
    T out = TensorTrees.map(updates, s.mu(), (g, m) -> {
      TensorOps ops = g.ops();
      return ops.sign(ScaleByAdam.ema(m, g, b1));
    });
    Object mu = TensorTrees.map(s.mu(), updates, (m, g) -> ScaleByAdam.ema(m, g, b2));
    return new Step<>(out, new State(mu));
  }
}
