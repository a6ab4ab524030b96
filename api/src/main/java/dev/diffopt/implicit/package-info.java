/**
 * Implicit differentiation of the solutions of inner problems (Blondel, Berthet, Cuturi, Frostig,
 * Hoyer, Llinares-López, Pedregosa and Vert, "Efficient and Modular Implicit Differentiation",
 * NeurIPS 2022; TorchOpt's {@code custom_root} and {@code ImplicitMetaGradientModule}).
 *
 * <p>An inner solution {@code x*(θ)} is characterized by an optimality condition {@code F(x*(θ), θ)
 * = 0} (for a minimization, {@code F = ∇ₓ f}). By the implicit function theorem its Jacobian is
 * {@code ∂x* / ∂θ = −(∂F/∂x)⁻¹ ∂F/∂θ}, so a vector-Jacobian product needs one linear solve with
 * {@code (∂F/∂x)ᵀ} — done by a {@link dev.diffopt.linalg.LinearSolver} whose matvec is a VJP of
 * {@code F} — and one VJP of {@code F} in {@code θ}; the inner solver itself is never
 * differentiated, its result is a constant. {@link dev.diffopt.implicit.ImplicitDiff#customRoot}
 * is the functional form, {@link dev.diffopt.implicit.ImplicitMetaGradientModule} the object form.
 */
package dev.diffopt.implicit;
