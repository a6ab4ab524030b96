package dev.diffopt.djl.fused;

import dev.diffopt.optim.fused.Float32Scalars;
import dev.diffopt.optim.fused.FusedPlan;
import dev.diffopt.optim.fused.FusedSlots;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.transform.ScaleByNadam;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;

/**
 * NAdam ({@code ScaleByNadam}, slots m, v, plus the 0-d μ product Π kept in the state): the
 * momentum schedule and Π are host scalars per step ({@link Float32Scalars#nadamMomentum}):
 *
 * <pre>
 *   m ← β₁·m + (1 − β₁)·x;  v ← β₂·v + (1 − β₂)·x²;  d = sqrt(v / (1 − β₂ᵗ)) + ε
 *   u = (x·(1 − μ_t)/(1 − Π_t) + m·μ_{t+1}/(1 − Π_t·μ_{t+1})) / d
 * </pre>
 */
final class NAdamKernel extends VectorKernel {
  private final ScaleByNadam core;
  private final FloatVector b1;
  private final FloatVector c1;
  private final FloatVector b2;
  private final FloatVector c2;
  private final FloatVector eps;
  private ByteBuffer productView;
  private float product;
  private FloatVector bc2;
  private FloatVector gradCoef;
  private FloatVector momCoef;

  NAdamKernel(FusedPlan plan) {
    super(plan, 2);
    this.core = plan.core(ScaleByNadam.class);
    this.b1 = of(core.b1());
    this.c1 = of(1 - core.b1());
    this.b2 = of(core.b2());
    this.c2 = of(1 - core.b2());
    this.eps = of(core.eps());
  }

  @Override
  void bindExtras(Object state) {
    Tensor muProduct = FusedSlots.muProduct(plan, state);
    productView = Views.of(muProduct, "the NAdam μ product");
    product = productView.getFloat(0);
  }

  @Override
  void begin(long count) {
    long t = count + 1;
    float tf = (float) t;
    float mu = Float32Scalars.nadamMomentum(core.b1(), core.momentumDecay(), tf);
    float muNext = Float32Scalars.nadamMomentum(core.b1(), core.momentumDecay(), tf + 1f);
    product = product * mu;
    float productNext = product * muNext;
    productView.putFloat(0, product);
    bc2 = of(Float32Scalars.biasCorrection(core.b2(), t));
    gradCoef = of((1f - mu) / (1f - product));
    momCoef = of(muNext / (1f - productNext));
  }

  @Override
  void run(Buffers b, int bytes) {
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
    FloatVector bc2 = this.bc2;
    FloatVector gradCoef = this.gradCoef;
    FloatVector momCoef = this.momCoef;
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
      FloatVector u = x.mul(gradCoef).add(m.mul(momCoef)).div(v.div(bc2).sqrt().add(eps));
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
