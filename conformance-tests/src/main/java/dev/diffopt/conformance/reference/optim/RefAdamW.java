package dev.diffopt.conformance.reference.optim;

import java.util.List;

/**
 * {@code torch.optim.AdamW} (PyTorch 1.13) in float64, written from its documented algorithm, with
 * AMSGrad, maximize, decoupled weight decay and TorchOpt's {@code eps_root} (inside the root; 0
 * gives torch.optim exactly):
 *
 * <pre>
 *   g ← −g if maximize;  p ← p·(1 − ηλ)
 *   m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  v̂max ← max(v̂max, v) (amsgrad)
 *   p ← p − η/(1 − β₁ᵗ) · m / (sqrt(v' / (1 − β₂ᵗ) + ε_root) + ε),  v' = v̂max or v
 * </pre>
 *
 * <p>Written as what AdamW is: the decoupled decay, then {@link RefAdam} without weight decay.
 */
public final class RefAdamW implements RefOptimizer {
  private final double decay;
  private final RefAdam adam;

  /**
   * A reference AdamW (decoupled weight decay).
   *
   * @param lr η
   * @param b1 β₁
   * @param b2 β₂
   * @param eps ε
   * @param epsRoot ε_root (0 for torch.optim)
   * @param weightDecay λ, decoupled: multiplies the parameters by 1 − ηλ before the Adam step
   * @param amsgrad AMSGrad
   * @param maximize maximize instead of minimize
   */
  public RefAdamW(
      double lr,
      double b1,
      double b2,
      double eps,
      double epsRoot,
      double weightDecay,
      boolean amsgrad,
      boolean maximize) {
    this.decay = 1 - lr * weightDecay;
    this.adam = new RefAdam(lr, b1, b2, eps, epsRoot, 0, amsgrad, maximize);
  }

  @Override
  public void step(List<double[]> params, List<double[]> grads) {
    for (double[] p : params) {
      for (int i = 0; i < p.length; i++) {
        p[i] = p[i] * decay;
      }
    }
    adam.step(params, grads);
  }
}
