package dev.diffopt.djl.fused;

import dev.diffopt.optim.fused.Float32Scalars;
import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.transform.ScaleByAdamax;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;

/**
 * Adamax ({@code ScaleByAdamax}, slots m, w):
 *
 * <pre>
 *   m ← β₁·m + (1 − β₁)·x;  w ← max(β₂·w, |x| + ε);  u = (m / (1 − β₁ᵗ)) / w
 * </pre>
 */
final class AdamaxKernel extends VectorKernel {
  private final ScaleByAdamax core;
  private final FloatVector b1;
  private final FloatVector c1;
  private final FloatVector b2;
  private final FloatVector eps;
  private FloatVector bc1;

  AdamaxKernel(FusedPlan plan) {
    super(plan, 2);
    this.core = plan.core(ScaleByAdamax.class);
    this.b1 = of(core.b1());
    this.c1 = of(1 - core.b1());
    this.b2 = of(core.b2());
    this.eps = of(core.eps());
  }

  @Override
  void begin(long count) {
    bc1 = of(Float32Scalars.biasCorrection(core.b1(), count + 1));
  }

  @Override
  void run(Buffers b, int bytes) {
    ByteBuffer pb = b.p;
    ByteBuffer gb = b.g;
    ByteBuffer mb = b.s[0];
    ByteBuffer wb = b.s[1];
    FloatVector sign = this.sign;
    boolean hasL2 = this.hasL2;
    FloatVector l2 = this.l2;
    boolean hasDecoupled = this.hasDecoupled;
    FloatVector decoupled = this.decoupled;
    boolean hasProximal = this.hasProximal;
    FloatVector proximal = this.proximal;
    FloatVector proximalDenominator = this.proximalDenominator;
    FloatVector lrFactor = this.lrFactor;
    FloatVector b1 = this.b1;
    FloatVector c1 = this.c1;
    FloatVector b2 = this.b2;
    FloatVector eps = this.eps;
    FloatVector bc1 = this.bc1;
    for (int o = 0; o < bytes; o += STEP) {
      FloatVector p = FloatVector.fromByteBuffer(F, pb, o, N);
      FloatVector x = FloatVector.fromByteBuffer(F, gb, o, N).mul(sign);
      if (hasL2) {
        x = x.add(p.mul(l2));
      }
      FloatVector m = FloatVector.fromByteBuffer(F, mb, o, N).mul(b1).add(x.mul(c1));
      FloatVector w = FloatVector.fromByteBuffer(F, wb, o, N).mul(b2).max(x.abs().add(eps));
      m.intoByteBuffer(mb, o, N);
      w.intoByteBuffer(wb, o, N);
      FloatVector u = m.div(bc1).div(w);
      if (hasDecoupled) {
        u = u.add(p.mul(decoupled));
      }
      FloatVector s = u.mul(lrFactor);
      if (hasProximal) {
        s = s.sub(p.mul(proximal)).div(proximalDenominator);
      }
      p.add(s).intoByteBuffer(pb, o, N);
    }
  }
}
