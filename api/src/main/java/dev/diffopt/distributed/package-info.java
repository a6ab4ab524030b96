/**
 * Task-parallel meta-learning (TorchOpt's {@code torchopt.distributed}): a {@link
 * dev.diffopt.distributed.Partitioner} splits a batch of tasks into parts, a {@link
 * dev.diffopt.distributed.TaskRuntime} runs a function on each part on its workers, and a {@link
 * dev.diffopt.distributed.Reducer} combines the results. {@link
 * dev.diffopt.distributed.Distributed#metaGradient} is the MAML outer step built from them.
 * Parameters and results travel as {@link dev.diffopt.distributed.FlatTensors}: one flat host
 * buffer, independent of the workers' backends. {@link dev.diffopt.distributed.LocalRuntime} runs
 * on threads of this JVM; the {@code distributed-spark} module runs the same calls on Apache Spark.
 */
package dev.diffopt.distributed;
