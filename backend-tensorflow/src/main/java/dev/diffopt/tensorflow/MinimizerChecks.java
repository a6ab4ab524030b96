package dev.diffopt.tensorflow;

import dev.diffopt.tensor.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.DataType;

/** The argument checks of {@link GraphMinimizer}, each naming the offending operand. */
final class MinimizerChecks {
  private MinimizerChecks() {}

  /** The loss's dtype; it must be a floating scalar of {@code graph}. */
  static DType loss(Graph graph, Output<?> loss) {
    if (loss.env() != graph) {
      throw new IllegalArgumentException("GraphMinimizer: the loss " + loss.name()
          + " belongs to another execution environment (" + loss.env() + ") than the graph");
    }
    DType dtype = floating(loss, "the loss " + loss.name());
    if (loss.shape().isUnknown() || loss.shape().numDimensions() != 0) {
      throw new IllegalArgumentException("GraphMinimizer: the loss " + loss.name()
          + " must be a scalar, got shape " + loss.shape() + "; reduce it (e.g. tf.math.mean)");
    }
    return dtype;
  }

  /** Checks that {@code v} is a variable of {@code graph} not given before. */
  static void variable(Graph graph, Variable<?> v, List<String> before) {
    if (v == null) {
      throw new NullPointerException("GraphMinimizer: variable " + before.size() + " is null");
    }
    String name = v.op().name();
    if (v.env() != graph) {
      throw new IllegalArgumentException(
          "GraphMinimizer: variable '" + name + "' belongs to another graph (" + v.env() + ")");
    }
    if (before.contains(name)) {
      throw new IllegalArgumentException(
          "GraphMinimizer: variable '" + name + "' is given twice: " + before + " and again");
    }
  }

  /** The diffopt dtype of a float32 or float64 value (a variable's reference counts as its value). */
  static DType floating(Output<?> value, String what) {
    DataType type = value.dataType();
    DataType base = type.getNumber() > 100 ? DataType.forNumber(type.getNumber() - 100) : type;
    if (base != DataType.DT_FLOAT && base != DataType.DT_DOUBLE) {
      throw new IllegalArgumentException(
          "GraphMinimizer: " + what + " must be float32 or float64, got " + type);
    }
    return TfTypes.dtype(base);
  }

  /** Checks that the loss depends on every variable. */
  static void reachable(Graph graph, Output<?> loss, List<String> names) {
    Set<String> ancestors = GraphPaths.ancestors(graph, new Output<?>[] {loss});
    List<String> unused = new ArrayList<>();
    for (String name : names) {
      if (!ancestors.contains(name)) {
        unused.add(name);
      }
    }
    if (!unused.isEmpty()) {
      throw new IllegalArgumentException("GraphMinimizer: the loss " + loss.name()
          + " does not depend on variable(s) " + unused + "; leave them out");
    }
  }
}
