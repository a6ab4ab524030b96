package dev.diffopt.autodiff;

import dev.diffopt.tensor.Tensor;

/**
 * The result of {@link Autodiff#valueAndGrad}: the function's value and its gradient, a tree with
 * the structure of the parameters.
 */
public record ValueAndGrad<P>(Tensor value, P grad) {}
