package dev.diffopt.djl.fused;

import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.transform.ScaleByLion;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;

/**
 * Lion ({@code ScaleByLion}, slot m):
 *
 * <pre>
 *   u = sign(β₁·m + (1 − β₁)·x);  m ← β₂·m + (1 − β₂)·x
 * </pre>
 */
final class LionKernel extends VectorKernel {
  private static final FloatVector ZERO = FloatVector.zero(F);
  private static final FloatVector ONE = FloatVector.broadcast(F, 1f);
  private static final FloatVector MINUS_ONE = FloatVector.broadcast(F, -1f);
  private final FloatVector b1;
  private final FloatVector c1;
  private final FloatVector b2;
  private final FloatVector c2;

  LionKernel(FusedPlan plan) {
    super(plan, 1);
    ScaleByLion core = plan.core(ScaleByLion.class);
    this.b1 = of(core.b1());
    this.c1 = of(1 - core.b1());
    this.b2 = of(core.b2());
    this.c2 = of(1 - core.b2());
  }

  @Override
  void begin(long count) {}

  @Override
  void run(Buffers b, int bytes) {
    ByteBuffer pb = b.p;
    ByteBuffer gb = b.g;
    ByteBuffer mb = b.s[0];
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
    for (int o = 0; o < bytes; o += STEP) {
      FloatVector p = FloatVector.fromByteBuffer(F, pb, o, N);
      FloatVector x = FloatVector.fromByteBuffer(F, gb, o, N).mul(sign);
      if (hasL2) {
        x = x.add(p.mul(l2));
      }
      FloatVector m = FloatVector.fromByteBuffer(F, mb, o, N);
      FloatVector c = m.mul(b1).add(x.mul(c1));
      // sign(c): −1, 0 or 1 (0 for ±0 and NaN), as libtorch's
      FloatVector u = ZERO.blend(ONE, ZERO.lt(c)).blend(MINUS_ONE, c.lt(ZERO));
      m.mul(b2).add(x.mul(c2)).intoByteBuffer(mb, o, N);
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
