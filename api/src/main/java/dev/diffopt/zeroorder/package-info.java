/**
 * Zero-order (derivative-free) gradient estimators: gradients of a function of a tree of tensors
 * estimated from function values alone, for objectives that autodiff cannot differentiate or whose
 * gradient is zero almost everywhere (step functions, counts, black boxes, simulators), after
 * TorchOpt's {@code torchopt.diff.zero_order}.
 *
 * <p>{@link dev.diffopt.zeroorder.ZeroOrder} holds the options (method, number of samples,
 * smoothing radius σ, seed, {@link dev.diffopt.zeroorder.Sampler distribution}) and estimates
 * {@code ∇f_σ(θ)}, the gradient of the Gaussian smoothing {@code f_σ(θ) = E_z f(θ + σz)}, with one
 * of three Monte-Carlo estimators (Nesterov and Spokoiny, "Random Gradient-Free Minimization of
 * Convex Functions", Foundations of Computational Mathematics 17, 2017; Salimans, Ho, Chen, Sidor
 * and Sutskever, "Evolution Strategies as a Scalable Alternative to Reinforcement Learning", 2017).
 * The estimate is a tree like the parameters and plugs into any {@link
 * dev.diffopt.transform.GradientTransformation}:
 *
 * <pre>{@code
 * ZeroOrder zo = ZeroOrder.builder().method(ZeroOrder.Method.ANTITHETIC)
 *     .numSamples(32).sigma(0.05).seed(step).build();
 * Map<String, Tensor> g = zo.grad(loss, params);
 * Step<Map<String, Tensor>> s = adam.update(g, state, params);
 * params = Updates.apply(params, s.updates());
 * }</pre>
 *
 * <p>Only {@link dev.diffopt.tensor.TensorOps} are used (no autodiff, no reads of values), so a
 * staged backend can trace an estimate; the directions are drawn from seeds, reproducibly on every
 * backend.
 */
package dev.diffopt.zeroorder;
