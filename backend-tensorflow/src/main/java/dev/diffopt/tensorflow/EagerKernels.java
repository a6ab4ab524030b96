package dev.diffopt.tensorflow;

import java.util.HashMap;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;

/**
 * Runs operations eagerly: each distinct operation (op, constant arguments, input dtypes and
 * ranks) is added once to one shared graph as a small subgraph between placeholders of unknown
 * extents, and run through one session with the inputs fed. The same {@link Body} builds the
 * operation inside traced functions, so eager and staged execution share every op definition.
 */
final class EagerKernels implements AutoCloseable {
  /** Builds one operation from its graph inputs. */
  interface Body {
    Output<?> build(GraphBuilder b, Output<?>[] in);
  }

  private record Kernel(Output<?>[] inputs, Output<?> output) {}

  private final Graph graph = new Graph();
  private final GraphBuilder builder = new GraphBuilder(graph);
  private final Session session;
  private final Map<String, Kernel> kernels = new HashMap<>();

  EagerKernels(int threads) {
    this.session = new Session(graph, SessionConfigs.of(threads));
  }

  /**
   * Runs {@code body} on the host values of {@code inputs}; {@code key} names the operation and
   * every constant argument {@code body} bakes in.
   *
   * @return a new host tensor owned by the caller
   */
  org.tensorflow.Tensor run(String key, Body body, TfTensor... inputs) {
    StringBuilder full = new StringBuilder(key);
    for (TfTensor t : inputs) {
      full.append('|').append(t.dtype()).append(t.shape().rank());
    }
    Kernel kernel;
    synchronized (this) {
      kernel = kernels.get(full.toString());
      if (kernel == null) {
        Output<?>[] in = new Output<?>[inputs.length];
        for (int i = 0; i < in.length; i++) {
          in[i] = builder.placeholder(inputs[i].dtype(), unknownExtents(inputs[i].shape().rank()));
        }
        kernel = new Kernel(in, body.build(builder, in));
        kernels.put(full.toString(), kernel);
      }
    }
    Session.Runner runner = session.runner();
    for (int i = 0; i < inputs.length; i++) {
      runner.feed(kernel.inputs[i], inputs[i].value());
    }
    // the result's tensors are handed over, not closed with it
    Result result = TfErrors.run(runner.fetch(kernel.output), key);
    return result.get(0);
  }

  /** Runs a body with no inputs (creation of constants). */
  org.tensorflow.Tensor run(String key, Body body) {
    return run(key, body, new TfTensor[0]);
  }

  private static org.tensorflow.ndarray.Shape unknownExtents(int rank) {
    long[] dims = new long[rank];
    java.util.Arrays.fill(dims, org.tensorflow.ndarray.Shape.UNKNOWN_SIZE);
    return org.tensorflow.ndarray.Shape.of(dims);
  }

  /** The number of distinct operations built so far. */
  synchronized int size() {
    return kernels.size();
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
