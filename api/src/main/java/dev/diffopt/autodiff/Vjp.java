package dev.diffopt.autodiff;

/**
 * The result of {@link Autodiff#vjp}: the function's output and the vector-Jacobian product, a tree
 * with the structure of the primals.
 */
public record Vjp<P, O>(O output, P cotangentOfPrimals) {}
