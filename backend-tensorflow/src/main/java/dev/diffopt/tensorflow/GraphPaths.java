package dev.diffopt.tensorflow;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;

/** What a graph's gradient machinery can reach: data ancestors and missing gradients. */
final class GraphPaths {
  private GraphPaths() {}

  /**
   * The names of every operation that {@code ys} depend on through data inputs, including their
   * own. Operations are tracked by name and looked up in the graph afresh: the wrappers that
   * {@code GraphOperation.input} returns hold native handles that TensorFlow Java may release.
   */
  static Set<String> ancestors(Graph graph, Output<?>[] ys) {
    Set<String> seen = new HashSet<>();
    Deque<String> work = new ArrayDeque<>();
    for (Output<?> y : ys) {
      work.push(y.op().name());
    }
    while (!work.isEmpty()) {
      String name = work.pop();
      if (seen.add(name)) {
        GraphOperation op = graph.operationOrThrow(name);
        for (int i = 0; i < op.numInputs(); i++) {
          work.push(op.input(i).op().name());
        }
      }
    }
    return seen;
  }

  /**
   * Whether {@code addGradients} gave a gradient: for an input reached only through ops without
   * a gradient path (e.g. {@code StopGradient}) it returns an output whose operation is null.
   */
  static boolean hasGradient(Output<?> g) {
    if (g == null) {
      return false;
    }
    org.tensorflow.internal.c_api.TF_Operation handle =
        ((GraphOperation) g.op()).getUnsafeNativeHandle();
    return handle != null && !handle.isNull();
  }
}
