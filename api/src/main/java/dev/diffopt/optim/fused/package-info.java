/**
 * Backend-neutral support for fused multi-tensor optimizer kernels ({@link
 * dev.diffopt.spi.FusedUpdates}): {@link dev.diffopt.optim.fused.FusedPlan} recognizes the
 * optimizer chains a kernel may run and describes their update rule canonically; {@link
 * dev.diffopt.optim.fused.Float32Scalars} computes each step's scalars on the host exactly as the
 * op-by-op float32 path does; {@link dev.diffopt.optim.fused.FusedStates} finds a part's state in a
 * chain's state and loads a state into a fused step's own; {@link
 * dev.diffopt.optim.fused.FusedSlots} names the state a rule's kernel reads and writes; {@link
 * dev.diffopt.optim.fused.FusedParameters} holds the parameter checks every backend shares.
 */
package dev.diffopt.optim.fused;
