package dev.diffopt.spi;

/** Optional features a {@link Backend} may have; the conformance kit skips suites a backend lacks. */
public enum Capability {
  /** First-order reverse-mode gradients ({@link dev.diffopt.autodiff.Autodiff}). */
  AUTODIFF,
  /** Gradients of gradients ({@code createGraph}), needed by meta-gradients and HVPs. */
  HIGHER_ORDER,
  /** {@link dev.diffopt.tensor.DType#FLOAT64} tensors. */
  FLOAT64,
  /** {@link Backend#stage} compiles a function once and re-runs it. */
  STAGING,
  /** Multi-tensor fused optimizer updates. */
  FUSED_UPDATES,
  /** Computes on a GPU. */
  GPU
}
