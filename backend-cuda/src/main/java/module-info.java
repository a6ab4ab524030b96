/**
 * The CUDA diffopt backend: NVIDIA GPUs through the CUDA driver API (JCuda 12.6.0), with
 * diffopt's own kernels shipped as PTX. Primitive operations, tree flattening and multi-tensor
 * fused optimizer updates; no autodiff.
 */
module dev.diffopt.backend.cuda {
  requires transitive dev.diffopt.api;
  requires jcuda;

  exports dev.diffopt.cuda;

  provides dev.diffopt.spi.BackendProvider with
      dev.diffopt.cuda.CudaBackendProvider;
}
