package dev.diffopt.transform;

import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensor.TensorTrees;

/**
 * Adadelta's unit-corrected step (Zeiler, "ADADELTA: An Adaptive Learning Rate Method",
 * arXiv:1212.5701, 2012), as {@code torch.optim.Adadelta} computes it:
 *
 * <pre>
 *   v ← ρ·v + (1 − ρ)·g²
 *   δ = sqrt(a + ε) / sqrt(v + ε) · g
 *   a ← ρ·a + (1 − ρ)·δ²
 *   u = δ
 * </pre>
 *
 * <p>v (the running mean of squared gradients) and a (the running mean of squared steps) start at
 * zero; δ uses the accumulator a of the <em>previous</em> step. torch multiplies δ by its learning
 * rate (default 1); chain {@link ScaleByLearningRate} after this transform for that.
 *
 * @param rho ρ, the decay of both running means, in [0, 1)
 * @param eps ε, added inside both roots; finite and {@code >= 0}
 */
public record ScaleByAdadelta(double rho, double eps) implements GradientTransformation {

  /**
   * The state of {@link ScaleByAdadelta}.
   *
   * @param squareAvg the running mean of squared updates v, a tree like the params
   * @param accDelta the running mean of squared steps a, a tree like the params
   */
  public record State(Object squareAvg, Object accDelta) {}

  /**
   * Validates the hyper-parameters.
   *
   * @param rho ρ
   * @param eps ε
   */
  public ScaleByAdadelta {
    Check.unitInterval("rho", rho);
    Check.nonNegative("eps", eps);
  }

  @Override
  public Object init(Object params) {
    return new State(TensorTrees.zerosLike(params), TensorTrees.zerosLike(params));
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    State s = States.expect(state, State.class, this);
    Object squareAvg = TensorTrees.map(
        s.squareAvg(), updates, (v, g) -> ScaleByAdam.ema(v, g.ops().square(g), rho));
    T delta = TensorTrees.map(updates, squareAvg, s.accDelta(), (g, v, a) -> {
      TensorOps ops = g.ops();
      Tensor ratio = ops.div(ops.sqrt(ops.add(a, eps)), ops.sqrt(ops.add(v, eps)));
      return ops.mul(ratio, g);
    });
    Object accDelta =
        TensorTrees.map(s.accDelta(), delta, (a, d) -> ScaleByAdam.ema(a, d.ops().square(d), rho));
    return new Step<>(delta, new State(squareAvg, accDelta));
  }
}
