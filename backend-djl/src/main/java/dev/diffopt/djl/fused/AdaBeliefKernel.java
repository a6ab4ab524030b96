package dev.diffopt.djl.fused;

import dev.diffopt.optim.fused.Float32Scalars;
import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.transform.ScaleByBelief;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;

/**
 * AdaBelief ({@code ScaleByBelief}, slots m, s):
 *
 * <pre>
 *   m ← β₁·m + (1 − β₁)·x;  s ← β₂·s + (1 − β₂)·(x − m)² + ε
 *   u = (m / (1 − β₁ᵗ)) / (sqrt(s / (1 − β₂ᵗ)) + ε)
 * </pre>
 */
final class AdaBeliefKernel extends VectorKernel {
  private final ScaleByBelief core;
  private final FloatVector b1;
  private final FloatVector c1;
  private final FloatVector b2;
  private final FloatVector c2;
  private final FloatVector eps;
  private FloatVector bc1;
  private FloatVector bc2;

  AdaBeliefKernel(FusedPlan plan) {
    super(plan, 2);
    this.core = plan.core(ScaleByBelief.class);
    this.b1 = of(core.b1());
    this.c1 = of(1 - core.b1());
    this.b2 = of(core.b2());
    this.c2 = of(1 - core.b2());
    this.eps = of(core.eps());
  }

  @Override
  void begin(long count) {
    bc1 = of(Float32Scalars.biasCorrection(core.b1(), count + 1));
    bc2 = of(Float32Scalars.biasCorrection(core.b2(), count + 1));
  }

  @Override
  void run(Buffers b, int bytes) {
    ByteBuffer pb = b.p;
    ByteBuffer gb = b.g;
    ByteBuffer mb = b.s[0];
    ByteBuffer sb = b.s[1];
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
    FloatVector c2 = this.c2;
    FloatVector eps = this.eps;
    FloatVector bc1 = this.bc1;
    FloatVector bc2 = this.bc2;
    for (int o = 0; o < bytes; o += STEP) {
      FloatVector p = FloatVector.fromByteBuffer(F, pb, o, N);
      FloatVector x = FloatVector.fromByteBuffer(F, gb, o, N).mul(sign);
      if (hasL2) {
        x = x.add(p.mul(l2));
      }
      FloatVector m = FloatVector.fromByteBuffer(F, mb, o, N).mul(b1).add(x.mul(c1));
      FloatVector d = x.sub(m);
      FloatVector belief = FloatVector.fromByteBuffer(F, sb, o, N).mul(b2).add(d.mul(d).mul(c2))
          .add(eps);
      m.intoByteBuffer(mb, o, N);
      belief.intoByteBuffer(sb, o, N);
      FloatVector u = m.div(bc1).div(belief.div(bc2).sqrt().add(eps));
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
