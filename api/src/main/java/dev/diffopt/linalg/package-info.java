/**
 * Linear solvers over pytrees: {@code A x = b} where {@code A} is given only as a matrix-vector
 * product {@code matvec: T → T} over a tree {@code T} of tensors (the shape of the unknowns) and
 * {@code b} is a tree of the same structure, as TorchOpt's {@code torchopt.linear_solve} and JAX's
 * {@code jax.scipy.sparse.linalg} do.
 *
 * <ul>
 *   <li>{@link dev.diffopt.linalg.Cg} — conjugate gradient (Hestenes and Stiefel, 1952) for a
 *       symmetric positive definite {@code A}, optionally preconditioned;
 *   <li>{@link dev.diffopt.linalg.NormalCg} — CG on the normal equations {@code AᵀA x = Aᵀb} for
 *       any nonsingular {@code A}, with {@code Aᵀ} given or computed by a vector-Jacobian product;
 *   <li>{@link dev.diffopt.linalg.Neumann} — the truncated Neumann series {@code α Σ (I − αA)ᵏ b};
 *   <li>{@link dev.diffopt.linalg.Inv} — a dense direct solve for small systems.
 * </ul>
 *
 * <p>The common options ({@code ridge}, {@code init}, {@code tol}, {@code maxIter}, {@code
 * preconditioner}) are a {@link dev.diffopt.linalg.SolverOptions}. The iterative solvers compute
 * with {@link dev.diffopt.tensor.TensorOps} only and run every iteration in its own {@link
 * dev.diffopt.tensor.Scope}, so memory stays flat however many iterations run. A tolerance check
 * reads one number to the host per iteration; with {@code tol = 0} a solver runs exactly {@code
 * maxIter} iterations without any host read, so it can be staged (traced into a graph) and
 * differentiated through. The main client is {@link dev.diffopt.implicit implicit
 * differentiation}.
 */
package dev.diffopt.linalg;
