package dev.diffopt.djl.fused;

import dev.diffopt.optim.fused.FusedPlan;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;

/**
 * SGD with optional momentum ({@code [Trace] → ScaleByLearningRate}): no core state ({@code u = x}); the
 * trace, when present, is slot 0.
 */
final class SgdKernel extends VectorKernel {
  SgdKernel(FusedPlan plan) {
    super(plan, 0);
  }

  @Override
  void begin(long count) {}

  @Override
  void run(Buffers b, int bytes) {
    ByteBuffer pb = b.p;
    ByteBuffer gb = b.g;
    ByteBuffer tb = hasTrace ? b.s[0] : null;
    FloatVector sign = this.sign;
    boolean hasL2 = this.hasL2;
    FloatVector l2 = this.l2;
    boolean hasDecoupled = this.hasDecoupled;
    FloatVector decoupled = this.decoupled;
    boolean hasTrace = this.hasTrace;
    FloatVector momentum = this.momentum;
    FloatVector undamped = this.undamped;
    boolean nesterov = this.nesterov;
    boolean hasProximal = this.hasProximal;
    FloatVector proximal = this.proximal;
    FloatVector proximalDenominator = this.proximalDenominator;
    FloatVector lrFactor = this.lrFactor;
    boolean traceFirst = this.traceFirst;
    for (int o = 0; o < bytes; o += STEP) {
      FloatVector p = FloatVector.fromByteBuffer(F, pb, o, N);
      FloatVector x = FloatVector.fromByteBuffer(F, gb, o, N).mul(sign);
      if (hasL2) {
        x = x.add(p.mul(l2));
      }
      FloatVector u = x;
      if (hasDecoupled) {
        u = u.add(p.mul(decoupled));
      }
      if (hasTrace) {
        FloatVector t = traceFirst ? u
            : FloatVector.fromByteBuffer(F, tb, o, N).mul(momentum).add(u.mul(undamped));
        t.intoByteBuffer(tb, o, N);
        u = nesterov ? u.add(t.mul(momentum)) : t;
      }
      FloatVector s = u.mul(lrFactor);
      if (hasProximal) {
        s = s.sub(p.mul(proximal)).div(proximalDenominator);
      }
      p.add(s).intoByteBuffer(pb, o, N);
    }
  }
}
