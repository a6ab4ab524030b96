package dev.diffopt.linalg;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tensor.TensorTrees;
import dev.diffopt.tree.TreeSpec;
import dev.diffopt.tree.Trees;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/** Tree arithmetic and argument checks shared by the solvers. */
final class Systems {
  private Systems() {}

  /**
   * The one floating-point dtype of every leaf of {@code tree}.
   *
   * @throws IllegalArgumentException if it has no leaves, a leaf is not a tensor, or the dtypes
   *     differ or are not floating-point
   */
  static DType dtype(Object tree, String what) {
    List<Tensor> leaves = TensorTrees.leaves(tree);
    if (leaves.isEmpty()) {
      throw new IllegalArgumentException(what + " has no tensor leaves: " + Trees.structure(tree));
    }
    DType dtype = leaves.get(0).dtype();
    for (Tensor t : leaves) {
      if (t.dtype() != dtype) {
        throw new IllegalArgumentException(
            what + " must have one dtype in every leaf, found " + dtype + " and " + t.dtype());
      }
    }
    if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64) {
      throw new IllegalArgumentException(what + " must be floating-point, got " + dtype);
    }
    return dtype;
  }

  /** The number of unknowns: the total size of the leaves. */
  static long size(Object tree) {
    long n = 0;
    for (Tensor t : TensorTrees.leaves(tree)) {
      n += t.shape().size();
    }
    return n;
  }

  /**
   * Checks that {@code actual} matches {@code like} in structure, leaf shapes and dtypes.
   *
   * @throws IllegalArgumentException naming {@code what} and the first difference
   */
  static <T> T requireLike(T actual, Object like, String what) {
    if (actual == null) {
      throw new IllegalArgumentException(what + " is null");
    }
    TreeSpec expected = Trees.structure(like);
    TreeSpec got = Trees.structure(actual);
    if (!expected.equals(got)) {
      throw new IllegalArgumentException(
          what + " must have the structure of b, " + expected + ", got " + got);
    }
    List<Tensor> a = TensorTrees.leaves(actual);
    List<Tensor> e = TensorTrees.leaves(like);
    for (int i = 0; i < e.size(); i++) {
      if (!a.get(i).shape().equals(e.get(i).shape()) || a.get(i).dtype() != e.get(i).dtype()) {
        throw new IllegalArgumentException(
            what + " must match b leaf by leaf: at " + expected.paths().get(i) + " expected "
                + e.get(i).dtype() + e.get(i).shape() + ", got " + a.get(i).dtype()
                + a.get(i).shape());
      }
    }
    return actual;
  }

  /** {@code v ↦ matvec(v) + ridge·v}, each result checked against {@code b}. */
  static <T> Function<T, T> operator(Function<T, T> matvec, T b, double ridge, String what) {
    Objects.requireNonNull(matvec, "matvec");
    return v -> {
      T av = requireLike(matvec.apply(v), b, what);
      return ridge == 0 ? av : axpy(av, ridge, v);
    };
  }

  /** The options' preconditioner typed for {@code b}'s trees, checked, or {@code null}. */
  @SuppressWarnings("unchecked") // the options document M as a map of trees like b
  static <T> Function<T, T> preconditioner(SolverOptions options, T b) {
    Function<Object, Object> m = options.preconditioner();
    return m == null ? null : v -> requireLike((T) m.apply(v), b, "the preconditioner's result");
  }

  /** The explicit initial guess, else the options', checked against {@code b}, or {@code null}. */
  @SuppressWarnings("unchecked") // checked leaf by leaf against b
  static <T> T initialGuess(SolverOptions options, T init, T b) {
    Object guess = init != null ? init : options.init();
    return guess == null ? null : requireLike((T) guess, b, "init");
  }

  /** {@code Σ_leaves ⟨a, b⟩}, a 0-d tensor. */
  static Tensor dot(Object a, Object b) {
    List<Tensor> x = TensorTrees.leaves(a);
    List<Tensor> y = TensorTrees.leaves(b);
    TensorOps ops = x.get(0).ops();
    Tensor total = ops.vdot(x.get(0), y.get(0));
    for (int i = 1; i < x.size(); i++) {
      total = ops.add(total, ops.vdot(x.get(i), y.get(i)));
    }
    return total;
  }

  /** {@code y + α·x} leaf by leaf, {@code α} a 0-d tensor. */
  static <T> T axpy(T y, Tensor alpha, Object x) {
    return TensorTrees.map(y, x, (yi, xi) -> yi.ops().add(yi, yi.ops().mul(xi, alpha)));
  }

  /** {@code y + c·x} leaf by leaf. */
  static <T> T axpy(T y, double c, Object x) {
    return TensorTrees.addScaled(y, x, c);
  }

  /** {@code y − x} leaf by leaf. */
  static <T> T sub(T y, Object x) {
    return TensorTrees.map(y, x, (yi, xi) -> yi.ops().sub(yi, xi));
  }

  /** {@code c·x} leaf by leaf, {@code c} a 0-d tensor. */
  static <T> T scale(T x, Tensor c) {
    return TensorTrees.map(x, xi -> xi.ops().mul(xi, c));
  }

  /**
   * {@code num / den}, and 0 where {@code den == 0}: a converged iteration (zero residual) stays
   * put instead of producing 0/0, without a host read and with finite gradients.
   */
  static Tensor safeDiv(Tensor num, Tensor den) {
    TensorOps ops = num.ops();
    Tensor zero = ops.zerosLike(den);
    Tensor isZero = ops.eq(den, zero);
    Tensor safe = ops.where(isZero, ops.onesLike(den), den);
    return ops.where(isZero, zero, ops.div(num, safe));
  }
}
