package dev.diffopt.djl;

import ai.djl.engine.EngineException;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.autodiff.AutodiffChecks;
import dev.diffopt.autodiff.ValueAndGrad;
import dev.diffopt.autodiff.Vjp;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tree.Flat;
import dev.diffopt.tree.KeyPath;
import dev.diffopt.tree.TreeSpec;
import dev.diffopt.tree.Trees;
import java.util.List;
import java.util.function.Function;

/**
 * {@link Autodiff} on libtorch's autograd, reached through {@code torch.autograd.grad} in a
 * TorchScript module ({@code autograd.py}). Unlike {@code backward(create_graph=True)} this stores
 * no {@code .grad} on leaves, so repeated higher-order calls do not leak, and it differentiates
 * with respect to non-leaf tensors (the inner-loop parameters of a meta-step).
 *
 * <p>Each call (1) makes a differentiable alias of every parameter leaf ({@code x.view_as(x)} when
 * {@code x} already requires grad, so an enclosing differentiation still flows through it;
 * otherwise {@code x.detach().requires_grad_()}), (2) runs the function on the aliases with grad
 * mode on, (3) asks autograd for the gradients with respect to the aliases. Grad mode is
 * thread-local in libtorch and is switched on for the duration of the call, so any thread works.
 */
final class DjlAutodiff implements Autodiff {
  private final DjlTensorOps ops;
  private final PtNDManager manager;
  private final TorchScriptModule autograd;

  DjlAutodiff(DjlTensorOps ops, PtNDManager manager, TorchScriptModule autograd) {
    this.ops = ops;
    this.manager = manager;
    this.autograd = autograd;
  }

  @Override
  public TensorOps ops() {
    return ops;
  }

  @Override
  public <P> ValueAndGrad<P> valueAndGrad(
      Function<? super P, Tensor> fn, P params, boolean createGraph) {
    return differentiate("valueAndGrad", fn, params, (aliased, inputs, spec) -> {
      Tensor value = fn.apply(aliased);
      PtNDArray[] outputs = {scalarOutput(value)};
      PtNDArray[] seeds = {ops.unwrap(ops.onesLike(value), "valueAndGrad")};
      return new ValueAndGrad<>(value, unflatten(spec, vjp(outputs, inputs, seeds, createGraph)));
    });
  }

  @Override
  public <P, O> Vjp<P, O> vjp(
      Function<? super P, O> fn, P primals, O cotangents, boolean createGraph) {
    return differentiate("vjp", fn, primals, (aliased, inputs, spec) -> {
      O output = fn.apply(aliased);
      Flat outFlat = Trees.flatten(output);
      Flat cotFlat = Trees.flatten(cotangents);
      outFlat.spec().requireEqual(cotFlat.spec(), "vjp: the cotangents do not match the output");
      PtNDArray[] outs = new PtNDArray[outFlat.leaves().size()];
      PtNDArray[] seeds = new PtNDArray[outs.length];
      List<KeyPath> paths = outFlat.spec().paths();
      for (int i = 0; i < outs.length; i++) {
        Tensor o = AutodiffChecks.floatingLeaf(outFlat.leaves().get(i), "vjp output", paths.get(i));
        Tensor c = AutodiffChecks.floatingLeaf(cotFlat.leaves().get(i), "vjp cotangent", paths.get(i));
        AutodiffChecks.sameAsOutput(o, c, paths.get(i));
        outs[i] = ops.unwrap(o, "vjp");
        seeds[i] = ops.unwrap(c, "vjp");
      }
      return new Vjp<>(output, unflatten(spec, vjp(outs, inputs, seeds, createGraph)));
    });
  }

  /** What a differentiation does once the differentiable aliases of the parameters exist. */
  private interface Body<P, R> {
    R apply(P aliased, PtNDArray[] aliases, TreeSpec spec);
  }

  /**
   * Runs {@code body} with grad mode on and the parameters replaced by differentiable aliases
   * (steps 1 and 2 of the class description); restores the thread's grad mode afterwards.
   */
  private <P, R> R differentiate(String op, Object fn, P params, Body<P, R> body) {
    if (fn == null) {
      throw new NullPointerException(op + ": fn is null");
    }
    Flat flat = Trees.flatten(params);
    boolean previous = JniUtils.isGradMode();
    JniUtils.setGradMode(true);
    try {
      PtNDArray[] aliases = differentiableInputs(flat, op);
      return body.apply(unflatten(flat.spec(), aliases), aliases, flat.spec());
    } finally {
      JniUtils.setGradMode(previous);
    }
  }

  @SuppressWarnings("unchecked")
  private <P> P unflatten(TreeSpec spec, PtNDArray[] arrays) {
    Object[] wrapped = new Object[arrays.length];
    for (int i = 0; i < arrays.length; i++) {
      wrapped[i] = ops.wrap(arrays[i]);
    }
    return (P) spec.unflatten(List.of(wrapped));
  }

  @Override
  public Tensor stopGradient(Tensor x) {
    PtNDArray a = ops.unwrap(x, "stopGradient");
    return ops.wrap(a.stopGradient());
  }

  private PtNDArray[] differentiableInputs(Flat flat, String op) {
    List<KeyPath> paths = flat.spec().paths();
    PtNDArray[] leaves = new PtNDArray[flat.leaves().size()];
    for (int i = 0; i < leaves.length; i++) {
      Tensor t = AutodiffChecks.floatingLeaf(flat.leaves().get(i), op + " parameter", paths.get(i));
      leaves[i] = ops.unwrap(t, op);
    }
    return call(() -> autograd.runOnTensorLists(manager, "differentiable_inputs", leaves));
  }

  private PtNDArray[] vjp(
      PtNDArray[] outputs, PtNDArray[] inputs, PtNDArray[] seeds, boolean createGraph) {
    String method = createGraph ? "vjp_create_graph" : "forward";
    return call(() -> autograd.runOnTensorLists(manager, method, outputs, inputs, seeds));
  }

  private static PtNDArray[] call(java.util.function.Supplier<PtNDArray[]> body) {
    try {
      return body.get();
    } catch (EngineException e) {
      throw new IllegalStateException("autograd failed in libtorch: " + e.getMessage(), e);
    }
  }

  private PtNDArray scalarOutput(Tensor value) {
    return ops.unwrap(AutodiffChecks.scalarLoss(value), "valueAndGrad");
  }
}
