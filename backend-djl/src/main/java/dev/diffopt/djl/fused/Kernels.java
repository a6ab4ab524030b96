package dev.diffopt.djl.fused;

import dev.diffopt.optim.fused.FusedPlan;

/** The kernel of each rule. */
final class Kernels {
  private Kernels() {}

  static VectorKernel of(FusedPlan plan) {
    return switch (plan.rule()) {
      case SGD -> new SgdKernel(plan);
      case ADAM -> new AdamKernel(plan);
      case LAMB -> new LambKernel(plan);
      case RMSPROP, RMSPROP_CENTERED -> new RmsPropKernel(plan);
      case ADAGRAD -> new AdagradKernel(plan);
      case ADADELTA -> new AdadeltaKernel(plan);
      case ADAMAX -> new AdamaxKernel(plan);
      case RADAM -> new RAdamKernel(plan);
      case NADAM -> new NAdamKernel(plan);
      case LION -> new LionKernel(plan);
      case ADABELIEF -> new AdaBeliefKernel(plan);
      case ADAN -> new AdanKernel(plan);
    };
  }
}
