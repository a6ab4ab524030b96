package dev.diffopt.transform;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensor.TensorTrees;
import dev.diffopt.tree.Trees;

/**
 * Rescales updates by Nesterov-accelerated Adam (Dozat, "Incorporating Nesterov Momentum into
 * Adam", ICLR 2016 workshop), as {@code torch.optim.NAdam} computes it, with a momentum schedule
 * μ_t and the upstream fix of PyTorch 1.13's {@code mu_product_next} (which multiplied μ_t in
 * twice):
 *
 * <pre>
 *   t  ← t + 1
 *   μ_t     = β₁·(1 − ½·0.96^(t·ψ))
 *   μ_{t+1} = β₁·(1 − ½·0.96^((t+1)·ψ))
 *   Π  ← Π·μ_t                                  (Π = ∏_{i≤t} μ_i, starts at 1)
 *   m  ← β₁·m + (1 − β₁)·g
 *   v  ← β₂·v + (1 − β₂)·g²
 *   d  = sqrt(v / (1 − β₂ᵗ)) + ε
 *   u  = (1 − μ_t)/(1 − Π) · g/d  +  μ_{t+1}/(1 − Π·μ_{t+1}) · m/d
 * </pre>
 *
 * <p>ψ is the momentum decay. The product Π lives in the state as a 0-d tensor (in the widest
 * floating dtype among the parameters, cast to each leaf's dtype where it is used), next to the
 * step count, so the update is a pure tensor function of its inputs.
 *
 * @param b1 β₁, the first-moment decay, in [0, 1)
 * @param b2 β₂, the second-moment decay, in [0, 1)
 * @param eps ε, added to the root, finite and {@code >= 0}
 * @param momentumDecay ψ, finite and {@code >= 0}
 */
public record ScaleByNadam(double b1, double b2, double eps, double momentumDecay)
    implements GradientTransformation {

  /**
   * The state of {@link ScaleByNadam}.
   *
   * @param mu the first moments m, a tree like the params
   * @param nu the second moments v, a tree like the params
   * @param muProduct Π = ∏_{i≤t} μ_i, a 0-d floating tensor (1 before the first step; {@code null}
   *     for a tree without leaves)
   * @param count the step t, a 0-d INT64 tensor ({@code null} for a tree without leaves)
   */
  public record State(Object mu, Object nu, Tensor muProduct, Tensor count) {}

  /**
   * Validates the hyper-parameters.
   *
   * @param b1 β₁
   * @param b2 β₂
   * @param eps ε
   * @param momentumDecay ψ
   */
  public ScaleByNadam {
    Check.unitInterval("b1", b1);
    Check.unitInterval("b2", b2);
    Check.nonNegative("eps", eps);
    Check.nonNegative("momentumDecay", momentumDecay);
  }

  @Override
  public Object init(Object params) {
    Tensor muProduct = null;
    DType widest = null;
    for (Object leaf : Trees.leaves(params)) {
      if (leaf instanceof Tensor t && t.dtype().isFloating()
          && (widest == null || t.dtype().byteSize() > widest.byteSize())) {
        widest = t.dtype();
        muProduct = t;
      }
    }
    if (muProduct != null) {
      muProduct = muProduct.ops().full(Shape.scalar(), 1.0, widest);
    }
    return new State(
        TensorTrees.zerosLike(params),
        TensorTrees.zerosLike(params),
        muProduct,
        Counters.zero(params));
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    State s = States.expect(state, State.class, this);
    Tensor count = Counters.increment(s.count());
    Tensor muProduct = s.muProduct();
    Tensor mu = null;
    Tensor muNext = null;
    Tensor muProductNext = null;
    if (count != null && muProduct != null) {
      TensorOps ops = count.ops();
      DType dtype = muProduct.dtype();
      Tensor t = Counters.asFloat(count, dtype);
      mu = momentum(ops, t, dtype);
      muNext = momentum(ops, ops.add(t, 1.0), dtype);
      muProduct = ops.mul(muProduct, mu);
      muProductNext = ops.mul(muProduct, muNext);
    }
    Object m = TensorTrees.map(s.mu(), updates, (a, g) -> ScaleByAdam.ema(a, g, b1));
    Object v =
        TensorTrees.map(s.nu(), updates, (a, g) -> ScaleByAdam.ema(a, g.ops().square(g), b2));
    Tensor muT = mu;
    Tensor muN = muNext;
    Tensor prod = muProduct;
    Tensor prodNext = muProductNext;
    var correction2 = Counters.biasCorrections(b2, count);
    T out = TensorTrees.map(updates, m, v, (g, mi, vi) -> {
      TensorOps ops = g.ops();
      DType dtype = g.dtype();
      Tensor one = ops.scalar(1.0, dtype);
      Tensor c2 = correction2.apply(dtype);
      Tensor denom = ops.add(ops.sqrt(ops.div(vi, c2)), eps);
      Tensor gradCoef = ops.div(ops.sub(one, cast(muT, dtype)), ops.sub(one, cast(prod, dtype)));
      Tensor momCoef = ops.div(cast(muN, dtype), ops.sub(one, cast(prodNext, dtype)));
      return ops.div(ops.add(ops.mul(g, gradCoef), ops.mul(mi, momCoef)), denom);
    });
    return new Step<>(out, new State(m, v, muProduct, count));
  }

  /** μ at step {@code t}: β₁·(1 − ½·0.96^(t·ψ)). */
  private Tensor momentum(TensorOps ops, Tensor t, DType dtype) {
    Tensor decay = ops.pow(ops.scalar(0.96, dtype), ops.mul(t, momentumDecay));
    return ops.mul(ops.sub(ops.scalar(1.0, dtype), ops.mul(decay, 0.5)), b1);
  }

  private static Tensor cast(Tensor x, DType dtype) {
    return x.dtype() == dtype ? x : x.ops().cast(x, dtype);
  }
}
