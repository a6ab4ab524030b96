package dev.diffopt.djl.fused;

import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.transform.ScaleByRss;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;

/**
 * Adagrad ({@code ScaleByRss}, slot S; the learning rate may follow {@code InverseTimeDecay}):
 *
 * <pre>
 *   S ← S + x²;  u = x / (sqrt(S) + ε)
 * </pre>
 */
final class AdagradKernel extends VectorKernel {
  private final FloatVector eps;

  AdagradKernel(FusedPlan plan) {
    super(plan, 1);
    this.eps = of(plan.core(ScaleByRss.class).eps());
  }

  @Override
  void begin(long count) {}

  @Override
  void run(Buffers b, int bytes) {
    ByteBuffer pb = b.p;
    ByteBuffer gb = b.g;
    ByteBuffer sb = b.s[0];
    FloatVector sign = this.sign;
    boolean hasL2 = this.hasL2;
    FloatVector l2 = this.l2;
    boolean hasDecoupled = this.hasDecoupled;
    FloatVector decoupled = this.decoupled;
    boolean hasProximal = this.hasProximal;
    FloatVector proximal = this.proximal;
    FloatVector proximalDenominator = this.proximalDenominator;
    FloatVector lrFactor = this.lrFactor;
    FloatVector eps = this.eps;
    for (int o = 0; o < bytes; o += STEP) {
      FloatVector p = FloatVector.fromByteBuffer(F, pb, o, N);
      FloatVector x = FloatVector.fromByteBuffer(F, gb, o, N).mul(sign);
      if (hasL2) {
        x = x.add(p.mul(l2));
      }
      FloatVector sum = FloatVector.fromByteBuffer(F, sb, o, N).add(x.mul(x));
      sum.intoByteBuffer(sb, o, N);
      FloatVector u = x.div(sum.sqrt().add(eps));
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
