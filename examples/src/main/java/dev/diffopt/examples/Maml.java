package dev.diffopt.examples;

import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.autodiff.ValueAndGrad;
import dev.diffopt.distributed.Distributed;
import dev.diffopt.distributed.FlatTensors;
import dev.diffopt.distributed.MetaGradient;
import dev.diffopt.distributed.MetaTask;
import dev.diffopt.distributed.Partitioners;
import dev.diffopt.distributed.TaskRuntime;
import dev.diffopt.meta.MetaOptimizer;
import dev.diffopt.optim.Optimizers;
import dev.diffopt.spi.Backend;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Step;
import dev.diffopt.transform.Updates;
import dev.diffopt.tree.Trees;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * MAML on {@link Sinusoid} tasks with the {@link Mlp}, written once against the backend-neutral
 * API: the meta-step as one pure tree-to-tree function (so that {@link Backend#stage} can trace it
 * into a graph), and a {@link Learner} that owns the meta-parameters and the outer optimizer's
 * state from step to step. Shared by {@link MamlSinusoidDemo} and the MAML benchmark.
 */
public final class Maml {
  private Maml() {}

  /**
   * The tasks as float32 columns: per task {@code {xs, ys, xq, yq}}.
   *
   * @param ops the backend's operations
   * @param tasks the tasks
   * @return one map per task
   */
  public static List<Map<String, Tensor>> taskTensors(TensorOps ops, List<Sinusoid.Task> tasks) {
    List<Map<String, Tensor>> out = new ArrayList<>(tasks.size());
    for (Sinusoid.Task t : tasks) {
      out.add(Map.of("xs", Mlp.column(ops, t.xs()), "ys", Mlp.column(ops, t.ys()),
          "xq", Mlp.column(ops, t.xq()), "yq", Mlp.column(ops, t.yq())));
    }
    return out;
  }

  /**
   * One MAML meta-step as a pure function. Input {@code {"params": [W1, b1, ...], "state": the
   * outer optimizer's state, "tasks": [{xs, ys, xq, yq}, ...]}}; output {@code {"params", "state",
   * "loss": the meta-loss before the update, "grad": the meta-gradient}}.
   *
   * <p>Per task, a {@link MetaOptimizer} running SGD (TorchOpt's {@code MetaSGD}) takes {@code
   * innerSteps} differentiable steps on the support MSE from the meta-parameters; the meta-loss is
   * the mean query MSE of the adapted parameters, and its gradient flows back through the inner
   * steps (second order, or first order when {@code firstOrder}). The outer transformation then
   * updates the meta-parameters.
   *
   * @param backend the backend whose ops and autodiff the step uses
   * @param innerSteps differentiable inner steps per task
   * @param innerLr the inner SGD learning rate
   * @param firstOrder FOMAML: the inner gradients are constants for the outer gradient
   * @param outer the outer optimizer, e.g. {@code Optimizers.adam(1e-3)}
   * @return the step
   */
  public static Function<Map<String, Object>, Map<String, Object>> metaStep(Backend backend,
      int innerSteps, double innerLr, boolean firstOrder, GradientTransformation outer) {
    TensorOps ops = backend.ops();
    Autodiff ad = backend.autodiff();
    GradientTransformation sgd = Optimizers.sgd(innerLr);
    return in -> {
      List<Tensor> theta = asParams(in.get("params"));
      List<Map<String, Tensor>> tasks = tasks(in.get("tasks"));
      ValueAndGrad<List<Tensor>> vg = ad.valueAndGrad(meta -> {
        Tensor total = null;
        for (Map<String, Tensor> task : tasks) {
          MetaOptimizer<List<Tensor>> inner = firstOrder
              ? MetaOptimizer.firstOrder(backend, sgd, meta) : MetaOptimizer.of(backend, sgd, meta);
          for (int k = 0; k < innerSteps; k++) {
            inner.step(p -> Mlp.loss(ops, p, task.get("xs"), task.get("ys")));
          }
          Tensor query = Mlp.loss(ops, inner.params(), task.get("xq"), task.get("yq"));
          total = total == null ? query : ops.add(total, query);
        }
        return ops.mul(total, 1.0 / tasks.size());
      }, theta, false);
      return outerUpdate(outer, theta, in.get("state"), vg);
    };
  }

  /**
   * The tasks stacked along a leading task axis: {@code {xs, ys, xq, yq}}, each {@code T × n × 1}
   * float32 (the input of {@link #vectorizedMetaStep}).
   *
   * @param ops the backend's operations
   * @param tasks the tasks, all with the same numbers of points
   * @return the stacked tasks
   */
  public static Map<String, Tensor> stacked(TensorOps ops, List<Sinusoid.Task> tasks) {
    int s = tasks.get(0).xs().length;
    int q = tasks.get(0).xq().length;
    double[][] cols = new double[4][];
    for (int c = 0; c < 4; c++) {
      cols[c] = new double[tasks.size() * (c < 2 ? s : q)];
    }
    for (int t = 0; t < tasks.size(); t++) {
      Sinusoid.Task task = tasks.get(t);
      System.arraycopy(task.xs(), 0, cols[0], t * s, s);
      System.arraycopy(task.ys(), 0, cols[1], t * s, s);
      System.arraycopy(task.xq(), 0, cols[2], t * q, q);
      System.arraycopy(task.yq(), 0, cols[3], t * q, q);
    }
    Shape support = Shape.of(tasks.size(), s, 1);
    Shape query = Shape.of(tasks.size(), q, 1);
    return Map.of("xs", ops.fromDoubles(cols[0], support, DType.FLOAT32),
        "ys", ops.fromDoubles(cols[1], support, DType.FLOAT32),
        "xq", ops.fromDoubles(cols[2], query, DType.FLOAT32),
        "yq", ops.fromDoubles(cols[3], query, DType.FLOAT32));
  }

  /**
   * The same meta-step as {@link #metaStep}, vectorized over the tasks (as {@code vmap} would):
   * the meta-parameters are broadcast to one copy per task ({@code T × in × out}, {@code T × 1 ×
   * out}), one {@link MetaOptimizer} adapts all copies at once on the sum of the per-task support
   * MSEs (whose gradient with respect to copy {@code t} is task {@code t}'s gradient), and the
   * meta-loss is the mean of the per-task query MSEs. Same numbers up to float32 rounding, about
   * an order of magnitude fewer (larger) kernels. Input {@code "tasks"} from {@link #stacked}.
   *
   * @param backend the backend
   * @param innerSteps differentiable inner steps per task
   * @param innerLr the inner SGD learning rate
   * @param firstOrder FOMAML
   * @param outer the outer optimizer
   * @return the step
   */
  public static Function<Map<String, Object>, Map<String, Object>> vectorizedMetaStep(
      Backend backend, int innerSteps, double innerLr, boolean firstOrder,
      GradientTransformation outer) {
    BiFunction<List<Tensor>, Map<String, Tensor>, ValueAndGrad<List<Tensor>>> metaGradient =
        vectorizedMetaGradient(backend, innerSteps, innerLr, firstOrder);
    return in -> {
      List<Tensor> theta = asParams(in.get("params"));
      @SuppressWarnings("unchecked")
      Map<String, Tensor> tasks = (Map<String, Tensor>) in.get("tasks");
      return outerUpdate(outer, theta, in.get("state"), metaGradient.apply(theta, tasks));
    };
  }

  /**
   * The meta-loss of {@link #vectorizedMetaStep} (the mean query MSE over the stacked tasks after
   * the inner steps) and its gradient with respect to the meta-parameters, without the outer
   * update.
   *
   * @param backend the backend
   * @param innerSteps differentiable inner steps per task
   * @param innerLr the inner SGD learning rate
   * @param firstOrder FOMAML
   * @return {@code (θ, stacked tasks) ↦ (meta-loss, ∇θ)}
   */
  public static BiFunction<List<Tensor>, Map<String, Tensor>, ValueAndGrad<List<Tensor>>>
      vectorizedMetaGradient(Backend backend, int innerSteps, double innerLr,
          boolean firstOrder) {
    TensorOps ops = backend.ops();
    Autodiff ad = backend.autodiff();
    GradientTransformation sgd = Optimizers.sgd(innerLr);
    return (theta, tasks) -> {
      long count = tasks.get("xs").shape().dim(0);
      return ad.valueAndGrad(meta -> {
        List<Tensor> copies = perTaskCopies(ops, meta, count);
        MetaOptimizer<List<Tensor>> inner = firstOrder
            ? MetaOptimizer.firstOrder(backend, sgd, copies) : MetaOptimizer.of(backend, sgd, copies);
        for (int k = 0; k < innerSteps; k++) {
          inner.step(p -> ops.sum(perTaskMse(ops, p, tasks.get("xs"), tasks.get("ys"))));
        }
        return ops.mean(perTaskMse(ops, inner.params(), tasks.get("xq"), tasks.get("yq")));
      }, theta, false);
    };
  }

  /**
   * The meta-step of {@link #vectorizedMetaStep} with the meta-gradient computed by {@code
   * runtime}'s workers ({@link Distributed#metaGradient}: each worker stacks its share of the
   * tasks and computes their mean meta-gradient on its own backend) and the outer update on {@code
   * backend}. Input {@code {"params", "state", "tasks": the List of Sinusoid.Task}}; output as
   * {@link #metaStep}.
   *
   * @param backend the backend of the meta-parameters and the outer update
   * @param runtime the workers
   * @param innerSteps differentiable inner steps per task
   * @param innerLr the inner SGD learning rate
   * @param firstOrder FOMAML
   * @param outer the outer optimizer
   * @return the step
   */
  public static Function<Map<String, Object>, Map<String, Object>> distributedMetaStep(
      Backend backend, TaskRuntime runtime, int innerSteps, double innerLr, boolean firstOrder,
      GradientTransformation outer) {
    MetaTask<Sinusoid.Task> task = metaTask(innerSteps, innerLr, firstOrder);
    return in -> {
      List<Tensor> theta = asParams(in.get("params"));
      @SuppressWarnings("unchecked")
      List<Sinusoid.Task> tasks = (List<Sinusoid.Task>) in.get("tasks");
      MetaGradient g = Distributed.metaGradient(runtime, tasks, Partitioners.balanced(),
          FlatTensors.of(theta), task);
      ValueAndGrad<List<Tensor>> vg = new ValueAndGrad<>(
          backend.ops().scalar(g.loss(), theta.get(0).dtype()), g.grad().toTensors(backend.ops()));
      return outerUpdate(outer, theta, in.get("state"), vg);
    };
  }

  /**
   * The worker side of {@link #distributedMetaStep}: the mean meta-loss and meta-gradient of a
   * part of the tasks, stacked, on the worker's backend (staged there once per backend, when it
   * stages).
   */
  static MetaTask<Sinusoid.Task> metaTask(int innerSteps, double innerLr, boolean firstOrder) {
    return (backend, part, theta) -> {
      Function<Map<String, Object>, Map<String, Object>> fn = WORKER_STEPS.computeIfAbsent(
          backend, b -> b.stage(in -> {
            @SuppressWarnings("unchecked")
            Map<String, Tensor> tasks = (Map<String, Tensor>) in.get("tasks");
            ValueAndGrad<List<Tensor>> vg = vectorizedMetaGradient(b, innerSteps, innerLr,
                firstOrder).apply(asParams(in.get("params")), tasks);
            return Map.of("loss", vg.value(), "grad", vg.grad());
          }));
      Map<String, Object> out =
          fn.apply(Map.of("params", theta, "tasks", stacked(backend.ops(), part)));
      return new ValueAndGrad<>((Tensor) out.get("loss"), asParams(out.get("grad")));
    };
  }

  /** Each worker backend's staged meta-gradient (entries go with their backends). */
  private static final Map<Backend, Function<Map<String, Object>, Map<String, Object>>>
      WORKER_STEPS = Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * The shape of one copy of an {@link Mlp} parameter with a leading task axis of 1: {@code 1 × in
   * × out} for a weight, {@code 1 × 1 × out} for a bias (broadcasts against the copies).
   */
  static Shape oneCopy(Tensor p) {
    return p.shape().rank() == 2 ? Shape.of(1, p.shape().dim(0), p.shape().dim(1))
        : Shape.of(1, 1, p.shape().dim(0));
  }

  /** {@code count} copies of the {@link Mlp} parameters along a leading task axis. */
  static List<Tensor> perTaskCopies(TensorOps ops, List<Tensor> params, long count) {
    List<Tensor> copies = new ArrayList<>(params.size());
    for (Tensor p : params) {
      Shape one = oneCopy(p);
      // + zeros rather than broadcastTo: the same broadcast, with a gradient on every backend
      copies.add(ops.add(ops.reshape(p, one),
          ops.zeros(Shape.of(count, one.dim(1), one.dim(2)), p.dtype())));
    }
    return copies;
  }

  /** Per task the MSE of its copy of the {@link Mlp} ({@code T × in × out} weights) on its points. */
  static Tensor perTaskMse(TensorOps ops, List<Tensor> params, Tensor x, Tensor y) {
    Tensor h = x;
    for (int l = 0; l < params.size(); l += 2) {
      Tensor w = params.get(l);
      // h @ W per task with 2-d matmul only: (T × n × in × 1) * (T × 1 × in × out), summed over in
      Shape hs = h.shape();
      Shape ws = w.shape();
      Tensor product = ops.mul(ops.reshape(h, Shape.of(hs.dim(0), hs.dim(1), hs.dim(2), 1)),
          ops.reshape(w, Shape.of(ws.dim(0), 1, ws.dim(1), ws.dim(2))));
      h = ops.add(ops.sum(product, new int[] {2}, false), params.get(l + 1));
      if (l + 2 < params.size()) {
        h = ops.relu(h);
      }
    }
    return ops.mean(ops.square(ops.sub(h, y)), new int[] {1, 2}, false);
  }

  /**
   * All points of the tasks (support and query) as two float32 columns {@code {x, y}}: the
   * input of {@link #regressionStep}.
   *
   * @param ops the backend's operations
   * @param tasks the tasks
   * @return {@code {"x": inputs, "y": targets}}
   */
  public static Map<String, Tensor> pooled(TensorOps ops, List<Sinusoid.Task> tasks) {
    int n = 0;
    for (Sinusoid.Task t : tasks) {
      n += t.xs().length + t.xq().length;
    }
    double[] x = new double[n];
    double[] y = new double[n];
    int i = 0;
    for (Sinusoid.Task t : tasks) {
      System.arraycopy(t.xs(), 0, x, i, t.xs().length);
      System.arraycopy(t.ys(), 0, y, i, t.xs().length);
      i += t.xs().length;
      System.arraycopy(t.xq(), 0, x, i, t.xq().length);
      System.arraycopy(t.yq(), 0, y, i, t.xq().length);
      i += t.xq().length;
    }
    return Map.of("x", Mlp.column(ops, x), "y", Mlp.column(ops, y));
  }

  /**
   * The non-meta-learned baseline's step: ordinary regression of the {@link Mlp} on every point of
   * the batch. Input {@code {"params", "state", "tasks": {x, y}}} with all points of all tasks as
   * two columns; output as {@link #metaStep}.
   *
   * @param backend the backend
   * @param optimizer the optimizer, e.g. {@code Optimizers.adam(1e-3)}
   * @return the step
   */
  public static Function<Map<String, Object>, Map<String, Object>> regressionStep(
      Backend backend, GradientTransformation optimizer) {
    TensorOps ops = backend.ops();
    Autodiff ad = backend.autodiff();
    return in -> {
      List<Tensor> theta = asParams(in.get("params"));
      @SuppressWarnings("unchecked")
      Map<String, Tensor> points = (Map<String, Tensor>) in.get("tasks");
      ValueAndGrad<List<Tensor>> vg = ad.valueAndGrad(
          p -> Mlp.loss(ops, p, points.get("x"), points.get("y")), theta, false);
      return outerUpdate(optimizer, theta, in.get("state"), vg);
    };
  }

  /** The outer update of a step: output {@code {"params", "state", "loss", "grad"}}. */
  static Map<String, Object> outerUpdate(GradientTransformation optimizer,
      List<Tensor> theta, Object state, ValueAndGrad<List<Tensor>> vg) {
    Step<List<Tensor>> step = optimizer.update(vg.grad(), state, theta);
    return Map.of("params", Updates.apply(theta, step.updates()), "state", step.state(),
        "loss", vg.value(), "grad", vg.grad());
  }

  @SuppressWarnings("unchecked")
  private static List<Tensor> asParams(Object tree) {
    return (List<Tensor>) tree;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Tensor>> tasks(Object tree) {
    return (List<Map<String, Tensor>>) tree;
  }

  /**
   * Owns parameters and an optimizer state and advances them with a step function of the form of
   * {@link #metaStep}: each {@link #step} runs in its own {@link Scope}, keeps only the new
   * parameters and state, and closes the previous ones. Not thread-safe.
   */
  public static final class Learner implements AutoCloseable {
    private final Backend backend;
    private final Function<Map<String, Object>, Map<String, Object>> step;
    private List<Tensor> params;
    private Object state;

    /**
     * A learner from parameters it takes over (the caller must not close them).
     *
     * @param backend the backend
     * @param step the step, possibly staged
     * @param params the initial parameters
     * @param optimizer the optimizer whose {@code init} gives the initial state
     */
    public Learner(Backend backend, Function<Map<String, Object>, Map<String, Object>> step,
        List<Tensor> params, GradientTransformation optimizer) {
      this.backend = backend;
      this.step = step;
      this.params = params;
      Scope current = Scope.current();
      if (current != null) {
        current.detach(params);
      }
      try (Scope scope = backend.scope()) {
        this.state = scope.detach(optimizer.init(params));
      }
    }

    /**
     * One step on the given tasks (tensors the caller owns).
     *
     * @param tasks the step's {@code "tasks"} input
     * @return the loss before the update
     */
    public double step(Object tasks) {
      return run(tasks, null);
    }

    /**
     * One step that also hands back copies of its outputs' values (for checks).
     *
     * @param tasks the step's {@code "tasks"} input
     * @param sink receives {@code "loss"}, {@code "grad"} and {@code "params"} as host doubles
     * @return the loss before the update
     */
    public double step(Object tasks, Map<String, List<double[]>> sink) {
      return run(tasks, sink);
    }

    private double run(Object tasks, Map<String, List<double[]>> sink) {
      List<Tensor> oldParams = params;
      Object oldState = state;
      double loss;
      try (Scope scope = backend.scope()) {
        Map<String, Object> out =
            step.apply(Map.of("params", oldParams, "state", oldState, "tasks", tasks));
        loss = ((Tensor) out.get("loss")).item();
        if (sink != null) {
          sink.put("loss", List.of(new double[] {loss}));
          sink.put("grad", values(out.get("grad")));
          sink.put("params", values(out.get("params")));
        }
        params = scope.detach(asParams(out.get("params")));
        state = scope.detach(out.get("state"));
      }
      Set<Object> live = Collections.newSetFromMap(new IdentityHashMap<>());
      live.addAll(Trees.leaves(List.of(params, state)));
      for (Object leaf : Trees.leaves(List.of(oldParams, oldState))) {
        if (leaf instanceof Tensor t && !live.contains(t)) {
          t.close();
        }
      }
      return loss;
    }

    private static List<double[]> values(Object tree) {
      List<double[]> out = new ArrayList<>();
      for (Object leaf : Trees.leaves(tree)) {
        out.add(((Tensor) leaf).toDoubleArray());
      }
      return out;
    }

    /**
     * The current parameters (owned by the learner until it closes).
     *
     * @return the parameters
     */
    public List<Tensor> params() {
      return params;
    }

    /**
     * The current parameters as host doubles.
     *
     * @return per parameter its values
     */
    public List<double[]> paramValues() {
      return values(params);
    }

    @Override
    public void close() {
      for (Object leaf : Trees.leaves(List.of(params, state))) {
        if (leaf instanceof Tensor t) {
          t.close();
        }
      }
    }
  }
}
