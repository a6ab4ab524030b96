package dev.diffopt.examples;

import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.autodiff.ValueAndGrad;
import dev.diffopt.meta.MetaOptimizer;
import dev.diffopt.optim.Optimizers;
import dev.diffopt.spi.Backend;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.InjectHyperparams;
import dev.diffopt.transform.Transforms;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Meta-learning a learning rate by gradient descent on it: hyper-gradient descent (Baydin, Cornish,
 * Martínez Rubio, Schmidt and Wood, "Online Learning Rate Adaptation with Hypergradient Descent",
 * ICLR 2018) in its unrolled form (Maclaurin, Duvenaud and Adams, "Gradient-based Hyperparameter
 * Optimization through Reversible Learning", ICML 2015).
 *
 * <p>The inner optimizer is SGD whose learning rate η lives in the optimizer <em>state</em> as a
 * tensor ({@link Transforms#injectLearningRate}, i.e. {@link InjectHyperparams}); a {@link
 * MetaOptimizer} runs {@value #INNER_STEPS} differentiable SGD steps on a linear regression task
 * from zero weights, and the outer loss is the regression's validation MSE after those steps:
 *
 * <pre>
 *   w₀ = 0,  w_{k+1} = w_k − η·∇L_train(w_k)  (k &lt; K),   meta-loss(log η) = L_val(w_K)
 * </pre>
 *
 * <p>Autodiff differentiates the meta-loss through all K steps (second order: every {@code w_k}
 * depends on η) with respect to {@code log η} (so η stays positive and the outer steps are
 * relative), and Adam at {@value #OUTER_LR} updates {@code log η}, one fresh task per meta-step.
 * Baydin et al.'s online rule is the special case K = 1 taken along a single training run: {@code
 * ∂L(w_k)/∂η = −∇L(w_k)·∇L(w_{k−1})}.
 *
 * <p>The tasks: {@code y = x·w* + 0.1·noise} with {@value #DIM} features whose scales are spread
 * over [{@value #SCALE_MIN}, {@value #SCALE_MAX}] (so the Hessian's condition number is about 9:
 * too small a step does nothing in K steps, too large a one diverges), {@code w*} standard normal,
 * {@value #POINTS} training and {@value #POINTS} validation points, float64. The run starts from η
 * = {@value #INITIAL_LR}, prints η and the post-training loss along the way, and compares the
 * post-training validation MSE of η at the start and at the end on {@value #TEST_TASKS} held-out
 * tasks. Exits with status 1 unless η grew at least {@value #REQUIRED_GROWTH}-fold and the
 * held-out MSE fell to at most {@value #REQUIRED_RATIO} of its value at the initial η.
 *
 * <p>Usage: {@code LearnedLearningRateExample [--backend NAME]}.
 */
public final class LearnedLearningRateExample {
  /** Outer (meta) steps of the default run. */
  static final int META_STEPS = 60;

  static final int DIM = 10;
  static final int POINTS = 64;
  static final double SCALE_MIN = 0.5;
  static final double SCALE_MAX = 1.5;
  static final double NOISE = 0.1;
  static final int INNER_STEPS = 20;
  static final double INITIAL_LR = 1e-4;
  static final double OUTER_LR = 0.2;
  static final int TEST_TASKS = 20;
  static final long SEED = 2018;
  static final long TEST_SEED = 20180430;
  /** The learned η must be at least this multiple of the initial one. */
  static final double REQUIRED_GROWTH = 100;
  /** The held-out MSE at the learned η must be at most this fraction of the one at the initial η. */
  static final double REQUIRED_RATIO = 0.1;

  private LearnedLearningRateExample() {}

  /**
   * The learning rates and the held-out validation MSE after {@value #INNER_STEPS} SGD steps.
   *
   * @param initialLr η at the start
   * @param learnedLr η at the end
   * @param initialLoss held-out MSE after training with the initial η
   * @param learnedLoss held-out MSE after training with the learned η
   */
  record Result(double initialLr, double learnedLr, double initialLoss, double learnedLoss) {
    /** Whether η grew {@link #REQUIRED_GROWTH}-fold and the loss fell to {@link #REQUIRED_RATIO}. */
    boolean improved() {
      return learnedLr >= REQUIRED_GROWTH * initialLr && Double.isFinite(learnedLoss)
          && learnedLoss <= REQUIRED_RATIO * initialLoss;
    }
  }

  /** One regression task, float64: {@code {x, y}} to train on, {@code {xv, yv}} to validate. */
  static Map<String, Tensor> task(TensorOps ops, SplittableRandom random) {
    double[] w = new double[DIM];
    for (int j = 0; j < DIM; j++) {
      w[j] = random.nextGaussian();
    }
    double[][] xy = new double[4][];
    for (int part = 0; part < 2; part++) {
      double[] x = new double[POINTS * DIM];
      double[] y = new double[POINTS];
      for (int i = 0; i < POINTS; i++) {
        y[i] = NOISE * random.nextGaussian();
        for (int j = 0; j < DIM; j++) {
          double scale = SCALE_MIN + (SCALE_MAX - SCALE_MIN) * j / (DIM - 1);
          x[i * DIM + j] = scale * random.nextGaussian();
          y[i] += x[i * DIM + j] * w[j];
        }
      }
      xy[2 * part] = x;
      xy[2 * part + 1] = y;
    }
    return Map.of("x", ops.fromDoubles(xy[0], Shape.of(POINTS, DIM), DType.FLOAT64),
        "y", ops.fromDoubles(xy[1], Shape.of(POINTS, 1), DType.FLOAT64),
        "xv", ops.fromDoubles(xy[2], Shape.of(POINTS, DIM), DType.FLOAT64),
        "yv", ops.fromDoubles(xy[3], Shape.of(POINTS, 1), DType.FLOAT64));
  }

  /** Half the mean squared residual of the linear model {@code w} on {@code (x, y)}. */
  private static Tensor mse(TensorOps ops, Tensor w, Tensor x, Tensor y) {
    return ops.mul(Mlp.mse(ops, ops.matmul(x, w), y), 0.5);
  }

  /**
   * The validation MSE after {@value #INNER_STEPS} differentiable SGD steps from zero weights at
   * learning rate {@code lr}, a 0-d tensor injected into the SGD state: a differentiable function
   * of {@code lr}.
   *
   * @param backend a backend with higher-order gradients
   * @param lr η, 0-d float64
   * @param task from {@link #task}
   * @return the validation MSE
   */
  static Tensor trainedLoss(Backend backend, Tensor lr, Map<String, Tensor> task) {
    TensorOps ops = backend.ops();
    GradientTransformation sgd = Transforms.injectLearningRate(Transforms.identity(), lr);
    MetaOptimizer<Tensor> inner =
        MetaOptimizer.of(backend, sgd, ops.zeros(Shape.of(DIM, 1), DType.FLOAT64));
    for (int k = 0; k < INNER_STEPS; k++) {
      inner.step(w -> mse(ops, w, task.get("x"), task.get("y")));
    }
    return mse(ops, inner.params(), task.get("xv"), task.get("yv"));
  }

  /**
   * One outer step in the form of {@link Maml#metaStep}, with {@code "params"} = {@code [log η]}
   * and {@code "tasks"} one task: the meta-loss {@link #trainedLoss} and its gradient with respect
   * to {@code log η} through the unrolled steps, then the outer update.
   *
   * @param backend the backend
   * @param outer the optimizer of {@code log η}
   * @return the step
   */
  static Function<Map<String, Object>, Map<String, Object>> metaStep(
      Backend backend, GradientTransformation outer) {
    TensorOps ops = backend.ops();
    Autodiff ad = backend.autodiff();
    return in -> {
      @SuppressWarnings("unchecked")
      List<Tensor> logLr = (List<Tensor>) in.get("params");
      @SuppressWarnings("unchecked")
      Map<String, Tensor> task = (Map<String, Tensor>) in.get("tasks");
      ValueAndGrad<List<Tensor>> vg = ad.valueAndGrad(
          h -> trainedLoss(backend, ops.exp(h.get(0)), task), logLr, false);
      return Maml.outerUpdate(outer, logLr, in.get("state"), vg);
    };
  }

  /** The mean held-out validation MSE after training at learning rate {@code lr}. */
  private static double heldOut(Backend backend, double lr) {
    TensorOps ops = backend.ops();
    SplittableRandom random = new SplittableRandom(TEST_SEED);
    double total = 0;
    for (int t = 0; t < TEST_TASKS; t++) {
      try (Scope scope = backend.scope()) {
        total += trainedLoss(backend, ops.scalar(lr, DType.FLOAT64), task(ops, random)).item();
      }
    }
    return total / TEST_TASKS;
  }

  /**
   * Learns η from {@value #INITIAL_LR}, printing its trajectory.
   *
   * @param backend a backend with higher-order gradients and float64
   * @param metaSteps outer steps
   * @return the learning rates and held-out losses
   */
  static Result run(Backend backend, int metaSteps) {
    TensorOps ops = backend.ops();
    GradientTransformation adam = Optimizers.adam(OUTER_LR);
    Function<Map<String, Object>, Map<String, Object>> step = backend.stage(metaStep(backend, adam));
    SplittableRandom random = new SplittableRandom(SEED);
    try (Scope all = backend.scope();
        Maml.Learner learner = new Maml.Learner(backend, step,
            List.of(ops.scalar(Math.log(INITIAL_LR), DType.FLOAT64)), adam)) {
      System.out.printf(Locale.ROOT, "meta-step %3d  lr %.3g%n", 0, INITIAL_LR);
      for (int s = 1; s <= metaSteps; s++) {
        double loss;
        try (Scope scope = backend.scope()) {
          loss = learner.step(task(ops, random));
        }
        if (s % 5 == 0 || s == metaSteps) {
          System.out.printf(Locale.ROOT, "meta-step %3d  lr %.3g  (validation MSE after %d steps"
                  + " at the previous lr: %.4f)%n", s, Math.exp(learner.paramValues().get(0)[0]),
              INNER_STEPS, loss);
        }
      }
      double learned = Math.exp(learner.paramValues().get(0)[0]);
      Result result =
          new Result(INITIAL_LR, learned, heldOut(backend, INITIAL_LR), heldOut(backend, learned));
      System.out.printf(Locale.ROOT, "held-out tasks, validation MSE after %d SGD steps: lr %.3g ->"
              + " %.4f, learned lr %.3g -> %.4f%n", INNER_STEPS, INITIAL_LR, result.initialLoss(),
          learned, result.learnedLoss());
      return result;
    }
  }

  /** Entry point; see the class documentation. */
  public static void main(String[] args) {
    Backend backend = ExampleArgs.backend("LearnedLearningRateExample", args,
        Capability.HIGHER_ORDER, Capability.FLOAT64);
    System.out.printf(Locale.ROOT, "learning the SGD learning rate by hyper-gradient descent,"
            + " backend %s: %d unrolled SGD steps on %d-feature linear regression, Adam %s on"
            + " log(lr), %d meta-steps%n", backend, INNER_STEPS, DIM, OUTER_LR, META_STEPS);
    long t0 = System.nanoTime();
    Result r = run(backend, META_STEPS);
    boolean ok = r.improved();
    System.out.printf(Locale.ROOT, "check: lr %.3g -> %.3g (x%.0f, required >= x%.0f), held-out MSE"
            + " %.4f -> %.4f (ratio %.3f, required <= %.2f): %s; total %.1f s%n", r.initialLr(),
        r.learnedLr(), r.learnedLr() / r.initialLr(), REQUIRED_GROWTH, r.initialLoss(),
        r.learnedLoss(), r.learnedLoss() / r.initialLoss(), REQUIRED_RATIO,
        ok ? "ok" : "FAILED, the learned learning rate is no clear improvement",
        (System.nanoTime() - t0) / 1e9);
    System.exit(ok ? 0 : 1);
  }
}
