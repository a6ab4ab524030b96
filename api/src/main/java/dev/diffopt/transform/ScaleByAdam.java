package dev.diffopt.transform;

import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensor.TensorTrees;

/**
 * Rescales updates by Adam's bias-corrected moment estimates (Kingma and Ba, "Adam: A Method for
 * Stochastic Optimization", ICLR 2015), with TorchOpt's {@code eps_root} and, optionally, the
 * AMSGrad maximum (Reddi, Kale and Kumar, "On the Convergence of Adam and Beyond", ICLR 2018):
 *
 * <pre>
 *   t  ← t + 1
 *   m  ← β₁ m + (1 − β₁) g
 *   v  ← β₂ v + (1 − β₂) g²
 *   v̂max ← max(v̂max, v)                         (amsgrad only; v̂ below uses v̂max)
 *   u  = (m / (1 − β₁ᵗ)) / (sqrt(v / (1 − β₂ᵗ) + ε_root) + ε)
 * </pre>
 *
 * <p>The bias corrections are computed in the parameters' dtype. The moments start at zero and are
 * part of the state, so a meta-gradient with respect to them is taken by differentiating with
 * respect to the state tree (TorchOpt's {@code moment_requires_grad} flag has no counterpart: the
 * functional autodiff of diffopt needs none).
 *
 * @param b1 β₁, the first-moment decay, in [0, 1)
 * @param b2 β₂, the second-moment decay, in [0, 1)
 * @param eps ε, added to the root, {@code >= 0}
 * @param epsRoot ε_root, added inside the root, {@code >= 0}
 * @param amsgrad whether to use the running maximum of the second moment
 */
public record ScaleByAdam(double b1, double b2, double eps, double epsRoot, boolean amsgrad)
    implements GradientTransformation {

  /**
   * Adam's state.
   *
   * @param mu the first moments m (a tree like the params)
   * @param nu the second moments v
   * @param nuMax the running maximum of v ({@code null} without amsgrad)
   * @param count the step t, a 0-d INT64 tensor
   */
  public record State(Object mu, Object nu, Object nuMax, Tensor count) {}

  /**
   * Validates the hyper-parameters.
   *
   * @param b1 β₁
   * @param b2 β₂
   * @param eps ε
   * @param epsRoot ε_root
   * @param amsgrad amsgrad
   */
  public ScaleByAdam {
    Check.unitInterval("b1", b1);
    Check.unitInterval("b2", b2);
    Check.nonNegative("eps", eps);
    Check.nonNegative("epsRoot", epsRoot);
  }

  @Override
  public Object init(Object params) {
    return new State(
        TensorTrees.zerosLike(params),
        TensorTrees.zerosLike(params),
        amsgrad ? TensorTrees.zerosLike(params) : null,
        Counters.zero(params));
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    State s = States.expect(state, State.class, this);
    Tensor count = Counters.increment(s.count());
    Object mu = TensorTrees.map(s.mu(), updates, (m, g) -> ema(m, g, b1));
    Object nu = TensorTrees.map(s.nu(), updates, (v, g) -> ema(v, g.ops().square(g), b2));
    Object nuMax = amsgrad ? TensorTrees.map(s.nuMax(), nu, (a, b) -> a.ops().maximum(a, b)) : null;
    Object second = amsgrad ? nuMax : nu;
    var correction1 = Counters.biasCorrections(b1, count);
    var correction2 = Counters.biasCorrections(b2, count);
    T out = TensorTrees.map(updates, mu, second, (g, m, v) -> {
      TensorOps ops = g.ops();
      Tensor mHat = ops.div(m, correction1.apply(g.dtype()));
      Tensor vHat = ops.div(v, correction2.apply(g.dtype()));
      Tensor root = ops.sqrt(epsRoot == 0 ? vHat : ops.add(vHat, epsRoot));
      return ops.div(mHat, ops.add(root, eps));
    });
    return new Step<>(out, new State(mu, nu, nuMax, count));
  }

  /** {@code decay·a + (1 − decay)·b}. */
  static Tensor ema(Tensor a, Tensor b, double decay) {
    TensorOps ops = a.ops();
    return ops.add(ops.mul(a, decay), ops.mul(b, 1 - decay));
  }
}
