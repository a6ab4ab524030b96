package dev.diffopt.tensorflow;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import java.util.function.UnaryOperator;
import org.tensorflow.Graph;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;

/**
 * Adds raw operations to one TensorFlow {@link Graph}: the single place where diffopt names
 * TensorFlow op types, used both for traced functions and for the one-op graphs of eager
 * execution. Not thread-safe by itself; a graph is built by one thread at a time.
 */
final class GraphBuilder {
  final Graph graph;
  private final Scope scope;

  GraphBuilder(Graph graph) {
    this(graph, Ops.create(graph).scope());
  }

  /** Adds operations through {@code scope} (e.g. the one TensorFlow gives a gradient rule). */
  GraphBuilder(Graph graph, Scope scope) {
    this.graph = graph;
    this.scope = scope;
  }

  /** Op {@code type} with {@code inputs}, attributes set by {@code attrs}; its first output. */
  Output<?> op(String type, UnaryOperator<OperationBuilder> attrs, Output<?>... inputs) {
    OperationBuilder b = scope.opBuilder(type, type);
    for (Output<?> in : inputs) {
      b.addInput(in);
    }
    Operation op = attrs.apply(b).build();
    return op.output(0);
  }

  /** Op {@code type} with {@code inputs} and no attributes; its first output. */
  Output<?> op(String type, Output<?>... inputs) {
    return op(type, b -> b, inputs);
  }

  Output<?> placeholder(DType dtype, org.tensorflow.ndarray.Shape shape) {
    return op("Placeholder",
        b -> b.setAttr("dtype", TfTypes.dataType(dtype)).setAttr("shape", shape));
  }

  /** A constant holding {@code data} (the graph copies it). */
  Output<?> constant(double[] data, Shape shape, DType dtype) {
    try (Tensor t = TfTypes.tensor(data, shape, dtype)) {
      return op("Const", b -> b.setAttr("value", t).setAttr("dtype", TfTypes.dataType(dtype)));
    }
  }

  Output<?> scalar(double value, DType dtype) {
    return constant(new double[] {value}, Shape.scalar(), dtype);
  }

  Output<?> int32s(int... values) {
    double[] d = new double[values.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = values[i];
    }
    return constant(d, Shape.of(values.length), DType.INT32);
  }

  Output<?> int64s(long... values) {
    double[] d = new double[values.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = values[i];
    }
    return constant(d, Shape.of(values.length), DType.INT64);
  }

  /** {@code Cast} to {@code dtype}. */
  Output<?> cast(Output<?> x, DType dtype) {
    return op("Cast", b -> b.setAttr("DstT", TfTypes.dataType(dtype)), x);
  }

  /** {@code Reshape} to a static shape. */
  Output<?> reshape(Output<?> x, long... dims) {
    return op("Reshape", x, int64s(dims));
  }

  /** Sum over {@code axes} (already normalized), keeping them or not. */
  Output<?> reduce(String type, Output<?> x, int[] axes, boolean keepDims) {
    return op(type, b -> b.setAttr("keep_dims", keepDims), x, int32s(axes));
  }
}
