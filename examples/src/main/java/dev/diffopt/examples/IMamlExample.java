package dev.diffopt.examples;

import dev.diffopt.autodiff.ValueAndGrad;
import dev.diffopt.implicit.ImplicitMetaGradientModule;
import dev.diffopt.linalg.Cg;
import dev.diffopt.linalg.SolverOptions;
import dev.diffopt.meta.MetaOptimizer;
import dev.diffopt.optim.Optimizers;
import dev.diffopt.spi.Backend;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.GradientTransformation;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * iMAML (Rajeswaran, Finn, Kakade and Levine, "Meta-Learning with Implicit Gradients", NeurIPS
 * 2019) on the {@link Sinusoid} regression tasks of MAML, with the {@link Mlp} 1-40-40-1.
 *
 * <p>Where MAML differentiates through the inner optimizer's steps, iMAML defines the adapted
 * parameters of a task as the solution of a proximally regularized inner problem
 *
 * <pre>
 *   x*(θ) = argmin_x  L_S(x) + (λ/2)·‖x − θ‖²          (L_S: the task's support MSE)
 * </pre>
 *
 * <p>and differentiates that solution implicitly: from the optimality condition {@code ∇L_S(x*) +
 * λ(x* − θ) = 0}, {@code ∂x* / ∂θ = (I + H/λ)⁻¹} with {@code H = ∇²L_S(x*)}, so the meta-gradient
 * of the query loss is {@code (I + H/λ)⁻¹ ∇L_Q(x*)}: one linear solve per task, whatever inner
 * solver found {@code x*} and however many steps it took. The inner solver's result is a constant;
 * memory does not grow with the number of inner steps.
 *
 * <p>Here the inner problem is an {@link ImplicitMetaGradientModule} in objective form ({@code F =
 * ∇ₓ objective}): {@link #INNER_STEPS} steps of Adam at {@value #INNER_LR} from {@code θ} solve it
 * approximately (as in the paper, which solves it approximately too), and {@link Cg} with {@value
 * #CG_ITERATIONS} iterations (tolerance 0: no host reads, so a staging backend traces the whole
 * meta-step) solves {@code (H + λI) u = ∇L_Q}, each iteration one Hessian-vector product. All
 * tasks of a meta-batch are solved at once, as copies of the network along a task axis (the
 * objective is a sum over tasks, so its Hessian is block diagonal and CG solves every task's
 * system together). The outer optimizer is Adam at {@value #META_LR} on meta-batches of {@value
 * #META_BATCH} tasks (10 support and 10 query points each).
 *
 * <p>Meta-test: {@value #TEST_TASKS} held-out tasks, each adapted by the same inner solver on its
 * 10 support points; the MSE on {@value #TEST_POINTS} other points of the task, before any
 * meta-training (the random initialization) and after. Exits with status 1 unless meta-training
 * brings the post-adaptation MSE down to at most {@value #REQUIRED_RATIO} of its value before.
 *
 * <p>Usage: {@code IMamlExample [--backend NAME]}.
 */
public final class IMamlExample {
  /** Meta-training iterations of the default run. */
  static final int ITERATIONS = 1000;
  /** Tasks per meta-batch. */
  static final int META_BATCH = 25;
  /** Held-out tasks of the meta-test. */
  static final int TEST_TASKS = 100;

  static final int SUPPORT = 10;
  static final int QUERY = 10;
  static final int TEST_POINTS = 100;
  /** λ, the strength of the proximal term. */
  static final double LAMBDA = 2.0;
  static final int INNER_STEPS = 16;
  static final double INNER_LR = 0.02;
  static final int CG_ITERATIONS = 5;
  static final double META_LR = 2e-3;
  static final long SEED = 1;
  static final long TEST_SEED = 20190910;
  /** The trained post-adaptation MSE must be at most this fraction of the untrained one. */
  static final double REQUIRED_RATIO = 0.5;

  private IMamlExample() {}

  /**
   * The meta-test before and after meta-training: mean MSE over the held-out tasks without
   * adaptation and after adaptation.
   *
   * @param initial before meta-training {@code {unadapted, adapted}}
   * @param trained after meta-training {@code {unadapted, adapted}}
   */
  record Result(double[] initial, double[] trained) {
    /** Whether meta-training cut the post-adaptation MSE to at most {@link #REQUIRED_RATIO}. */
    boolean improved() {
      return Double.isFinite(trained[1]) && trained[1] <= REQUIRED_RATIO * initial[1];
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "adapted MSE %.3f -> %.3f (unadapted %.3f -> %.3f)",
          initial[1], trained[1], initial[0], trained[0]);
    }
  }

  /**
   * The inner problems of a batch of tasks, stacked along a task axis ({@link Maml#stacked}): the
   * inner variables are per-task copies of the network ({@link Maml#perTaskCopies}), θ the shared
   * meta-parameters.
   */
  static final class ProximalRegression
      extends ImplicitMetaGradientModule<List<Tensor>, List<Tensor>> {
    private final Backend backend;
    private final TensorOps ops;
    private final Map<String, Tensor> tasks;
    private final GradientTransformation adam = Optimizers.adam(INNER_LR);

    ProximalRegression(Backend backend, Map<String, Tensor> tasks) {
      super(backend.autodiff(),
          Cg.of(SolverOptions.builder().tol(0).maxIter(CG_ITERATIONS).build()));
      this.backend = backend;
      this.ops = backend.ops();
      this.tasks = tasks;
    }

    /** {@code Σ_tasks L_S(x_t) + (λ/2)·Σ_tasks ‖x_t − θ‖²}. */
    @Override
    protected Tensor objective(List<Tensor> x, List<Tensor> theta) {
      Tensor total = ops.sum(Maml.perTaskMse(ops, x, tasks.get("xs"), tasks.get("ys")));
      for (int i = 0; i < x.size(); i++) {
        Tensor shift = ops.sub(x.get(i), ops.reshape(theta.get(i), Maml.oneCopy(theta.get(i))));
        total = ops.add(total, ops.mul(ops.sum(ops.square(shift)), LAMBDA / 2));
      }
      return total;
    }

    /** {@value IMamlExample#INNER_STEPS} Adam steps from θ; never differentiated. */
    @Override
    protected List<Tensor> solve(List<Tensor> theta) {
      long count = tasks.get("xs").shape().dim(0);
      MetaOptimizer<List<Tensor>> inner = MetaOptimizer.firstOrder(backend, adam,
          Maml.perTaskCopies(ops, theta, count));
      for (int k = 0; k < INNER_STEPS; k++) {
        inner.step(x -> objective(x, theta));
      }
      return inner.params();
    }

    /** The mean over the tasks of the query MSE of the per-task parameters {@code x}. */
    Tensor queryLoss(List<Tensor> x) {
      return ops.mean(Maml.perTaskMse(ops, x, tasks.get("xq"), tasks.get("yq")));
    }
  }

  /**
   * One iMAML meta-step in the form of {@link Maml#metaStep} (input {@code {"params", "state",
   * "tasks"}} with the tasks from {@link Maml#stacked}): the implicit meta-gradient of the mean
   * query MSE, then the outer update.
   *
   * @param backend the backend
   * @param outer the outer optimizer
   * @return the step
   */
  static Function<Map<String, Object>, Map<String, Object>> metaStep(
      Backend backend, GradientTransformation outer) {
    return in -> {
      @SuppressWarnings("unchecked")
      List<Tensor> theta = (List<Tensor>) in.get("params");
      @SuppressWarnings("unchecked")
      ProximalRegression inner = new ProximalRegression(backend,
          (Map<String, Tensor>) in.get("tasks"));
      ValueAndGrad<List<Tensor>> vg = inner.metaGradient((x, t) -> inner.queryLoss(x), theta);
      return Maml.outerUpdate(outer, theta, in.get("state"), vg);
    };
  }

  /** Mean query MSE of the held-out tasks: {@code {θ as is, θ adapted by the inner solver}}. */
  private static double[] metaTest(Backend backend, List<Tensor> theta, List<Sinusoid.Task> test) {
    try (Scope scope = backend.scope()) {
      ProximalRegression inner = new ProximalRegression(backend, Maml.stacked(backend.ops(), test));
      double unadapted =
          inner.queryLoss(Maml.perTaskCopies(backend.ops(), theta, test.size())).item();
      return new double[] {unadapted, inner.queryLoss(inner.solution(theta)).item()};
    }
  }

  /**
   * Meta-trains from the {@link Mlp}'s initialization, printing progress, and runs the meta-test
   * before and after.
   *
   * @param backend a backend with higher-order gradients
   * @param iterations meta-training iterations
   * @param metaBatch tasks per iteration
   * @param testTasks held-out tasks
   * @return the meta-test figures
   */
  static Result run(Backend backend, int iterations, int metaBatch, int testTasks) {
    TensorOps ops = backend.ops();
    GradientTransformation adam = Optimizers.adam(META_LR);
    Function<Map<String, Object>, Map<String, Object>> step = backend.stage(metaStep(backend, adam));
    List<Sinusoid.Task> test = Sinusoid.sample(testTasks, SUPPORT, TEST_POINTS, TEST_SEED);
    SplittableRandom random = new SplittableRandom(SEED);
    try (Scope all = backend.scope();
        Maml.Learner imaml =
            new Maml.Learner(backend, step, Mlp.tensors(ops, Mlp.initialParams(SEED)), adam)) {
      double[] initial = metaTest(backend, imaml.params(), test);
      System.out.printf(Locale.ROOT, "before meta-training: held-out MSE %.3f unadapted, %.3f"
          + " adapted%n", initial[0], initial[1]);
      long t0 = System.nanoTime();
      double average = Double.NaN;
      for (int it = 1; it <= iterations; it++) {
        double loss;
        try (Scope scope = backend.scope()) {
          loss = imaml.step(Maml.stacked(ops, Sinusoid.sample(random, metaBatch, SUPPORT, QUERY)));
        }
        if (!Double.isFinite(loss)) {
          throw new IllegalStateException("meta-training diverged at iteration " + it);
        }
        average = Double.isNaN(average) ? loss : 0.95 * average + 0.05 * loss;
        if (it % Math.max(1, iterations / 10) == 0 || it == iterations) {
          System.out.printf(Locale.ROOT, "iteration %5d/%d  meta-loss (query MSE after adaptation,"
              + " moving average) %.3f  %.0f s%n", it, iterations, average,
              (System.nanoTime() - t0) / 1e9);
        }
      }
      double[] trained = metaTest(backend, imaml.params(), test);
      System.out.printf(Locale.ROOT, "after meta-training:  held-out MSE %.3f unadapted, %.3f"
          + " adapted%n", trained[0], trained[1]);
      return new Result(initial, trained);
    }
  }

  /** Entry point; see the class documentation. */
  public static void main(String[] args) {
    Backend backend = ExampleArgs.backend("IMamlExample", args, Capability.HIGHER_ORDER);
    System.out.printf(Locale.ROOT, "iMAML on sinusoid regression, backend %s: MLP 1-40-40-1,"
            + " %d tasks x (%d support + %d query) per iteration, inner problem L_S(x) +"
            + " (%s/2)|x - theta|^2 by %d Adam steps (lr %s), implicit meta-gradient by CG (%d"
            + " iterations), outer Adam lr %s, %d iterations; meta-test on %d held-out tasks%n",
        backend, META_BATCH, SUPPORT, QUERY, LAMBDA, INNER_STEPS, INNER_LR, CG_ITERATIONS,
        META_LR, ITERATIONS, TEST_TASKS);
    long t0 = System.nanoTime();
    Result result = run(backend, ITERATIONS, META_BATCH, TEST_TASKS);
    boolean ok = result.improved();
    System.out.printf(Locale.ROOT, "check: post-adaptation MSE %.3f -> %.3f, ratio %.2f (required"
            + " <= %.2f): %s; total %.0f s%n", result.initial()[1], result.trained()[1],
        result.trained()[1] / result.initial()[1], REQUIRED_RATIO,
        ok ? "ok" : "FAILED, iMAML did not improve by a clear margin", (System.nanoTime() - t0) / 1e9);
    System.exit(ok ? 0 : 1);
  }
}
