package dev.diffopt.tensorflow;

import dev.diffopt.Backends;
import dev.diffopt.optim.Optimizer;
import dev.diffopt.spi.Backend;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.transform.GradientTransformation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;

/**
 * Minimizes a loss of an ordinary TensorFlow Java graph with any diffopt {@link
 * GradientTransformation}, updating the graph's own variables:
 *
 * <pre>{@code
 * Ops tf = Ops.create(graph);
 * Variable<TFloat32> w = tf.withName("w").variable(tf.zeros(tf.constant(new long[] {3, 1}),
 *     TFloat32.class));
 * Operand<TFloat32> loss = tf.math.mean(tf.math.square(tf.math.sub(tf.linalg.matMul(x, w), y)),
 *     tf.constant(new int[] {0, 1}));
 * try (GraphMinimizer minimizer = GraphMinimizer.of(backend, Adam.of(0.05), graph, loss, List.of(w));
 *     Session session = new Session(graph)) {
 *   session.initialize();
 *   for (...) {
 *     double lossBeforeStep = minimizer.minimize(session, Map.of(x, xs, y, ys));
 *   }
 * }
 * }</pre>
 *
 * <p>{@link #of} adds to the graph, once: the gradients of the loss with respect to the variables
 * ({@code Graph.addGradients}, explicitly seeded), and one {@code Placeholder} and {@code Assign}
 * per variable, all under a fresh name prefix {@code diffopt_minimizer_N}. Each {@link #minimize}
 * then (1) runs the session once with the caller's feeds, fetching the loss, the gradients and the
 * variables' current values, (2) computes the diffopt update on the TensorFlow backend as a
 * {@link Optimizer} does (the op-by-op update staged into one graph, traced once and re-run; the
 * transformation's state kept on the host across steps) and (3) runs the session once more to
 * assign the new values. The result is the functional path {@code update =
 * transformation.update(grads, state, params); params = Updates.apply(params, update)} on the
 * graph's gradients. The tree is a map from each variable's operation name to its value, in the
 * order given (masks and partitions can name variables).
 *
 * <p>Variables are read at every step, so values written by other code between steps are used.
 * Variables must be initialized before the first step ({@code session.initialize()}). Calls are
 * serialized; {@link #close()} frees the state (the graph keeps the added operations).
 */
public final class GraphMinimizer implements AutoCloseable {
  private static final String PREFIX = "diffopt_minimizer_";

  private final TfBackend backend;
  private final GradientTransformation transformation;
  private final Graph graph;
  private final Output<?> loss;
  private final DType lossDType;
  private final List<String> names = new ArrayList<>();
  private final List<Output<?>> variables = new ArrayList<>();
  private final List<Output<?>> gradients = new ArrayList<>();
  private final VariableWriter writer;
  /** The variables' values (owned), created at the first step. */
  private Map<String, Tensor> params;
  private Optimizer optimizer;
  private boolean closed;

  private GraphMinimizer(TfBackend backend, GradientTransformation transformation, Graph graph,
      Operand<?> loss, List<? extends Variable<?>> variables) {
    this.backend = backend;
    this.transformation = transformation;
    this.graph = graph;
    this.loss = loss.asOutput();
    this.lossDType = MinimizerChecks.loss(graph, this.loss);
    List<DType> dtypes = new ArrayList<>();
    for (Variable<?> v : variables) {
      MinimizerChecks.variable(graph, v, names);
      names.add(v.op().name());
      this.variables.add(v.asOutput());
      dtypes.add(MinimizerChecks.floating(v.asOutput(), "variable '" + v.op().name() + "'"));
    }
    MinimizerChecks.reachable(graph, this.loss, names);
    String prefix = freshPrefix(graph);
    GraphBuilder builder = new GraphBuilder(graph, Ops.create(graph).withSubScope(prefix).scope());
    Output<?>[] seed = {builder.scalar(1.0, lossDType)};
    Output<?>[] grads = TfErrors.build(() -> graph.addGradients(prefix + "_gradients",
        new Output<?>[] {this.loss}, this.variables.toArray(new Output<?>[0]), seed),
        "GraphMinimizer: the gradients of the loss");
    SecondOrderGradients.rethrowPending();
    for (int i = 0; i < grads.length; i++) {
      if (!GraphPaths.hasGradient(grads[i])) {
        throw new IllegalArgumentException("GraphMinimizer: the loss has no gradient with respect "
            + "to variable '" + names.get(i) + "' (it is reached only through operations without "
            + "a gradient, such as StopGradient)");
      }
      gradients.add(grads[i]);
    }
    this.writer = new VariableWriter(builder, this.variables, dtypes);
  }

  /**
   * A minimizer of {@code loss} over {@code variables} of {@code graph}; adds its operations to the
   * graph (see the class comment).
   *
   * @param backend the TensorFlow backend the update runs on
   * @param transformation the update rule, e.g. {@code Adam.of(1e-3)}
   * @param graph the graph holding the loss and the variables
   * @param loss a scalar float32 or float64 loss
   * @param variables the variables to train ({@code tf.variable(...)}), at least one
   * @return the minimizer
   * @throws IllegalArgumentException naming the offending operand if the loss is not a floating
   *     scalar of {@code graph}, a variable is of another graph, not floating, given twice, or does
   *     not influence the loss
   */
  public static GraphMinimizer of(TfBackend backend, GradientTransformation transformation,
      Graph graph, Operand<?> loss, List<? extends Variable<?>> variables) {
    if (backend == null || transformation == null || graph == null || loss == null
        || variables == null) {
      throw new NullPointerException("GraphMinimizer.of: backend (" + backend
          + "), transformation (" + transformation + "), graph (" + graph + "), loss (" + loss
          + ") and variables (" + variables + ") must not be null");
    }
    if (variables.isEmpty()) {
      throw new IllegalArgumentException("GraphMinimizer.of: variables is empty");
    }
    return new GraphMinimizer(backend, transformation, graph, loss, List.copyOf(variables));
  }

  /**
   * {@link #of(TfBackend, GradientTransformation, Graph, Operand, List)} on {@code
   * Backends.get("tensorflow")}.
   *
   * @param transformation the update rule
   * @param graph the graph holding the loss and the variables
   * @param loss a scalar float32 or float64 loss
   * @param variables the variables to train
   * @return the minimizer
   */
  public static GraphMinimizer of(GradientTransformation transformation, Graph graph,
      Operand<?> loss, List<? extends Variable<?>> variables) {
    Backend b = Backends.get("tensorflow");
    if (!(b instanceof TfBackend tf)) {
      throw new IllegalStateException(
          "GraphMinimizer: backend 'tensorflow' is a " + b.getClass().getName());
    }
    return of(tf, transformation, graph, loss, variables);
  }

  /** {@code diffopt_minimizer_N} with the smallest N that no operation name starts with. */
  private static String freshPrefix(Graph graph) {
    List<String> taken = new ArrayList<>();
    for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
      String name = it.next().name();
      if (name.startsWith(PREFIX)) {
        taken.add(name);
      }
    }
    for (int n = 0; ; n++) {
      String candidate = PREFIX + n;
      if (taken.stream().noneMatch(name -> name.startsWith(candidate))) {
        return candidate;
      }
    }
  }

  /**
   * {@link #minimize(Session, Map)} for a graph without placeholders to feed.
   *
   * @param session a session of the graph, its variables initialized
   * @return the loss before the step
   */
  public double minimize(Session session) {
    return minimize(session, Map.of());
  }

  /**
   * One step: evaluates the loss and its gradients with {@code feeds}, computes the diffopt update
   * and assigns the new values to the variables.
   *
   * @param session a session of the graph, its variables initialized
   * @param feeds values for the graph's placeholders (the caller keeps ownership)
   * @return the loss before the step
   * @throws IllegalArgumentException if the session belongs to another graph, or TensorFlow fails
   *     to run (a missing feed, an uninitialized variable, …), with TensorFlow's message
   */
  public synchronized double minimize(
      Session session, Map<? extends Operand<?>, ? extends org.tensorflow.Tensor> feeds) {
    if (closed) {
      throw new IllegalStateException("GraphMinimizer.minimize: the minimizer is closed");
    }
    if (session == null || feeds == null) {
      throw new NullPointerException("GraphMinimizer.minimize: session (" + session
          + ") and feeds (" + feeds + ") must not be null");
    }
    if (session.graph() != graph) {
      throw new IllegalArgumentException("GraphMinimizer.minimize: the session runs another "
          + "graph (" + session.graph() + ") than the minimizer's (" + graph + ")");
    }
    Session.Runner runner = session.runner();
    feeds.forEach(runner::feed);
    runner.fetch(loss);
    gradients.forEach(runner::fetch);
    variables.forEach(runner::fetch);
    Result result = TfErrors.run(runner, "GraphMinimizer.minimize");
    double value;
    try (Scope scope = Scope.open()) {
      TfTensorOps ops = backend.tfOps();
      value = ops.eager(result.get(0)).item();
      Map<String, Tensor> grads = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        grads.put(names.get(i), ops.eager(result.get(1 + i)));
      }
      readValues(result, 1 + names.size(), scope);
      optimizer.step(grads);
    }
    List<TfTensor> values = new ArrayList<>();
    params.values().forEach(t -> values.add((TfTensor) t));
    writer.write(session, values, "GraphMinimizer.minimize: assigning the variables");
    return value;
  }

  /** Takes the fetched variable values as the parameters (the first time, the optimizer too). */
  private void readValues(Result result, int first, Scope scope) {
    if (params == null) {
      Map<String, Tensor> values = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        values.put(names.get(i), scope.detach(backend.tfOps().eager(result.get(first + i))));
      }
      params = values;
      optimizer = Optimizer.of(backend, transformation, params);
      return;
    }
    for (int i = 0; i < names.size(); i++) {
      ((TfTensor) params.get(names.get(i))).replace(result.get(first + i));
    }
  }

  /**
   * The variables' operation names, the keys of the tree, in the order given.
   *
   * @return the names
   */
  public List<String> variableNames() {
    return List.copyOf(names);
  }

  /**
   * The gradient outputs added to the graph, one per variable (to fetch them elsewhere).
   *
   * @return the gradients, in the variables' order
   */
  public List<Output<?>> gradients() {
    return List.copyOf(gradients);
  }

  /**
   * The update rule.
   *
   * @return the transformation
   */
  public GradientTransformation transformation() {
    return transformation;
  }

  /**
   * The diffopt state after the last step, owned by this minimizer (valid until the next step).
   *
   * @return the state tree, or {@code null} before the first step
   */
  public synchronized Object state() {
    return optimizer == null ? null : optimizer.state();
  }

  /**
   * The number of steps taken.
   *
   * @return the count
   */
  public synchronized long steps() {
    return optimizer == null ? 0 : optimizer.steps();
  }

  /** Frees the state and the host copies of the variables; the graph is left as it is. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      if (optimizer != null) {
        optimizer.close();
        params.values().forEach(Tensor::close);
      }
    }
  }
}
