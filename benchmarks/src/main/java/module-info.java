/**
 * diffopt benchmarks: side-by-side timings with warm-up and medians (fused and op-by-op Adam
 * against DJL's own Adam and a bulk copy; pytree flatten/unflatten round trips; a MAML meta-step
 * staged on TensorFlow against eager DJL; the MAML sinusoid meta-step with MetaSGD and outer Adam; the multi-tensor Adam kernel on a GPU
 * against a device copy and PyTorch's fused Adam). Run them with {@code benchmarks/run.sh}.
 */
module dev.diffopt.benchmarks {
  requires dev.diffopt.api;
  requires dev.diffopt.backend.djl;
  requires dev.diffopt.backend.tensorflow;
  requires dev.diffopt.backend.cuda;
  requires dev.diffopt.distributed.spark;
  requires dev.diffopt.examples;
  requires ai.djl.api;
  requires ai.djl.pytorch_engine;

  exports dev.diffopt.benchmarks;
}
