package dev.diffopt.tensorflow;

import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.spi.Backend;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.tensorflow.Session;

/**
 * The TensorFlow backend: TensorFlow 2.18 on the CPU through TensorFlow Java 1.1.0, with first-
 * and higher-order autodiff and graph-mode staging. Create it through {@link
 * dev.diffopt.Backends#get(String) Backends.get("tensorflow")}.
 *
 * <p>{@link #stage} traces a pure tree-to-tree function (a whole meta-step) once per input
 * signature into a TensorFlow graph and re-runs it with feeds ({@link StagedFunction}). Outside a
 * staged function, operations run eagerly and each gradient call traces and runs a graph of its
 * own, so every algorithm of the api works unchanged, only slower. On start the backend registers
 * the missing second-order gradient rules ({@link SecondOrderGradients}) and checks {@code d²/dx²
 * tanh} against its closed form.
 */
public final class TfBackend implements Backend {
  private static final Set<Capability> CAPABILITIES =
      Collections.unmodifiableSet(
          EnumSet.of(Capability.AUTODIFF, Capability.HIGHER_ORDER, Capability.FLOAT64));

  private final int threads;
  private final EagerKernels kernels;
  private final TfTensorOps ops;
  private final TfAutodiff autodiff;
  /** Staged functions by function object; the least recently used beyond the limit are closed. */
  private final Map<Function<?, ?>, StagedFunction<?, ?>> staged =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Function<?, ?>, StagedFunction<?, ?>> e) {
          if (size() > MAX_STAGED_FUNCTIONS) {
            e.getValue().close();
            return true;
          }
          return false;
        }
      };
  /** How many staged functions keep their graphs; an evicted one traces again if called. */
  static final int MAX_STAGED_FUNCTIONS = 256;

  TfBackend(int threads) {
    this.threads = threads;
    SecondOrderGradients.registerOnce();
    this.kernels = new EagerKernels(threads);
    this.ops = new TfTensorOps(this, kernels);
    this.autodiff = new TfAutodiff(this, ops);
    selfTest();
  }

  @Override
  public String name() {
    return TfBackendProvider.NAME;
  }

  @Override
  public Set<Capability> capabilities() {
    return CAPABILITIES;
  }

  @Override
  public TensorOps ops() {
    return ops;
  }

  TfTensorOps tfOps() {
    return ops;
  }

  int threads() {
    return threads;
  }

  /** The number of distinct eager operations built so far (each one a small shared subgraph). */
  int eagerKernelCount() {
    return kernels.size();
  }

  @Override
  public Autodiff autodiff() {
    return autodiff;
  }

  /**
   * Stages {@code fn} into TensorFlow graphs: see {@link StagedFunction}. Staging the same
   * function object again returns the same staged function (and its cached graphs), for the
   * {@value #MAX_STAGED_FUNCTIONS} functions staged most recently.
   */
  @Override
  @SuppressWarnings("unchecked")
  public <I, O> StagedFunction<I, O> stage(Function<I, O> fn) {
    if (fn == null) {
      throw new NullPointerException("stage: fn is null");
    }
    synchronized (staged) {
      return (StagedFunction<I, O>) staged.computeIfAbsent(fn, f -> new StagedFunction<>(this, fn));
    }
  }

  /**
   * Runs {@code body} in the trace open on this thread, or else in a new trace whose graph is run
   * once, the symbolic tensors of the result replaced by their values.
   */
  <R> R traced(String what, Function<Trace, R> body) {
    Trace open = Trace.current();
    if (open != null) {
      return body.apply(open);
    }
    Trace trace = Trace.open(this);
    try {
      GraphOutputs outputs = GraphOutputs.of(trace, body.apply(trace), what + " result");
      trace.close();
      org.tensorflow.Tensor[] values;
      try (Session session = new Session(trace.graph, SessionConfigs.of(threads))) {
        values = GraphRun.run(session, trace, List.of(), List.of(), outputs.fetches, what);
      }
      @SuppressWarnings("unchecked")
      R out = (R) outputs.rebuild(ops, values);
      return out;
    } finally {
      trace.close();
      trace.graph.close();
    }
  }

  /** Checks {@code d²/dx² tanh(x) = -2 tanh(x) (1 - tanh²(x))}: the registered rules work. */
  private void selfTest() {
    try (Scope scope = Scope.open()) {
      double x0 = 0.7;
      Tensor x = ops.fromDoubles(new double[] {x0}, Shape.scalar(), DType.FLOAT64);
      Tensor second = autodiff.grad(p -> autodiff.grad(q -> ops.tanh(q), p, true), x, false);
      double t = Math.tanh(x0);
      double expected = -2 * t * (1 - t * t);
      double got = second.item();
      if (Math.abs(got - expected) > 1e-12) {
        throw new IllegalStateException("tensorflow backend self-test failed: d²/dx² tanh at "
            + x0 + " gave " + got + " instead of " + expected);
      }
    }
  }

  @Override
  public void close() {
    synchronized (staged) {
      for (StagedFunction<?, ?> f : staged.values()) {
        f.close();
      }
      staged.clear();
    }
    kernels.close();
  }

  @Override
  public String toString() {
    return "TfBackend(TensorFlow " + org.tensorflow.TensorFlow.version() + ", " + threads
        + " intra-op threads)";
  }
}
