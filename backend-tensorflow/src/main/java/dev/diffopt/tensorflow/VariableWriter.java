package dev.diffopt.tensorflow;

import dev.diffopt.tensor.DType;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Output;
import org.tensorflow.Session;

/**
 * Writes host values into variables of a user's graph: one {@code Placeholder} and one {@code
 * Assign} per variable, added to the graph once, then one session run per write.
 */
final class VariableWriter {
  private final List<Output<?>> placeholders = new ArrayList<>();
  private final List<Output<?>> assigns = new ArrayList<>();

  /** Adds the placeholders and assignments through {@code builder}. */
  VariableWriter(GraphBuilder builder, List<Output<?>> variables, List<DType> dtypes) {
    for (int i = 0; i < variables.size(); i++) {
      Output<?> variable = variables.get(i);
      Output<?> value = builder.placeholder(dtypes.get(i), variable.shape());
      placeholders.add(value);
      assigns.add(builder.op("Assign", variable, value));
    }
  }

  /** Assigns {@code values} (eager tensors, in the variables' order) in one run of {@code session}. */
  void write(Session session, List<TfTensor> values, String what) {
    Session.Runner runner = session.runner();
    for (int i = 0; i < placeholders.size(); i++) {
      runner.feed(placeholders.get(i), values.get(i).value());
      runner.addTarget(assigns.get(i).op());
    }
    TfErrors.run(runner, what).close();
  }
}
