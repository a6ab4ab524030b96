package dev.diffopt.djl.fused;

import dev.diffopt.optim.fused.Float32Scalars;
import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.transform.ScaleByAdam;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;

/**
 * Adam and AdamW ({@code ScaleByAdam}): slots m, v and, with AMSGrad, v̂max. Per element, one
 * pass:
 *
 * <pre>
 *   m ← β₁·m + (1 − β₁)·x;  v ← β₂·v + (1 − β₂)·x²;  v̂max ← max(v̂max, v)  (amsgrad)
 *   u = (m / (1 − β₁ᵗ)) / (sqrt(v / (1 − β₂ᵗ) + ε_root) + ε)
 * </pre>
 */
class AdamKernel extends VectorKernel {
  final ScaleByAdam core;
  final FloatVector b1;
  final FloatVector c1;
  final FloatVector b2;
  final FloatVector c2;
  final FloatVector eps;
  final boolean hasEpsRoot;
  final FloatVector epsRoot;
  final boolean amsgrad;
  FloatVector bc1;
  FloatVector bc2;

  AdamKernel(FusedPlan plan) {
    this(plan, plan.core(ScaleByAdam.class));
  }

  private AdamKernel(FusedPlan plan, ScaleByAdam adam) {
    super(plan, adam.amsgrad() ? 3 : 2);
    this.core = adam;
    this.b1 = of(adam.b1());
    this.c1 = of(1 - adam.b1());
    this.b2 = of(adam.b2());
    this.c2 = of(1 - adam.b2());
    this.eps = of(adam.eps());
    this.hasEpsRoot = adam.epsRoot() != 0;
    this.epsRoot = of(adam.epsRoot());
    this.amsgrad = adam.amsgrad();
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
    ByteBuffer vb = b.s[1];
    ByteBuffer xb = amsgrad ? b.s[2] : null;
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
    boolean hasEpsRoot = this.hasEpsRoot;
    FloatVector epsRoot = this.epsRoot;
    boolean amsgrad = this.amsgrad;
    FloatVector bc1 = this.bc1;
    FloatVector bc2 = this.bc2;
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
      if (amsgrad) {
        v = FloatVector.fromByteBuffer(F, xb, o, N).max(v);
        v.intoByteBuffer(xb, o, N);
      }
      FloatVector vHat = v.div(bc2);
      if (hasEpsRoot) {
        vHat = vHat.add(epsRoot);
      }
      FloatVector u = m.div(bc1).div(vHat.sqrt().add(eps));
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
