/**
 * The embedded default diffopt backend: DJL's PyTorch engine with CPU natives from Maven Central.
 * Higher-order gradients go through {@code torch.autograd.grad} in a small TorchScript module.
 * {@code dev.diffopt.djl.BlockModel} makes a DJL block a function of diffopt parameters, and {@code
 * dev.diffopt.djl.training.DiffoptOptimizer} runs any diffopt transformation inside DJL's own
 * {@code Trainer}.
 */
module dev.diffopt.backend.djl {
  requires transitive dev.diffopt.api;
  requires transitive ai.djl.api;
  requires transitive ai.djl.pytorch_engine;
  // the fused optimizer kernels; optional at run time (--add-modules jdk.incubator.vector)
  requires static jdk.incubator.vector;

  exports dev.diffopt.djl;
  exports dev.diffopt.djl.fused;
  exports dev.diffopt.djl.training;

  provides dev.diffopt.spi.BackendProvider with
      dev.diffopt.djl.DjlBackendProvider;
}
