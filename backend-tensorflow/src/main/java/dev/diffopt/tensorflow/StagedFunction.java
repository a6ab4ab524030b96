package dev.diffopt.tensorflow;

import dev.diffopt.tensor.Tensor;
import dev.diffopt.tree.Flat;
import dev.diffopt.tree.KeyPath;
import dev.diffopt.tree.Trees;
import dev.diffopt.viz.DotGraph;
import dev.diffopt.viz.DotLabels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.tensorflow.Output;
import org.tensorflow.Session;

/**
 * A pure tree-to-tree function staged into TensorFlow graphs ({@link TfBackend#stage}). The first
 * call with a given input structure, tensor shapes and dtypes (and equal non-tensor leaves) traces
 * the function once into a graph; later calls with that signature only feed the inputs and run
 * the graph. A new signature traces a new graph.
 *
 * <p>Tensors the function reads from outside (closures) are fed with their values at each call;
 * everything else it computes is fixed at trace time, as in JAX's {@code jit}: the function must
 * not depend on mutable Java state. Called inside another staged function or gradient, it is
 * inlined into that graph.
 *
 * @param <I> the input tree type
 * @param <O> the output tree type
 */
public final class StagedFunction<I, O> implements Function<I, O>, AutoCloseable {
  private final TfBackend backend;
  private final Function<I, O> fn;
  private final Map<List<Object>, Compiled> graphs = new ConcurrentHashMap<>();
  private volatile long lastBuildNanos = -1;
  private volatile long lastFirstRunNanos = -1;

  StagedFunction(TfBackend backend, Function<I, O> fn) {
    this.backend = backend;
    this.fn = fn;
  }

  /** One traced graph: its session, inputs, outputs and the output structure. */
  private final class Compiled {
    final Trace trace;
    final Session session;
    final List<Output<?>> inputs;
    final GraphOutputs outputs;
    volatile boolean ran;

    Compiled(Trace trace, List<Output<?>> inputs, GraphOutputs outputs) {
      this.trace = trace;
      this.inputs = inputs;
      this.outputs = outputs;
      this.session = new Session(trace.graph, SessionConfigs.of(backend.threads()));
    }

    @SuppressWarnings("unchecked")
    O run(List<TfTensor> inputValues) {
      long t0 = System.nanoTime();
      org.tensorflow.Tensor[] values =
          GraphRun.run(session, trace, inputs, inputValues, outputs.fetches, "staged function");
      if (!ran) {
        ran = true;
        lastFirstRunNanos = System.nanoTime() - t0;
      }
      return (O) outputs.rebuild(backend.tfOps(), values);
    }

    void close() {
      session.close();
      trace.graph.close();
    }
  }

  @Override
  public O apply(I input) {
    if (Trace.current() != null) {
      return fn.apply(input);
    }
    Flat flat = Trees.flatten(input);
    Compiled c = compiled(flat);
    List<TfTensor> tensors = new ArrayList<>();
    for (Object leaf : flat.leaves()) {
      if (leaf instanceof TfTensor t) {
        tensors.add(t);
      }
    }
    return c.run(tensors);
  }

  /**
   * The graph that {@link #apply} runs for {@code input}'s signature, as Graphviz DOT: {@link
   * #toDot(Object, boolean) toDot(input, false)}.
   *
   * @param input an input of the signature to show (its values are not read)
   * @return the graph
   */
  public DotGraph toDot(I input) {
    return toDot(input, false);
  }

  /**
   * The graph that {@link #apply} runs for {@code input}'s signature, as Graphviz DOT, traced now
   * (without running it) if this signature has not been traced yet. Nodes are the graph's
   * operations and edges its data flow; the placeholders of the input tensors are labelled with
   * their paths in the input tree in the short form of {@link DotLabels#path} (e.g. {@code
   * params[0]}, {@code tasks.xs}), those of captured closure tensors {@code capture k}, and every
   * fetched output has a node labelled with its path in the output tree (e.g. {@code loss}, {@code
   * state[0].mu[1]}); these carry their dtype and shape. A meta-step's graph is mostly its
   * gradients: with {@code collapseGradients} each gradient call (TensorFlow's {@code
   * addGradients}, under the name scope {@code diffopt_grad_K/}) is drawn as one node counting its
   * operations, which keeps the forward computation readable. Write it with {@code
   * Files.writeString(path, dot.toDot())} and render it with {@code dot -Tsvg}.
   *
   * @param input an input of the signature to show (its values are not read)
   * @param collapseGradients draw each gradient call as one node
   * @return the graph
   * @throws IllegalStateException inside a trace (a staged function there has no graph of its
   *     own: it is inlined)
   */
  public DotGraph toDot(I input, boolean collapseGradients) {
    if (Trace.current() != null) {
      throw new IllegalStateException("toDot was called while a function is being traced; a"
          + " staged function called there is inlined and has no graph of its own");
    }
    Flat flat = Trees.flatten(input);
    Compiled c = compiled(flat);
    List<KeyPath> paths = flat.spec().paths();
    List<String> inputNames = new ArrayList<>();
    for (int i = 0; i < paths.size(); i++) {
      if (flat.leaves().get(i) instanceof TfTensor) {
        inputNames.add(DotLabels.path(paths.get(i)));
      }
    }
    List<String> outputNames = new ArrayList<>();
    for (KeyPath p : c.outputs.fetchPaths()) {
      outputNames.add(DotLabels.path(p));
    }
    return GraphDot.of(c.trace, c.inputs, inputNames, c.outputs.fetches, outputNames,
        collapseGradients);
  }

  /** The graph of {@code flat}'s signature, traced on first use. */
  private Compiled compiled(Flat flat) {
    List<Object> key = signature(flat);
    Compiled c = graphs.get(key);
    if (c == null) {
      synchronized (this) {
        c = graphs.get(key);
        if (c == null) {
          c = compile(flat);
          graphs.put(key, c);
        }
      }
    }
    return c;
  }

  /** The input structure, then per leaf its dtype and shape (tensors) or the leaf itself. */
  private List<Object> signature(Flat flat) {
    List<Object> key = new ArrayList<>(flat.leaves().size() + 1);
    key.add(flat.spec());
    for (int i = 0; i < flat.leaves().size(); i++) {
      Object leaf = flat.leaves().get(i);
      if (leaf instanceof Tensor t) {
        TfTensor tf = backend.tfOps().unwrap(t, "staged function input");
        key.add(List.of(tf.dtype(), tf.shape()));
      } else {
        key.add(leaf == null ? List.of() : leaf);
      }
    }
    return key;
  }

  private Compiled compile(Flat flat) {
    long t0 = System.nanoTime();
    Trace trace = Trace.open(backend);
    boolean done = false;
    try {
      List<Output<?>> inputs = new ArrayList<>();
      Object[] symbolic = new Object[flat.leaves().size()];
      for (int i = 0; i < symbolic.length; i++) {
        Object leaf = flat.leaves().get(i);
        if (leaf instanceof TfTensor t) {
          Output<?> p = trace.builder.placeholder(t.dtype(), TfTypes.tfShape(t.shape()));
          inputs.add(p);
          symbolic[i] = trace.symbolic(p);
        } else {
          symbolic[i] = leaf;
        }
      }
      @SuppressWarnings("unchecked")
      I tracedInput = (I) flat.spec().unflatten(Arrays.asList(symbolic));
      GraphOutputs outputs =
          GraphOutputs.of(trace, fn.apply(tracedInput), "staged function output");
      trace.close();
      Compiled c = new Compiled(trace, inputs, outputs);
      lastBuildNanos = System.nanoTime() - t0;
      done = true;
      return c;
    } finally {
      trace.close();
      if (!done) {
        trace.graph.close();
      }
    }
  }

  /**
   * The number of graphs traced so far (one per input signature).
   *
   * @return the number of cached graphs
   */
  public int graphCount() {
    return graphs.size();
  }

  /**
   * How long the last trace took, from the call to a ready session.
   *
   * @return nanoseconds, or -1 before the first trace
   */
  public long lastBuildNanos() {
    return lastBuildNanos;
  }

  /**
   * How long the first run of the last new graph took (it includes TensorFlow's graph
   * optimization).
   *
   * @return nanoseconds, or -1 before the first run
   */
  public long lastFirstRunNanos() {
    return lastFirstRunNanos;
  }

  /** Closes every graph and session of this function; a later call traces again. */
  @Override
  public synchronized void close() {
    for (Compiled c : graphs.values()) {
      c.close();
    }
    graphs.clear();
  }
}
