package dev.diffopt.examples;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The MLP of MAML's sinusoid experiment: 1-40-40-1 with ReLU, float32, parameters {@code [W1, b1,
 * W2, b2, W3, b3]} with {@code W} of shape {@code in × out}, as a function of a parameter list (so
 * that it can be differentiated and staged).
 */
public final class Mlp {
  /** The layer sizes. */
  public static final int[] LAYERS = {1, 40, 40, 1};

  private Mlp() {}

  /**
   * Initial parameters as doubles: weights from a seeded normal scaled by {@code 1/sqrt(in)},
   * biases from a normal scaled by 0.1. The same doubles give the same float32 parameters on every
   * backend.
   *
   * @param seed the seed
   * @return per parameter its values (row-major)
   */
  public static List<double[]> initialParams(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<double[]> params = new ArrayList<>();
    for (int l = 0; l + 1 < LAYERS.length; l++) {
      double[] w = new double[LAYERS[l] * LAYERS[l + 1]];
      double scale = 1 / Math.sqrt(LAYERS[l]);
      for (int i = 0; i < w.length; i++) {
        w[i] = random.nextGaussian() * scale;
      }
      double[] b = new double[LAYERS[l + 1]];
      for (int i = 0; i < b.length; i++) {
        b[i] = random.nextGaussian() * 0.1;
      }
      params.add(w);
      params.add(b);
    }
    return params;
  }

  /**
   * The shape of parameter {@code i}.
   *
   * @param i an index into {@code [W1, b1, W2, b2, W3, b3]}
   * @return {@code in × out} for a weight, {@code out} for a bias
   */
  public static Shape paramShape(int i) {
    int l = i / 2;
    return i % 2 == 0 ? Shape.of(LAYERS[l], LAYERS[l + 1]) : Shape.of(LAYERS[l + 1]);
  }

  /**
   * Float32 parameter tensors of the given doubles.
   *
   * @param ops the backend's operations
   * @param values from {@link #initialParams}
   * @return the parameters
   */
  public static List<Tensor> tensors(TensorOps ops, List<double[]> values) {
    List<Tensor> out = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      out.add(ops.fromDoubles(values.get(i), paramShape(i), DType.FLOAT32));
    }
    return out;
  }

  /**
   * A float32 column {@code n × 1} of the given values.
   *
   * @param ops the backend's operations
   * @param values the values
   * @return the column
   */
  public static Tensor column(TensorOps ops, double[] values) {
    return ops.fromDoubles(values, Shape.of(values.length, 1), DType.FLOAT32);
  }

  /**
   * The network: {@code h @ W + b} per layer, ReLU on every layer but the last.
   *
   * @param ops the backend's operations
   * @param params {@code [W1, b1, ...]}
   * @param x inputs, {@code n × 1}
   * @return outputs, {@code n × 1}
   */
  public static Tensor forward(TensorOps ops, List<Tensor> params, Tensor x) {
    Tensor h = x;
    for (int l = 0; l < params.size(); l += 2) {
      h = ops.add(ops.matmul(h, params.get(l)), params.get(l + 1));
      if (l + 2 < params.size()) {
        h = ops.relu(h);
      }
    }
    return h;
  }

  /**
   * The mean squared error over all elements.
   *
   * @param ops the backend's operations
   * @param prediction the prediction
   * @param target the target
   * @return a scalar
   */
  public static Tensor mse(TensorOps ops, Tensor prediction, Tensor target) {
    return ops.mean(ops.square(ops.sub(prediction, target)));
  }

  /**
   * The mean squared error of the network on {@code (x, y)}.
   *
   * @param ops the backend's operations
   * @param params the parameters
   * @param x inputs
   * @param y targets
   * @return a scalar
   */
  public static Tensor loss(TensorOps ops, List<Tensor> params, Tensor x, Tensor y) {
    return mse(ops, forward(ops, params, x), y);
  }
}
