package dev.diffopt.tensorflow;

import java.util.List;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;

/** Runs a traced graph: feeds its inputs and the current values of its captures, fetches. */
final class GraphRun {
  private GraphRun() {}

  /**
   * One run of {@code session} over {@code trace}'s graph.
   *
   * @param inputs placeholders of the function's own inputs
   * @param inputValues their values, in order
   * @param fetches the outputs to fetch
   * @return one new host tensor per fetch, owned by the caller
   */
  static org.tensorflow.Tensor[] run(Session session, Trace trace, List<Output<?>> inputs,
      List<TfTensor> inputValues, List<Output<?>> fetches, String what) {
    Session.Runner runner = session.runner();
    for (int i = 0; i < inputs.size(); i++) {
      runner.feed(inputs.get(i), inputValues.get(i).value());
    }
    for (int i = 0; i < trace.captures.size(); i++) {
      TfTensor c = trace.captures.get(i);
      if (c.isClosed()) {
        throw new IllegalStateException(what + ": the function read a tensor " + c.dtype()
            + c.shape() + " from outside (a closure) that has since been closed; pass it as an "
            + "argument instead");
      }
      runner.feed(trace.capturePlaceholders.get(i), c.value());
    }
    for (Output<?> f : fetches) {
      runner.fetch(f);
    }
    Result result = TfErrors.run(runner, what);
    org.tensorflow.Tensor[] out = new org.tensorflow.Tensor[fetches.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = result.get(i);
    }
    return out;
  }
}
