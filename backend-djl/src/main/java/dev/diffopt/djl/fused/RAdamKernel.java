package dev.diffopt.djl.fused;

import dev.diffopt.optim.fused.Float32Scalars;
import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.transform.ScaleByRAdam;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;

/**
 * RAdam ({@code ScaleByRAdam}, slots m, v); the rectification is a host scalar per step
 * ({@link Float32Scalars#radam}):
 *
 * <pre>
 *   m ← β₁·m + (1 − β₁)·x;  v ← β₂·v + (1 − β₂)·x²;  m̂ = m / (1 − β₁ᵗ)
 *   u = (m̂ · r_t·sqrt(1 − β₂ᵗ)) / (sqrt(v) + ε)   if ρ_t &gt; 5,   else m̂
 * </pre>
 */
final class RAdamKernel extends VectorKernel {
  private final ScaleByRAdam core;
  private final FloatVector b1;
  private final FloatVector c1;
  private final FloatVector b2;
  private final FloatVector c2;
  private final FloatVector eps;
  private FloatVector bc1;
  private boolean adaptive;
  private FloatVector factor;

  RAdamKernel(FusedPlan plan) {
    super(plan, 2);
    this.core = plan.core(ScaleByRAdam.class);
    this.b1 = of(core.b1());
    this.c1 = of(1 - core.b1());
    this.b2 = of(core.b2());
    this.c2 = of(1 - core.b2());
    this.eps = of(core.eps());
  }

  @Override
  void begin(long count) {
    bc1 = of(Float32Scalars.biasCorrection(core.b1(), count + 1));
    Float32Scalars.Rectification r = Float32Scalars.radam(core.b2(), count + 1);
    adaptive = r.adaptive();
    factor = of(r.factor());
  }

  @Override
  void run(Buffers b, int bytes) {
    if (adaptive) {
      runAdaptive(b, bytes);
    } else {
      runPlain(b, bytes);
    }
  }

  /** {@code u = (m̂ · r_t·sqrt(1 − β₂ᵗ)) / (sqrt(v) + ε)}. */
  private void runAdaptive(Buffers b, int bytes) {
    ByteBuffer pb = b.p;
    ByteBuffer gb = b.g;
    ByteBuffer mb = b.s[0];
    ByteBuffer vb = b.s[1];
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
    FloatVector factor = this.factor;
    for (int o = 0; o < bytes; o += STEP) {
      FloatVector p = FloatVector.fromByteBuffer(F, pb, o, N);
      FloatVector x = FloatVector.fromByteBuffer(F, gb, o, N).mul(sign);
      if (hasL2) {
        x = x.add(p.mul(l2));
      }
      FloatVector m = FloatVector.fromByteBuffer(F, mb, o, N).mul(b1).add(x.mul(c1));
      FloatVector v = FloatVector.fromByteBuffer(F, vb, o, N).mul(b2).add(x.mul(x).mul(c2));
      m.intoByteBuffer(mb, o, N);
      v.intoByteBuffer(vb, o, N);
      FloatVector u = m.div(bc1).mul(factor).div(v.sqrt().add(eps));
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

  /** {@code u = m̂}. */
  private void runPlain(Buffers b, int bytes) {
    ByteBuffer pb = b.p;
    ByteBuffer gb = b.g;
    ByteBuffer mb = b.s[0];
    ByteBuffer vb = b.s[1];
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
    FloatVector bc1 = this.bc1;
    for (int o = 0; o < bytes; o += STEP) {
      FloatVector p = FloatVector.fromByteBuffer(F, pb, o, N);
      FloatVector x = FloatVector.fromByteBuffer(F, gb, o, N).mul(sign);
      if (hasL2) {
        x = x.add(p.mul(l2));
      }
      FloatVector m = FloatVector.fromByteBuffer(F, mb, o, N).mul(b1).add(x.mul(c1));
      FloatVector v = FloatVector.fromByteBuffer(F, vb, o, N).mul(b2).add(x.mul(x).mul(c2));
      m.intoByteBuffer(mb, o, N);
      v.intoByteBuffer(vb, o, N);
      FloatVector u = m.div(bc1);
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
