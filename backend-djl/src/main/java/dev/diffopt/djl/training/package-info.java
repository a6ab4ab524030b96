/**
 * diffopt inside DJL's own training loop: {@link dev.diffopt.djl.training.DiffoptOptimizer} is a
 * DJL {@code Optimizer} that runs any diffopt {@link dev.diffopt.transform.GradientTransformation}
 * (a {@code Transforms.chain} of clipping, AdamW, schedules, …), so a DJL model trains with {@code
 * Trainer} and {@code DefaultTrainingConfig} unchanged.
 */
package dev.diffopt.djl.training;
