/**
 * The backend-neutral API of diffopt: pytrees, tensors and their primitive operations, the backend
 * SPI with {@link java.util.ServiceLoader} discovery, and automatic differentiation over functions
 * of trees. Nothing in this module knows a concrete backend.
 */
module dev.diffopt.api {
  requires static com.google.guice;
  requires static jakarta.inject;

  exports dev.diffopt;
  exports dev.diffopt.tree;
  exports dev.diffopt.tensor;
  exports dev.diffopt.spi;
  exports dev.diffopt.autodiff;
  exports dev.diffopt.transform;
  exports dev.diffopt.schedule;
  exports dev.diffopt.optim;
  exports dev.diffopt.optim.fused;
  exports dev.diffopt.guice;
  exports dev.diffopt.checkpoint;
  exports dev.diffopt.linalg;
  exports dev.diffopt.implicit;
  exports dev.diffopt.zeroorder;
  exports dev.diffopt.meta;
  exports dev.diffopt.distributed;
  exports dev.diffopt.viz;

  uses dev.diffopt.spi.BackendProvider;
}
