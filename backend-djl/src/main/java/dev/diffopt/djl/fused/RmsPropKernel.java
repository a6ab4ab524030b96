package dev.diffopt.djl.fused;

import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.transform.ScaleByRms;
import dev.diffopt.transform.ScaleByStddev;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;

/**
 * RMSProp ({@code ScaleByRms}, slot v) and centered RMSProp ({@code ScaleByStddev}, slots m, v),
 * with the optional momentum trace after them:
 *
 * <pre>
 *   v ← α·v + (1 − α)·x²;  m ← α·m + (1 − α)·x  (centered)
 *   u = x / (sqrt(v) + ε)   or, centered,   x / (sqrt(v − m²) + ε)
 * </pre>
 */
final class RmsPropKernel extends VectorKernel {
  private final boolean centered;
  private final FloatVector alpha;
  private final FloatVector c;
  private final FloatVector eps;

  RmsPropKernel(FusedPlan plan) {
    super(plan, plan.rule() == FusedPlan.Rule.RMSPROP_CENTERED ? 2 : 1);
    this.centered = plan.rule() == FusedPlan.Rule.RMSPROP_CENTERED;
    double a = centered ? plan.core(ScaleByStddev.class).alpha() : plan.core(ScaleByRms.class).alpha();
    double e = centered ? plan.core(ScaleByStddev.class).eps() : plan.core(ScaleByRms.class).eps();
    this.alpha = of(a);
    this.c = of(1 - a);
    this.eps = of(e);
  }

  @Override
  void begin(long count) {}

  @Override
  void run(Buffers b, int bytes) {
    if (centered) {
      runCentered(b, bytes);
    } else {
      runPlain(b, bytes);
    }
  }

  private void runPlain(Buffers b, int bytes) {
    ByteBuffer pb = b.p;
    ByteBuffer gb = b.g;
    ByteBuffer vb = b.s[0];
    ByteBuffer tb = hasTrace ? b.s[1] : null;
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
    FloatVector alpha = this.alpha;
    FloatVector c = this.c;
    FloatVector eps = this.eps;
    for (int o = 0; o < bytes; o += STEP) {
      FloatVector p = FloatVector.fromByteBuffer(F, pb, o, N);
      FloatVector x = FloatVector.fromByteBuffer(F, gb, o, N).mul(sign);
      if (hasL2) {
        x = x.add(p.mul(l2));
      }
      FloatVector v = FloatVector.fromByteBuffer(F, vb, o, N).mul(alpha).add(x.mul(x).mul(c));
      v.intoByteBuffer(vb, o, N);
      FloatVector u = x.div(v.sqrt().add(eps));
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

  private void runCentered(Buffers b, int bytes) {
    ByteBuffer pb = b.p;
    ByteBuffer gb = b.g;
    ByteBuffer mb = b.s[0];
    ByteBuffer vb = b.s[1];
    ByteBuffer tb = hasTrace ? b.s[2] : null;
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
    FloatVector alpha = this.alpha;
    FloatVector c = this.c;
    FloatVector eps = this.eps;
    for (int o = 0; o < bytes; o += STEP) {
      FloatVector p = FloatVector.fromByteBuffer(F, pb, o, N);
      FloatVector x = FloatVector.fromByteBuffer(F, gb, o, N).mul(sign);
      if (hasL2) {
        x = x.add(p.mul(l2));
      }
      FloatVector m = FloatVector.fromByteBuffer(F, mb, o, N).mul(alpha).add(x.mul(c));
      FloatVector v = FloatVector.fromByteBuffer(F, vb, o, N).mul(alpha).add(x.mul(x).mul(c));
      m.intoByteBuffer(mb, o, N);
      v.intoByteBuffer(vb, o, N);
      FloatVector u = x.div(v.sub(m.mul(m)).sqrt().add(eps));
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
