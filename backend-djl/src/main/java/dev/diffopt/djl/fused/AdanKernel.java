package dev.diffopt.djl.fused;

import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.transform.ScaleByAdan;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;

/**
 * Adan ({@code ScaleByAdan}, slots m, v, n, g_prev; usually followed by {@code
 * ProximalWeightDecay}):
 *
 * <pre>
 *   Δ = x − g_prev  (0 on the first step)
 *   m ← b1·m + (1 − b1)·x  (x on the first step);   v ← b2·v + (1 − b2)·Δ
 *   n ← b3·n + (1 − b3)·(x + b2·Δ)²  ((x + b2·Δ)² on the first step);   g_prev ← x
 *   u = (m + b2·v) / (sqrt(n) + ε)
 * </pre>
 *
 * <p>The first step has a loop of its own, so that the long loop of the other steps carries no
 * per-block choice between loaded and computed vectors.
 */
final class AdanKernel extends VectorKernel {
  private static final FloatVector ZERO = FloatVector.zero(F);
  private final FloatVector b1;
  private final FloatVector c1;
  private final FloatVector b2;
  private final FloatVector c2;
  private final FloatVector b3;
  private final FloatVector c3;
  private final FloatVector eps;
  private boolean first;

  AdanKernel(FusedPlan plan) {
    super(plan, 4);
    ScaleByAdan core = plan.core(ScaleByAdan.class);
    this.b1 = of(core.b1());
    this.c1 = of(1 - core.b1());
    this.b2 = of(core.b2());
    this.c2 = of(1 - core.b2());
    this.b3 = of(core.b3());
    this.c3 = of(1 - core.b3());
    this.eps = of(core.eps());
  }

  @Override
  void begin(long count) {
    first = count == 0;
  }

  @Override
  void run(Buffers b, int bytes) {
    if (first) {
      runFirst(b, bytes);
    } else {
      runNext(b, bytes);
    }
  }

  /** The first step: Δ = x − x, m = x, n = (x + b2·Δ)². */
  private void runFirst(Buffers b, int bytes) {
    ByteBuffer pb = b.p;
    ByteBuffer gb = b.g;
    ByteBuffer mb = b.s[0];
    ByteBuffer vb = b.s[1];
    ByteBuffer nb = b.s[2];
    ByteBuffer qb = b.s[3];
    FloatVector sign = this.sign;
    boolean hasL2 = this.hasL2;
    FloatVector l2 = this.l2;
    boolean hasDecoupled = this.hasDecoupled;
    FloatVector decoupled = this.decoupled;
    boolean hasProximal = this.hasProximal;
    FloatVector proximal = this.proximal;
    FloatVector proximalDenominator = this.proximalDenominator;
    FloatVector lrFactor = this.lrFactor;
    FloatVector b2 = this.b2;
    FloatVector c2 = this.c2;
    FloatVector eps = this.eps;
    for (int o = 0; o < bytes; o += STEP) {
      FloatVector p = FloatVector.fromByteBuffer(F, pb, o, N);
      FloatVector x = FloatVector.fromByteBuffer(F, gb, o, N).mul(sign);
      if (hasL2) {
        x = x.add(p.mul(l2));
      }
      FloatVector diff = x.sub(x);
      FloatVector v = FloatVector.fromByteBuffer(F, vb, o, N).mul(b2).add(diff.mul(c2));
      FloatVector k = x.add(diff.mul(b2));
      FloatVector n = k.mul(k);
      x.intoByteBuffer(mb, o, N);
      v.intoByteBuffer(vb, o, N);
      n.intoByteBuffer(nb, o, N);
      x.add(ZERO).intoByteBuffer(qb, o, N);
      FloatVector u = x.add(v.mul(b2)).div(n.sqrt().add(eps));
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

  private void runNext(Buffers b, int bytes) {
    ByteBuffer pb = b.p;
    ByteBuffer gb = b.g;
    ByteBuffer mb = b.s[0];
    ByteBuffer vb = b.s[1];
    ByteBuffer nb = b.s[2];
    ByteBuffer qb = b.s[3];
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
    FloatVector b3 = this.b3;
    FloatVector c3 = this.c3;
    FloatVector eps = this.eps;
    for (int o = 0; o < bytes; o += STEP) {
      FloatVector p = FloatVector.fromByteBuffer(F, pb, o, N);
      FloatVector x = FloatVector.fromByteBuffer(F, gb, o, N).mul(sign);
      if (hasL2) {
        x = x.add(p.mul(l2));
      }
      FloatVector diff = x.sub(FloatVector.fromByteBuffer(F, qb, o, N));
      FloatVector m = FloatVector.fromByteBuffer(F, mb, o, N).mul(b1).add(x.mul(c1));
      FloatVector v = FloatVector.fromByteBuffer(F, vb, o, N).mul(b2).add(diff.mul(c2));
      FloatVector k = x.add(diff.mul(b2));
      FloatVector n = FloatVector.fromByteBuffer(F, nb, o, N).mul(b3).add(k.mul(k).mul(c3));
      m.intoByteBuffer(mb, o, N);
      v.intoByteBuffer(vb, o, N);
      n.intoByteBuffer(nb, o, N);
      x.add(ZERO).intoByteBuffer(qb, o, N);
      FloatVector u = m.add(v.mul(b2)).div(n.sqrt().add(eps));
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
