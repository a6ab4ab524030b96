package dev.diffopt.linalg;

import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorTrees;
import java.util.Objects;
import java.util.function.Function;

/**
 * The (preconditioned) conjugate gradient method of Hestenes and Stiefel ("Methods of Conjugate
 * Gradients for Solving Linear Systems", J. Res. Nat. Bur. Standards 49(6), 1952) for a symmetric
 * positive definite {@code A} (with the ridge, {@code A + ρI}) and a symmetric positive definite
 * preconditioner {@code M ≈ A⁻¹}:
 *
 * <pre>
 *   r₀ = b − A x₀,  z₀ = M r₀,  p₀ = z₀,  γ₀ = ⟨r₀, z₀⟩
 *   repeat until ‖r_k‖ ≤ tol·‖b‖ or k = maxIter:
 *     α_k = γ_k / ⟨p_k, A p_k⟩
 *     x_{k+1} = x_k + α_k p_k,   r_{k+1} = r_k − α_k A p_k
 *     z_{k+1} = M r_{k+1},       γ_{k+1} = ⟨r_{k+1}, z_{k+1}⟩
 *     p_{k+1} = z_{k+1} + (γ_{k+1} / γ_k) p_k
 * </pre>
 *
 * <p>Inner products run over all leaves of the tree. Both quotients are taken as 0 when their
 * denominator is exactly 0, so a system that converges exactly (a one-element system converges in
 * one step, where TorchOpt 0.7.3 returns 0, its issue #222) stays at its solution however many
 * iterations follow. One matvec per iteration; with {@code tol > 0} one host read per iteration,
 * with {@code tol = 0} none (exactly {@code maxIter} iterations). The default {@code maxIter} is 10
 * × the number of unknowns.
 *
 * @param options the common options
 */
public record Cg(SolverOptions options) implements LinearSolver {

  /**
   * Checks the options.
   *
   * @param options the options
   */
  public Cg {
    Objects.requireNonNull(options, "options");
  }

  /**
   * CG with the default options (tol 1e-5, at most 10 iterations per unknown).
   *
   * @return the solver
   */
  public static Cg defaults() {
    return new Cg(SolverOptions.defaults());
  }

  /**
   * CG with the given options.
   *
   * @param options the options
   * @return the solver
   */
  public static Cg of(SolverOptions options) {
    return new Cg(options);
  }

  @Override
  public <T> T solve(Function<T, T> matvec, T b, T init) {
    Systems.dtype(b, "b");
    Function<T, T> a = Systems.operator(matvec, b, options.ridge(), "matvec's result");
    return run(a, Systems.preconditioner(options, b), b, Systems.initialGuess(options, init, b),
        options.tol(), options.maxIterOr(10 * Systems.size(b)));
  }

  /** The iteration state. */
  private record State<T>(T x, T r, T z, T p, Tensor gamma) {}

  /** The CG iteration on a checked operator {@code a} (also {@link NormalCg}'s). */
  static <T> T run(Function<T, T> a, Function<T, T> m, T b, T x0, double tol, int maxIter) {
    try (Iterations loop = new Iterations()) {
      State<T> s = loop.advance(() -> {
        T x = x0 != null ? x0 : TensorTrees.zerosLike(b);
        T r = x0 != null ? Systems.sub(b, a.apply(x0)) : b;
        T z = m != null ? m.apply(r) : r;
        return new State<>(x, r, z, z, Systems.dot(r, z));
      });
      double bound = tol > 0 ? tol * tol * Iterations.read(() -> Systems.dot(b, b)) : 0;
      for (int k = 0; k < maxIter; k++) {
        State<T> c = s;
        if (tol > 0 && Iterations.read(() -> m == null ? c.gamma() : Systems.dot(c.r(), c.r()))
            <= bound) {
          break;
        }
        s = loop.advance(() -> {
          T ap = a.apply(c.p());
          Tensor alpha = Systems.safeDiv(c.gamma(), Systems.dot(c.p(), ap));
          T x = Systems.axpy(c.x(), alpha, c.p());
          T r = Systems.axpy(c.r(), alpha.ops().neg(alpha), ap);
          T z = m != null ? m.apply(r) : r;
          Tensor gamma = Systems.dot(r, z);
          T p = Systems.axpy(z, Systems.safeDiv(gamma, c.gamma()), c.p());
          return new State<>(x, r, z, p, gamma);
        });
      }
      return loop.finish(s.x());
    }
  }
}
