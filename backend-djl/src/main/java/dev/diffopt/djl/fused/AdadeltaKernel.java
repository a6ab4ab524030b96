package dev.diffopt.djl.fused;

import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.transform.ScaleByAdadelta;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;

/**
 * Adadelta ({@code ScaleByAdadelta}, slots v, a):
 *
 * <pre>
 *   v ← ρ·v + (1 − ρ)·x²;  δ = (sqrt(a + ε) / sqrt(v + ε))·x;  a ← ρ·a + (1 − ρ)·δ²;  u = δ
 * </pre>
 */
final class AdadeltaKernel extends VectorKernel {
  private final FloatVector rho;
  private final FloatVector c;
  private final FloatVector eps;

  AdadeltaKernel(FusedPlan plan) {
    super(plan, 2);
    ScaleByAdadelta core = plan.core(ScaleByAdadelta.class);
    this.rho = of(core.rho());
    this.c = of(1 - core.rho());
    this.eps = of(core.eps());
  }

  @Override
  void begin(long count) {}

  @Override
  void run(Buffers b, int bytes) {
    ByteBuffer pb = b.p;
    ByteBuffer gb = b.g;
    ByteBuffer vb = b.s[0];
    ByteBuffer ab = b.s[1];
    FloatVector sign = this.sign;
    boolean hasL2 = this.hasL2;
    FloatVector l2 = this.l2;
    boolean hasDecoupled = this.hasDecoupled;
    FloatVector decoupled = this.decoupled;
    boolean hasProximal = this.hasProximal;
    FloatVector proximal = this.proximal;
    FloatVector proximalDenominator = this.proximalDenominator;
    FloatVector lrFactor = this.lrFactor;
    FloatVector rho = this.rho;
    FloatVector c = this.c;
    FloatVector eps = this.eps;
    for (int o = 0; o < bytes; o += STEP) {
      FloatVector p = FloatVector.fromByteBuffer(F, pb, o, N);
      FloatVector x = FloatVector.fromByteBuffer(F, gb, o, N).mul(sign);
      if (hasL2) {
        x = x.add(p.mul(l2));
      }
      FloatVector v = FloatVector.fromByteBuffer(F, vb, o, N).mul(rho).add(x.mul(x).mul(c));
      FloatVector a = FloatVector.fromByteBuffer(F, ab, o, N);
      FloatVector u = a.add(eps).sqrt().div(v.add(eps).sqrt()).mul(x);
      v.intoByteBuffer(vb, o, N);
      a.mul(rho).add(u.mul(u).mul(c)).intoByteBuffer(ab, o, N);
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
