package dev.diffopt.conformance;

import dev.diffopt.meta.MetaOptimizer;
import dev.diffopt.meta.MetaSGD;
import dev.diffopt.spi.Backend;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A multilayer perceptron written with {@link TensorOps} only, the model of the kit's gradient
 * cases and of the golden meta cases: parameters are a list {@code [W1, b1, W2, b2, ...]} with
 * {@code W} of shape {@code in × out}; a layer computes {@code h @ W + b}, then the activation on
 * every layer but the last.
 */
public final class Mlp {
  private Mlp() {}

  /** Parameters for the given layer sizes, drawn from a seeded normal scaled by 1/sqrt(in). */
  public static List<Tensor> init(TensorOps ops, DType dtype, long seed, int... sizes) {
    List<Tensor> params = new ArrayList<>();
    for (int l = 0; l + 1 < sizes.length; l++) {
      Tensor w = ops.randomNormal(Shape.of(sizes[l], sizes[l + 1]), dtype, seed + 2L * l);
      params.add(ops.mul(w, 1.0 / Math.sqrt(sizes[l])));
      params.add(ops.mul(ops.randomNormal(Shape.of(sizes[l + 1]), dtype, seed + 2L * l + 1), 0.1));
    }
    return params;
  }

  /** The network's output for inputs {@code x} of shape {@code batch × in}. */
  public static Tensor forward(
      TensorOps ops, List<Tensor> params, Tensor x, UnaryOperator<Tensor> activation) {
    Tensor h = x;
    for (int l = 0; l < params.size(); l += 2) {
      h = ops.add(ops.matmul(h, params.get(l)), params.get(l + 1));
      if (l + 2 < params.size()) {
        h = activation.apply(h);
      }
    }
    return h;
  }

  /** Mean squared error over all elements. */
  public static Tensor mse(TensorOps ops, Tensor prediction, Tensor target) {
    return ops.mean(ops.square(ops.sub(prediction, target)));
  }

  /** Mean over rows of {@code −Σ y · logSoftmax(logits)} with one-hot (float) targets. */
  public static Tensor crossEntropy(TensorOps ops, Tensor logits, Tensor oneHot) {
    Tensor perRow = ops.sum(ops.mul(oneHot, ops.logSoftmax(logits, -1)), new int[] {-1}, false);
    return ops.neg(ops.mean(perRow));
  }

  /**
   * A one-step MAML meta-gradient as a function of the meta-parameters θ: the gradient of the
   * query MSE after one differentiable {@link MetaSGD} step (tanh MLP) on the support set.
   *
   * @param backend a backend with higher-order autodiff
   * @param xs support inputs
   * @param ys support targets
   * @param xq query inputs
   * @param yq query targets
   * @param lr the inner learning rate
   * @return {@code θ ↦ d L_Q(θ − lr·∇L_S(θ)) / dθ}
   */
  public static Function<List<Tensor>, List<Tensor>> metaGradient(Backend backend, Tensor xs,
      Tensor ys, Tensor xq, Tensor yq, double lr) {
    TensorOps ops = backend.ops();
    return theta -> backend.autodiff().grad(p -> {
      MetaOptimizer<List<Tensor>> inner = MetaSGD.of(backend, p, lr);
      inner.step(q -> mse(ops, forward(ops, q, xs, ops::tanh), ys));
      return mse(ops, forward(ops, inner.params(), xq, ops::tanh), yq);
    }, theta);
  }
}
