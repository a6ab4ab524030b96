package dev.diffopt.djl.fused;

import dev.diffopt.optim.fused.FusedPlan;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * LAMB ({@code ScaleByAdam → [AddDecayedWeights] → ScaleByTrustRatio}): Adam's moments and
 * direction r (plus decoupled decay), rescaled per tensor by {@code ‖p‖ / ‖r‖} (1 when either norm
 * is 0). The ratio needs both norms before any parameter changes, so each tensor takes two passes:
 * the first updates m and v in place and sums p² and r²; the second recomputes r from the stored
 * moments (the same operations on the same values) and updates p. The sums are kept in float lanes
 * over {@value #CHUNK} vectors at a time and added up in double.
 */
final class LambKernel extends AdamKernel {
  private static final int CHUNK = 1024;

  private double pSquares;
  private double rSquares;
  private FloatVector ratio;

  LambKernel(FusedPlan plan) {
    super(plan);
  }

  @Override
  void tensor(Buffers b, int n, Buffers scratch) {
    pSquares = 0;
    rSquares = 0;
    int full = n - n % LANES;
    int rest = n - full;
    int at = full * Float.BYTES;
    for (int start = 0; start < full * Float.BYTES; start += CHUNK * STEP) {
      moments(b, start, Math.min(full * Float.BYTES, start + CHUNK * STEP), F.maskAll(true));
    }
    if (rest > 0) {
      copyIn(b, scratch, at, rest);
      moments(scratch, 0, STEP, F.indexInRange(0, rest));
    }
    ratio = of(trustRatio((float) pSquares, (float) rSquares));
    if (full > 0) {
      run(b, full * Float.BYTES);
    }
    if (rest > 0) {
      run(scratch, STEP);
      copyOut(scratch, b, at, rest);
    }
  }

  /** {@code ScaleByTrustRatio}'s ratio from the float32 sums of squares. */
  private static float trustRatio(float pSq, float rSq) {
    if (pSq == 0f || rSq == 0f) {
      return 1f;
    }
    return (float) Math.sqrt(pSq) / (float) Math.sqrt(rSq);
  }

  /** Pass 1 over bytes [from, to): moments in place; sums of p² and r² over the lanes selected. */
  private void moments(Buffers b, int from, int to, VectorMask<Float> lanes) {
    ByteBuffer pb = b.p;
    ByteBuffer gb = b.g;
    ByteBuffer mb = b.s[0];
    ByteBuffer vb = b.s[1];
    ByteBuffer xb = amsgrad ? b.s[2] : null;
    FloatVector pAcc = FloatVector.zero(F);
    FloatVector rAcc = FloatVector.zero(F);
    FloatVector sign = this.sign;
    boolean hasL2 = this.hasL2;
    FloatVector l2 = this.l2;
    boolean hasDecoupled = this.hasDecoupled;
    FloatVector decoupled = this.decoupled;
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
    for (int o = from; o < to; o += STEP) {
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
      FloatVector r = m.div(bc1).div(vHat.sqrt().add(eps));
      if (hasDecoupled) {
        r = r.add(p.mul(decoupled));
      }
      pAcc = pAcc.add(p.mul(p), lanes);
      rAcc = rAcc.add(r.mul(r), lanes);
    }
    pSquares += pAcc.reduceLanes(VectorOperators.ADD);
    rSquares += rAcc.reduceLanes(VectorOperators.ADD);
  }

  /** Pass 2: r again from the stored moments; {@code p ← p − η·ratio·r}. */
  @Override
  void run(Buffers b, int bytes) {
    ByteBuffer pb = b.p;
    ByteBuffer mb = b.s[0];
    ByteBuffer vb = amsgrad ? b.s[2] : b.s[1];
    FloatVector trust = ratio;
    boolean hasDecoupled = this.hasDecoupled;
    FloatVector decoupled = this.decoupled;
    boolean hasProximal = this.hasProximal;
    FloatVector proximal = this.proximal;
    FloatVector proximalDenominator = this.proximalDenominator;
    FloatVector lrFactor = this.lrFactor;
    FloatVector eps = this.eps;
    boolean hasEpsRoot = this.hasEpsRoot;
    FloatVector epsRoot = this.epsRoot;
    FloatVector bc1 = this.bc1;
    FloatVector bc2 = this.bc2;
    for (int o = 0; o < bytes; o += STEP) {
      FloatVector p = FloatVector.fromByteBuffer(F, pb, o, N);
      FloatVector vHat = FloatVector.fromByteBuffer(F, vb, o, N).div(bc2);
      if (hasEpsRoot) {
        vHat = vHat.add(epsRoot);
      }
      FloatVector u = FloatVector.fromByteBuffer(F, mb, o, N).div(bc1).div(vHat.sqrt().add(eps));
      if (hasDecoupled) {
        u = u.add(p.mul(decoupled));
      }
      FloatVector s = u.mul(trust).mul(lrFactor);
      if (hasProximal) {
        s = s.sub(p.mul(proximal)).div(proximalDenominator);
      }
      p.add(s).intoByteBuffer(pb, o, N);
    }
  }
}
