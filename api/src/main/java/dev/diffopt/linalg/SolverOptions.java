package dev.diffopt.linalg;

import dev.diffopt.transform.Check;
import java.util.function.Function;

/**
 * The options every {@link LinearSolver} shares, validated on construction.
 *
 * <ul>
 *   <li>{@code ridge} ρ: solve {@code (A + ρI) x = b} instead (Tikhonov regularization; for {@link
 *       NormalCg}, {@code (AᵀA + ρI) x = Aᵀb}, as TorchOpt does);
 *   <li>{@code init}: the initial guess, a tree like {@code b} ({@code null}: zeros);
 *   <li>{@code tol}: the iterative solvers stop once the residual satisfies {@code ‖b − A x‖ ≤
 *       tol·‖b‖}, checked before every iteration with one host read ({@code item()}); {@code tol =
 *       0} runs exactly {@code maxIter} iterations without host reads, so the solve can be staged
 *       and differentiated through;
 *   <li>{@code maxIter}: the iteration limit; {@code 0} means the solver's default ({@link Cg} and
 *       {@link NormalCg}: 10 × the number of unknowns, as JAX and TorchOpt; {@link Neumann}: 10
 *       terms after the first);
 *   <li>{@code preconditioner} M: a linear map approximating {@code A⁻¹} ({@code null}: none),
 *       applied to residuals; it must be symmetric positive definite for CG.
 * </ul>
 *
 * <p>{@link Inv} is direct: it ignores {@code tol} and {@code maxIter}.
 *
 * @param ridge ρ, finite and {@code >= 0}
 * @param init the initial guess, or {@code null}
 * @param tol the relative residual tolerance, finite and {@code >= 0}
 * @param maxIter the iteration limit, {@code >= 0} (0: the solver's default)
 * @param preconditioner M ≈ A⁻¹ over trees like {@code b}, or {@code null}
 */
public record SolverOptions(
    double ridge, Object init, double tol, int maxIter, Function<Object, Object> preconditioner) {

  /** The default ridge ρ: 0. */
  public static final double DEFAULT_RIDGE = 0.0;

  /** The default relative tolerance: 1e-5, TorchOpt's and JAX's. */
  public static final double DEFAULT_TOL = 1e-5;

  /** The default iteration limit: 0, the solver's own default. */
  public static final int DEFAULT_MAX_ITER = 0;

  /**
   * Validates every value.
   *
   * @param ridge ρ
   * @param init the initial guess
   * @param tol the tolerance
   * @param maxIter the iteration limit
   * @param preconditioner M
   */
  public SolverOptions {
    Check.nonNegative("ridge", ridge);
    Check.nonNegative("tol", tol);
    if (maxIter < 0) {
      throw new IllegalArgumentException(
          "maxIter must be >= 0 (0: the solver's default), got " + maxIter);
    }
  }

  /**
   * The defaults: no ridge, no initial guess, tol 1e-5, the solver's iteration limit, no
   * preconditioner.
   *
   * @return the default options
   */
  public static SolverOptions defaults() {
    return builder().build();
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from these options.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder().ridge(ridge).init(init).tol(tol).maxIter(maxIter);
    b.preconditioner = preconditioner;
    return b;
  }

  /** The iteration limit: {@link #maxIter()} when set, otherwise {@code fallback}. */
  int maxIterOr(long fallback) {
    return maxIter > 0 ? maxIter : Math.toIntExact(Math.max(1, fallback));
  }

  /** A mutable builder of {@link SolverOptions}; values are validated by {@link #build()}. */
  public static final class Builder {
    private double ridge = DEFAULT_RIDGE;
    private Object init;
    private double tol = DEFAULT_TOL;
    private int maxIter = DEFAULT_MAX_ITER;
    private Function<Object, Object> preconditioner;

    private Builder() {}

    /**
     * Sets the ridge ρ.
     *
     * @param value ρ
     * @return this builder
     */
    public Builder ridge(double value) {
      this.ridge = value;
      return this;
    }

    /**
     * Sets the initial guess.
     *
     * @param value a tree like the right-hand sides it will be used with, or {@code null}
     * @return this builder
     */
    public Builder init(Object value) {
      this.init = value;
      return this;
    }

    /**
     * Sets the relative residual tolerance ({@code 0}: run exactly {@code maxIter} iterations).
     *
     * @param value the tolerance
     * @return this builder
     */
    public Builder tol(double value) {
      this.tol = value;
      return this;
    }

    /**
     * Sets the iteration limit ({@code 0}: the solver's default).
     *
     * @param value the limit
     * @return this builder
     */
    public Builder maxIter(int value) {
      this.maxIter = value;
      return this;
    }

    /**
     * Sets the preconditioner M ≈ A⁻¹.
     *
     * @param value M over trees of type {@code T}, or {@code null}
     * @param <T> the tree type of the systems it will be used with
     * @return this builder
     */
    @SuppressWarnings("unchecked") // applied only to trees like b, as documented
    public <T> Builder preconditioner(Function<T, T> value) {
      this.preconditioner = (Function<Object, Object>) (Function<?, ?>) value;
      return this;
    }

    /**
     * Validates and builds the options.
     *
     * @return the options
     * @throws IllegalArgumentException naming the first invalid option and its value
     */
    public SolverOptions build() {
      return new SolverOptions(ridge, init, tol, maxIter, preconditioner);
    }
  }
}
