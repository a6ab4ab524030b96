package dev.diffopt.tensorflow;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Output;

/**
 * A function being traced into a TensorFlow graph on the current thread. While a trace is open,
 * every tensor operation of the backend on this thread adds graph operations instead of running;
 * eager tensors that the function uses (captured by closures) become graph inputs fed with their
 * current values at every run. One trace per thread: staging inside a trace inlines.
 */
final class Trace implements AutoCloseable {
  private static final ThreadLocal<Trace> CURRENT = new ThreadLocal<>();
  /** The start of the name scope of every gradient call in a traced graph. */
  static final String GRADIENT_PREFIX = "diffopt_grad_";

  final TfBackend backend;
  final Graph graph;
  final GraphBuilder builder;
  private final Map<TfTensor, Output<?>> captureIndex = new IdentityHashMap<>();
  /** The eager tensors the traced function read, in the order of {@link #capturePlaceholders}. */
  final List<TfTensor> captures = new ArrayList<>();
  final List<Output<?>> capturePlaceholders = new ArrayList<>();
  private boolean open = true;
  private int gradients;

  private Trace(TfBackend backend) {
    this.backend = backend;
    this.graph = new Graph();
    this.builder = new GraphBuilder(graph);
  }

  /** The trace open on this thread, or null. */
  static Trace current() {
    return CURRENT.get();
  }

  /** Opens a trace on this thread; fails if one is open already (callers inline instead). */
  static Trace open(TfBackend backend) {
    if (CURRENT.get() != null) {
      throw new IllegalStateException("a trace is already open on this thread");
    }
    Trace t = new Trace(backend);
    CURRENT.set(t);
    return t;
  }

  /** The graph value standing for {@code t} in this trace, capturing it if it is eager. */
  Output<?> in(TfTensor t) {
    if (t.isSymbolic()) {
      if (t.trace() != this) {
        throw new IllegalStateException(
            "a tensor of another staged function (or of one that has finished) was used here: "
                + "symbolic tensors live only inside the function that made them; return it from "
                + "that function instead");
      }
      return t.symbol();
    }
    Output<?> p = captureIndex.get(t);
    if (p == null) {
      p = builder.placeholder(t.dtype(), TfTypes.tfShape(t.shape()));
      captureIndex.put(t, p);
      captures.add(t);
      capturePlaceholders.add(p);
    }
    return p;
  }

  /** A new symbolic tensor for {@code out}, with its static shape. */
  TfTensor symbolic(Output<?> out) {
    Shape shape = TfTypes.shape(out.shape(), out.op().type());
    DType dtype = TfTypes.dtype(out.dataType());
    return new TfTensor(backend.tfOps(), this, out, shape, dtype);
  }

  /** A fresh name prefix for one gradient computation in this graph. */
  String gradientPrefix() {
    return GRADIENT_PREFIX + gradients++;
  }

  boolean isOpen() {
    return open;
  }

  /**
   * Ends tracing on this thread. The graph stays alive for the session that runs it (the owner
   * closes it); symbolic tensors of this trace can no longer be used.
   */
  @Override
  public void close() {
    if (open) {
      open = false;
      if (CURRENT.get() == this) {
        CURRENT.remove();
      }
    }
  }
}
