/**
 * The embedded default diffopt backend: DJL's PyTorch engine with CPU natives from Maven Central.
 * Higher-order gradients go through {@code torch.autograd.grad} in a small TorchScript module.
 */
module dev.diffopt.backend.djl {
  requires transitive dev.diffopt.api;
  requires transitive ai.djl.api;
  requires transitive ai.djl.pytorch_engine;

  exports dev.diffopt.djl;

  provides dev.diffopt.spi.BackendProvider with
      dev.diffopt.djl.DjlBackendProvider;
}
