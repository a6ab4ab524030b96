package dev.diffopt.tensorflow;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Set;
import java.util.List;
import java.util.function.Function;
import org.tensorflow.Output;

/**
 * {@link Autodiff} on TensorFlow's graph gradients ({@code Graph.addGradients}), which exist only
 * in graph mode. Inside a trace the gradient is added to the traced graph and is itself symbolic,
 * so it can be differentiated again (higher order); outside one, the call traces itself into a
 * graph of its own, runs it once and returns host tensors ("stages itself transparently").
 *
 * <p>Each call (1) puts an {@code Identity} alias in front of every parameter leaf, so that only
 * the paths through the argument count (not closures over tensors computed from it), (2) runs the
 * function on the aliases, (3) adds the gradients of the outputs with respect to the aliases,
 * always seeded explicitly (TensorFlow's implicit {@code OnesLike} seed has no gradient of its
 * own), and (4) without {@code createGraph} wraps each gradient in {@code StopGradient}.
 */
final class TfAutodiff implements Autodiff {
  private final TfBackend backend;
  private final TfTensorOps ops;

  TfAutodiff(TfBackend backend, TfTensorOps ops) {
    this.backend = backend;
    this.ops = ops;
  }

  @Override
  public TensorOps ops() {
    return ops;
  }

  @Override
  public <P> ValueAndGrad<P> valueAndGrad(
      Function<? super P, Tensor> fn, P params, boolean createGraph) {
    requireFn(fn, "valueAndGrad");
    return backend.traced("valueAndGrad", trace -> {
      Flat flat = Trees.flatten(params);
      TfTensor[] aliases = aliases(trace, flat, "valueAndGrad");
      Tensor value = fn.apply(unflatten(flat.spec(), aliases));
      TfTensor y = ops.unwrap(AutodiffChecks.scalarLoss(value), "valueAndGrad");
      Output<?> seed = ones(trace, y);
      TfTensor[] grads = gradients(trace, new Output<?>[] {trace.in(y)}, aliases,
          new Output<?>[] {seed}, createGraph);
      return new ValueAndGrad<>(value, unflatten(flat.spec(), grads));
    });
  }

  @Override
  public <P, O> Vjp<P, O> vjp(
      Function<? super P, O> fn, P primals, O cotangents, boolean createGraph) {
    requireFn(fn, "vjp");
    return backend.traced("vjp", trace -> {
      Flat flat = Trees.flatten(primals);
      TfTensor[] aliases = aliases(trace, flat, "vjp");
      O output = fn.apply(unflatten(flat.spec(), aliases));
      Flat outFlat = Trees.flatten(output);
      Flat cotFlat = Trees.flatten(cotangents);
      outFlat.spec().requireEqual(cotFlat.spec(), "vjp: the cotangents do not match the output");
      List<KeyPath> paths = outFlat.spec().paths();
      Output<?>[] ys = new Output<?>[outFlat.leaves().size()];
      Output<?>[] seeds = new Output<?>[ys.length];
      for (int i = 0; i < ys.length; i++) {
        Tensor o = AutodiffChecks.floatingLeaf(outFlat.leaves().get(i), "vjp output", paths.get(i));
        Tensor c = AutodiffChecks.floatingLeaf(
            cotFlat.leaves().get(i), "vjp cotangent", paths.get(i));
        AutodiffChecks.sameAsOutput(o, c, paths.get(i));
        ys[i] = trace.in(ops.unwrap(o, "vjp"));
        seeds[i] = trace.in(ops.unwrap(c, "vjp"));
      }
      TfTensor[] grads = gradients(trace, ys, aliases, seeds, createGraph);
      return new Vjp<>(output, unflatten(flat.spec(), grads));
    });
  }

  @Override
  public Tensor stopGradient(Tensor x) {
    return ops.apply("stopGradient", (g, in) -> g.op("StopGradient", in[0]), x);
  }

  private static void requireFn(Object fn, String op) {
    if (fn == null) {
      throw new NullPointerException(op + ": fn is null");
    }
  }

  /** Step (1): an Identity alias in the trace for every parameter leaf. */
  private TfTensor[] aliases(Trace trace, Flat flat, String op) {
    List<KeyPath> paths = flat.spec().paths();
    TfTensor[] out = new TfTensor[flat.leaves().size()];
    for (int i = 0; i < out.length; i++) {
      Tensor t = AutodiffChecks.floatingLeaf(flat.leaves().get(i), op + " parameter", paths.get(i));
      Output<?> in = trace.in(ops.unwrap(t, op));
      out[i] = trace.symbolic(trace.builder.op("Identity", in));
    }
    return out;
  }

  /** The explicit seed: ones with {@code y}'s shape and dtype, as a graph constant. */
  private static Output<?> ones(Trace trace, TfTensor y) {
    double[] data = new double[Math.toIntExact(y.shape().size())];
    Arrays.fill(data, 1.0);
    return trace.builder.constant(data, y.shape(), y.dtype());
  }

  /**
   * Steps (3) and (4); a parameter the outputs do not depend on gets zeros (TensorFlow refuses to
   * differentiate with respect to an unreachable node, so those are left out of its call).
   */
  private static TfTensor[] gradients(Trace trace, Output<?>[] ys, TfTensor[] xs,
      Output<?>[] seeds, boolean createGraph) {
    Set<String> reachable = GraphPaths.ancestors(trace.graph, ys);
    List<Output<?>> wanted = new ArrayList<>();
    for (TfTensor x : xs) {
      if (reachable.contains(x.symbol().op().name())) {
        wanted.add(x.symbol());
      }
    }
    Output<?>[] g = wanted.isEmpty() ? new Output<?>[0] : TfErrors.build(
        () -> trace.graph.addGradients(trace.gradientPrefix(), ys,
            wanted.toArray(new Output<?>[0]), seeds), "gradient");
    SecondOrderGradients.rethrowPending();
    TfTensor[] out = new TfTensor[xs.length];
    int next = 0;
    for (int i = 0; i < xs.length; i++) {
      Output<?> x = xs[i].symbol();
      boolean used = next < wanted.size() && wanted.get(next) == x;
      Output<?> gi = used && GraphPaths.hasGradient(g[next])
          ? g[next] : trace.builder.op("ZerosLike", x);
      if (used) {
        next++;
      }
      if (!createGraph) {
        gi = trace.builder.op("StopGradient", gi);
      }
      out[i] = trace.symbolic(gi);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static <P> P unflatten(TreeSpec spec, TfTensor[] leaves) {
    return (P) spec.unflatten(Arrays.asList((Object[]) leaves));
  }
}
