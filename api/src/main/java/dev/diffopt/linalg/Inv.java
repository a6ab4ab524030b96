package dev.diffopt.linalg;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensor.TensorTrees;
import dev.diffopt.tree.Flat;
import dev.diffopt.tree.Trees;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A dense direct solve for small systems (TorchOpt's {@code solve_inv}): {@code A + ρI} is
 * materialized column by column, applying the matvec to the {@code n} unit vectors of the flattened
 * tree ({@code n} = the number of unknowns), and {@code (A + ρI) x = b} is solved on the host in
 * float64 by Gaussian elimination with partial pivoting; the solution is returned in {@code b}'s
 * dtype.
 *
 * <p>It costs {@code n} matvecs, {@code n²} doubles on the host and {@code O(n³)} host arithmetic,
 * so it suits systems of up to a few hundred unknowns. It reads to the host, so it cannot be
 * staged, and its result is a constant (not differentiable through {@code A} or {@code b}).
 * Being direct, it ignores {@code tol}, {@code maxIter}, {@code init} and {@code preconditioner}.
 *
 * @param options the common options (only {@code ridge} is used)
 */
public record Inv(SolverOptions options) implements LinearSolver {

  /**
   * Checks the options.
   *
   * @param options the options
   */
  public Inv {
    Objects.requireNonNull(options, "options");
  }

  /**
   * The dense solve without a ridge.
   *
   * @return the solver
   */
  public static Inv defaults() {
    return new Inv(SolverOptions.defaults());
  }

  /**
   * The dense solve with the given options.
   *
   * @param options the options
   * @return the solver
   */
  public static Inv of(SolverOptions options) {
    return new Inv(options);
  }

  @Override
  @SuppressWarnings("unchecked") // unflattened with b's own structure
  public <T> T solve(Function<T, T> matvec, T b, T init) {
    DType dtype = Systems.dtype(b, "b");
    Function<T, T> a = Systems.operator(matvec, b, options.ridge(), "matvec's result");
    Flat flat = Trees.flatten(b);
    List<Tensor> leaves = TensorTrees.leaves(b);
    TensorOps ops = leaves.get(0).ops();
    int n = Math.toIntExact(Systems.size(b));
    double[][] matrix = new double[n][n];
    for (int j = 0; j < n; j++) {
      try (Scope scope = Scope.open()) {
        T unit = (T) unflatten(ops, flat, leaves, unit(n, j), dtype);
        double[] column = flatten(ops, a.apply(unit));
        for (int i = 0; i < n; i++) {
          matrix[i][j] = column[i];
        }
      }
    }
    double[] x = gaussianElimination(matrix, flatten(ops, b));
    return (T) unflatten(ops, flat, leaves, x, dtype);
  }

  private static double[] unit(int n, int j) {
    double[] e = new double[n];
    e[j] = 1;
    return e;
  }

  /** The leaves of a tree concatenated in row-major order, on the host. */
  private static double[] flatten(TensorOps ops, Object tree) {
    List<double[]> parts = new ArrayList<>();
    int n = 0;
    for (Tensor t : TensorTrees.leaves(tree)) {
      double[] d = ops.toDoubleArray(t);
      parts.add(d);
      n += d.length;
    }
    double[] out = new double[n];
    int at = 0;
    for (double[] d : parts) {
      System.arraycopy(d, 0, out, at, d.length);
      at += d.length;
    }
    return out;
  }

  /** A tree of {@code b}'s structure and leaf shapes holding {@code values}. */
  private static Object unflatten(
      TensorOps ops, Flat flat, List<Tensor> like, double[] values, DType dtype) {
    List<Tensor> out = new ArrayList<>(like.size());
    int at = 0;
    for (Tensor t : like) {
      int size = Math.toIntExact(t.shape().size());
      double[] part = new double[size];
      System.arraycopy(values, at, part, 0, size);
      at += size;
      out.add(ops.fromDoubles(part, t.shape(), dtype));
    }
    return flat.spec().unflatten(out);
  }

  /**
   * Solves {@code m x = rhs} by Gaussian elimination with partial pivoting (row swaps choosing the
   * largest remaining pivot in absolute value); {@code m} and {@code rhs} are overwritten.
   *
   * @throws IllegalArgumentException if a pivot is zero or not finite (a singular system)
   */
  static double[] gaussianElimination(double[][] m, double[] rhs) {
    int n = rhs.length;
    for (int k = 0; k < n; k++) {
      int pivot = k;
      for (int i = k + 1; i < n; i++) {
        if (Math.abs(m[i][k]) > Math.abs(m[pivot][k])) {
          pivot = i;
        }
      }
      if (!(m[pivot][k] != 0) || !Double.isFinite(m[pivot][k])) {
        throw new IllegalArgumentException(
            "Inv: the " + n + "×" + n + " matrix is singular or not finite (pivot " + m[pivot][k]
                + " in column " + k + ")");
      }
      double[] row = m[pivot];
      m[pivot] = m[k];
      m[k] = row;
      double r = rhs[pivot];
      rhs[pivot] = rhs[k];
      rhs[k] = r;
      for (int i = k + 1; i < n; i++) {
        double f = m[i][k] / m[k][k];
        if (f != 0) {
          for (int j = k; j < n; j++) {
            m[i][j] -= f * m[k][j];
          }
          rhs[i] -= f * rhs[k];
        }
      }
    }
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double s = rhs[i];
      for (int j = i + 1; j < n; j++) {
        s -= m[i][j] * x[j];
      }
      x[i] = s / m[i][i];
    }
    return x;
  }
}
