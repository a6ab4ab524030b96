/**
 * Explicit (unrolled) meta-gradients, TorchOpt's {@code MetaOptimizer}: an inner optimizer whose
 * steps are differentiable, so that the gradient of an outer loss with respect to the initial
 * parameters (or to hyper-parameters) flows back through every inner update (Finn et al. 2017,
 * "Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks"), and the state utilities
 * that go with it (stop-gradient, snapshots to reset inner weights per task, copies).
 *
 * <pre>{@code
 * List<Tensor> metaGrad = ad.grad(theta -> {
 *   MetaOptimizer<List<Tensor>> inner = MetaSGD.of(backend, theta, 0.01);
 *   for (int k = 0; k < 5; k++) {
 *     inner.step(p -> supportLoss(p));
 *   }
 *   return queryLoss(inner.params());
 * }, theta);
 * }</pre>
 */
package dev.diffopt.meta;
