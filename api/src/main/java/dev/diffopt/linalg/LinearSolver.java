package dev.diffopt.linalg;

import java.util.function.Function;

/**
 * Solves {@code A x = b} for {@code x}, where {@code A} is a linear operator given as its
 * matrix-vector product over trees of tensors.
 *
 * <p>{@code matvec} maps a tree shaped like {@code b} (same structure, leaf shapes and dtype) to a
 * tree of the same kind and must be linear; the solution has the structure of {@code b}. Every leaf
 * must have the same floating-point dtype. A solver never modifies its arguments; the solution's
 * tensors belong to the caller's current {@link dev.diffopt.tensor.Scope}.
 */
public interface LinearSolver {

  /**
   * The solution of {@code A x = b}, starting from the options' initial guess (zeros when none).
   *
   * @param matvec {@code v ↦ A v}
   * @param b the right-hand side
   * @param <T> the tree type
   * @return {@code x} with the structure of {@code b}
   * @throws IllegalArgumentException if {@code b} is not a tree of floating-point tensors of one
   *     dtype, or {@code matvec} returns a tree of another structure, shape or dtype
   */
  default <T> T solve(Function<T, T> matvec, T b) {
    return solve(matvec, b, null);
  }

  /**
   * The solution of {@code A x = b} starting from {@code init}.
   *
   * @param matvec {@code v ↦ A v}
   * @param b the right-hand side
   * @param init the initial guess, a tree like {@code b}; {@code null} for the options' guess
   *     (zeros when none)
   * @param <T> the tree type
   * @return {@code x} with the structure of {@code b}
   * @throws IllegalArgumentException as {@link #solve(Function, Object)}, or if {@code init} does
   *     not match {@code b}
   */
  <T> T solve(Function<T, T> matvec, T b, T init);

  /**
   * The common options of this solver.
   *
   * @return the options
   */
  SolverOptions options();
}
