/**
 * Checkpoints: {@link dev.diffopt.checkpoint.Checkpoint#save} and {@link
 * dev.diffopt.checkpoint.Checkpoint#load} of parameter and optimizer-state trees in a documented,
 * versioned, CRC-checked binary format (see {@code docs/checkpoint-format.md}), loaded against a
 * template so that a file never chooses which classes are instantiated.
 */
package dev.diffopt.checkpoint;
