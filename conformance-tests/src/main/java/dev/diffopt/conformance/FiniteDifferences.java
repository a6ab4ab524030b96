package dev.diffopt.conformance;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tree.Flat;
import dev.diffopt.tree.Trees;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Assertions;

/**
 * Central finite differences in float64, the oracle for every gradient the kit checks:
 * {@code ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h}, error O(h²) plus rounding O(ε/h).
 */
public final class FiniteDifferences {
  /** The step: balances truncation (h²) against rounding (1e-16/h) for well-scaled functions. */
  public static final double STEP = 1e-6;

  private FiniteDifferences() {}

  /**
   * The numerical gradient of a scalar function of a tree of float64 tensors, as one double array
   * per leaf (in leaf order).
   */
  public static <P> List<double[]> gradient(TensorOps ops, Function<P, Tensor> f, P params) {
    Flat flat = Trees.flatten(params);
    List<double[]> values = new ArrayList<>();
    for (Object leaf : flat.leaves()) {
      values.add(ops.toDoubleArray((Tensor) leaf));
    }
    List<double[]> grads = new ArrayList<>();
    for (int leaf = 0; leaf < values.size(); leaf++) {
      double[] g = new double[values.get(leaf).length];
      for (int i = 0; i < g.length; i++) {
        double saved = values.get(leaf)[i];
        values.get(leaf)[i] = saved + STEP;
        double plus = evaluate(ops, f, flat, values);
        values.get(leaf)[i] = saved - STEP;
        double minus = evaluate(ops, f, flat, values);
        values.get(leaf)[i] = saved;
        g[i] = (plus - minus) / (2 * STEP);
      }
      grads.add(g);
    }
    return grads;
  }

  /**
   * The numerical directional derivative {@code (F(x + h v) − F(x − h v)) / 2h} of a tree-valued
   * function, one double array per output leaf; used for Hessian-vector products.
   */
  public static <P> List<double[]> directional(
      TensorOps ops, Function<P, Object> f, P params, P direction) {
    Flat flat = Trees.flatten(params);
    List<Object> dir = Trees.leaves(direction);
    List<double[]> plus = new ArrayList<>();
    List<double[]> minus = new ArrayList<>();
    for (int sign = -1; sign <= 1; sign += 2) {
      List<double[]> shifted = new ArrayList<>();
      for (int leaf = 0; leaf < flat.leaves().size(); leaf++) {
        double[] x = ops.toDoubleArray((Tensor) flat.leaves().get(leaf));
        double[] v = ops.toDoubleArray((Tensor) dir.get(leaf));
        for (int i = 0; i < x.length; i++) {
          x[i] += sign * STEP * v[i];
        }
        shifted.add(x);
      }
      @SuppressWarnings("unchecked")
      P p = (P) flat.spec().unflatten(tensors(ops, flat, shifted));
      for (Object out : Trees.leaves(f.apply(p))) {
        (sign < 0 ? minus : plus).add(ops.toDoubleArray((Tensor) out));
      }
    }
    List<double[]> result = new ArrayList<>();
    for (int k = 0; k < plus.size(); k++) {
      double[] d = new double[plus.get(k).length];
      for (int i = 0; i < d.length; i++) {
        d[i] = (plus.get(k)[i] - minus.get(k)[i]) / (2 * STEP);
      }
      result.add(d);
    }
    return result;
  }

  private static <P> double evaluate(
      TensorOps ops, Function<P, Tensor> f, Flat flat, List<double[]> values) {
    @SuppressWarnings("unchecked")
    P p = (P) flat.spec().unflatten(tensors(ops, flat, values));
    return f.apply(p).item();
  }

  private static List<Object> tensors(TensorOps ops, Flat flat, List<double[]> values) {
    List<Object> leaves = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      Tensor like = (Tensor) flat.leaves().get(i);
      leaves.add(ops.fromDoubles(values.get(i), like.shape(), DType.FLOAT64));
    }
    return leaves;
  }

  /**
   * Asserts that every leaf of {@code actual} (a tree of tensors) matches {@code expected}
   * element-wise: {@code |a − e| ≤ atol + rtol·|e|}; the message names the leaf and index.
   */
  public static void assertClose(
      TensorOps ops, Object actual, List<double[]> expected, double rtol, double atol, String what) {
    List<Object> leaves = Trees.leaves(actual);
    Assertions.assertEquals(expected.size(), leaves.size(), what + ": number of leaves");
    for (int leaf = 0; leaf < leaves.size(); leaf++) {
      double[] a = ops.toDoubleArray((Tensor) leaves.get(leaf));
      double[] e = expected.get(leaf);
      Assertions.assertEquals(e.length, a.length, what + ": size of leaf " + leaf);
      for (int i = 0; i < a.length; i++) {
        double tol = atol + rtol * Math.abs(e[i]);
        if (!(Math.abs(a[i] - e[i]) <= tol)) {
          Assertions.fail(
              what + ": leaf " + leaf + " element " + i + " is " + a[i] + ", expected " + e[i]
                  + " (|diff| " + Math.abs(a[i] - e[i]) + " > tolerance " + tol + ")");
        }
      }
    }
  }
}
