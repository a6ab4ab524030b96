package dev.diffopt.djl.training;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.optimizer.Optimizer;
import dev.diffopt.Backends;
import dev.diffopt.djl.DjlBackend;
import dev.diffopt.spi.Backend;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.transform.GradientTransformation;
import java.util.List;

/**
 * Any diffopt {@link GradientTransformation} as a DJL {@link Optimizer}, so that a DJL model trains
 * with its usual {@code Trainer} and {@code DefaultTrainingConfig} and a diffopt update rule:
 *
 * <pre>{@code
 * DiffoptOptimizer optimizer = DiffoptOptimizer.builder()
 *     .block(block)
 *     .transformation(Transforms.chain(ClipByGlobalNorm.of(1.0), AdamW.of(1e-3)))
 *     .build();
 * TrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(optimizer);
 * try (Trainer trainer = model.newTrainer(config)) { ... trainer.step(); ... }
 * }</pre>
 *
 * <h2>Contract</h2>
 *
 * <p>DJL calls {@link #update(String, NDArray, NDArray)} once per trainable parameter and step,
 * one parameter at a time. A diffopt transformation works on the whole tree at once (global-norm
 * clipping needs every gradient; AdamW's counter advances once per step), so this optimizer
 * <em>buffers</em> the step: each call checks its input and keeps a copy of the gradient; the call
 * that brings the last parameter's gradient of the step runs the transformation once on the whole
 * tree (its state kept across steps, {@link #state()}) and writes every new weight in place. The
 * tree is keyed by the block's parameter names ({@code "01Linear_weight"}, … as {@link
 * dev.diffopt.djl.BlockModel} keys them), in the block's order, so masks and partitions can name
 * parameters; it holds the trainable parameters of the block (those that {@code requiresGradient()}
 * when the first step starts). The result equals the functional path {@code update =
 * transformation.update(grads, state, params); params = Updates.apply(params, update)} on the same
 * gradients.
 *
 * <p><b>Why writing earlier parameters late is safe.</b> {@code Trainer.step()} calls {@code
 * ParameterStore.updateAllParameters()}, which calls {@code update} for every trainable parameter
 * in a loop on the calling thread, after {@code backward} has filled every gradient and before
 * {@code step()} returns; nothing reads a weight between two of those calls (no forward pass, no
 * metric). So writing all weights during the last call is indistinguishable from writing each one
 * in its own call: when {@code Trainer.step()} returns, every weight holds its new value, as with
 * DJL's own optimizers. Unlike them the step is all or nothing: a call that fails leaves every
 * weight of the step unchanged. Like them, each accepted call zeroes the weight's gradient
 * (libtorch adds every {@code backward} to it; DJL's PyTorch optimizers reset it in {@code
 * update}, and no other part of the training loop does).
 *
 * <h2>Errors</h2>
 *
 * <p>An unknown parameter id, a weight that is not the block's own array (multi-device training
 * or a copying parameter store, not supported), a gradient of another shape or dtype, or a
 * parameter that arrives twice before the step completed (DJL skips parameters that the forward
 * pass never read, and frozen ones: freeze unused parameters with {@code Parameter.freeze(true)}
 * before training) throw an exception that names the parameter and the offending value; the
 * gradients received so far in that step are dropped and no weight changes.
 *
 * <p>DJL's own options ({@code setRescaleGrad}, {@code optWeightDecays}, {@code optClipGrad},
 * {@code optBeginNumUpdate}) are refused by the builder: put {@code Scale}, {@code
 * AddDecayedWeights}, {@code ClipByValue} or a schedule into the transformation instead. The step
 * runs with libtorch's grad mode off, through the backend's fused kernel when it can fuse the
 * transformation ({@link dev.diffopt.optim.Optimizer}). Calls are serialized; {@link #close()}
 * frees the state.
 */
public final class DiffoptOptimizer extends Optimizer implements AutoCloseable {
  private final DjlBackend backend;
  private final GradientTransformation transformation;
  private final Block block;
  /** Known from the first call on (the block is initialized by then). */
  private BlockParameters parameters;
  private PendingStep pending;
  /** Holds the state; created when the first step completes. */
  private dev.diffopt.optim.Optimizer optimizer;

  private DiffoptOptimizer(Builder builder) {
    super(builder);
    this.backend = builder.backend != null ? builder.backend : defaultBackend();
    this.transformation = builder.transformation;
    this.block = builder.block;
  }

  private static DjlBackend defaultBackend() {
    Backend b = Backends.get("djl");
    if (!(b instanceof DjlBackend djl)) {
      throw new IllegalStateException(
          "DiffoptOptimizer: backend 'djl' is a " + b.getClass().getName() + ", not a DjlBackend");
    }
    return djl;
  }

  /**
   * A builder; {@link Builder#block} and {@link Builder#transformation} are required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Takes one parameter's gradient of the current step; the call that completes the step updates
   * every weight (see the class comment).
   *
   * @param parameterId DJL's id of the parameter ({@code Parameter.getId()})
   * @param weight the block's own array of the parameter, updated in place
   * @param grad its gradient (copied: DJL may close it when this returns)
   * @throws IllegalArgumentException if the id is unknown, the weight is not the block's array,
   *     or the gradient has another shape or dtype than the weight
   * @throws IllegalStateException if the parameter already arrived in this step
   */
  @Override
  public synchronized void update(String parameterId, NDArray weight, NDArray grad) {
    if (parameterId == null || weight == null || grad == null) {
      throw new NullPointerException("DiffoptOptimizer.update: parameterId (" + parameterId
          + "), weight (" + weight + ") and grad (" + grad + ") must not be null");
    }
    if (parameters == null) {
      parameters = BlockParameters.of(backend, block);
      pending = new PendingStep(parameters.names());
    }
    try {
      String name = parameters.name(parameterId);
      parameters.requireOwnArray(name, weight);
      requireLike(name, weight, grad);
      if (pending.contains(name)) {
        throw new IllegalStateException("DiffoptOptimizer.update: parameter '" + name + "' (id "
            + parameterId + ") arrived twice before the step completed; the step still lacks "
            + pending.missing() + ", which DJL did not update (parameters that the forward pass "
            + "never reads, or frozen after the first step): freeze them before training");
      }
      pending.put(name, copy(grad));
      // as DJL's own PyTorch optimizers do: libtorch accumulates gradients across backward calls
      JniUtils.zeroGrad((PtNDArray) weight);
    } catch (RuntimeException e) {
      pending.clear();
      throw e;
    }
    if (pending.isComplete()) {
      completeStep();
    }
  }

  private static void requireLike(String name, NDArray weight, NDArray grad) {
    if (!grad.getShape().equals(weight.getShape())) {
      throw new IllegalArgumentException("DiffoptOptimizer.update: the gradient of parameter '"
          + name + "' has shape " + grad.getShape() + ", expected the weight's shape "
          + weight.getShape());
    }
    if (grad.getDataType() != weight.getDataType()) {
      throw new IllegalArgumentException("DiffoptOptimizer.update: the gradient of parameter '"
          + name + "' has data type " + grad.getDataType() + ", expected the weight's "
          + weight.getDataType());
    }
    if (!(grad instanceof PtNDArray)) {
      throw new IllegalArgumentException("DiffoptOptimizer.update: the gradient of parameter '"
          + name + "' is not a PyTorch-engine array: " + grad.getClass().getName());
    }
  }

  /** A copy of {@code grad} owned by this optimizer (in no caller's scope). */
  private Tensor copy(NDArray grad) {
    try (Scope scope = Scope.open()) {
      return scope.detach(backend.wrap(grad.duplicate()));
    }
  }

  /** Runs the transformation on the whole step and writes the weights; grad mode off. */
  private void completeStep() {
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      if (optimizer == null) {
        optimizer = dev.diffopt.optim.Optimizer.of(backend, transformation, parameters.params());
      }
      optimizer.step(pending.tree());
    } finally {
      JniUtils.setGradMode(gradMode);
      pending.clear();
    }
  }

  /**
   * The update rule.
   *
   * @return the transformation given to the builder
   */
  public GradientTransformation transformation() {
    return transformation;
  }

  /**
   * The names of the parameters in the tree, in the block's order (known once the first call
   * arrived).
   *
   * @return the names, empty before the first call
   */
  public synchronized List<String> parameterNames() {
    return parameters == null ? List.of() : parameters.names();
  }

  /**
   * The diffopt state after the last completed step, owned by this optimizer (valid until the
   * next step).
   *
   * @return the state tree, or {@code null} before the first step completed
   */
  public synchronized Object state() {
    return optimizer == null ? null : optimizer.state();
  }

  /**
   * The number of completed steps.
   *
   * @return the count
   */
  public synchronized long steps() {
    return optimizer == null ? 0 : optimizer.steps();
  }

  /** Frees the state and any gradients of an unfinished step; the block's weights stay. */
  @Override
  public synchronized void close() {
    if (pending != null) {
      pending.clear();
    }
    if (optimizer != null) {
      optimizer.close();
    }
  }

  /**
   * Builds a {@link DiffoptOptimizer}. DJL's own options are refused (they would silently differ
   * from the transformation): express them in the transformation.
   */
  public static final class Builder extends OptimizerBuilder<Builder> {
    private DjlBackend backend;
    private GradientTransformation transformation;
    private Block block;

    private Builder() {}

    /**
     * The update rule, e.g. {@code Transforms.chain(ClipByGlobalNorm.of(1), AdamW.of(1e-3))}.
     *
     * @param value the transformation
     * @return this builder
     */
    public Builder transformation(GradientTransformation value) {
      this.transformation = value;
      return this;
    }

    /**
     * The block the trainer trains (its trainable parameters form the tree; it may still be
     * uninitialized: the first step reads them).
     *
     * @param value the model's block
     * @return this builder
     */
    public Builder block(Block value) {
      this.block = value;
      return this;
    }

    /**
     * The DJL backend the update runs on; by default {@code Backends.get("djl")}.
     *
     * @param value the backend
     * @return this builder
     */
    public Builder backend(DjlBackend value) {
      this.backend = value;
      return this;
    }

    /**
     * Refused: scale inside the transformation ({@code Transforms.scale}).
     *
     * @param rescaleGrad ignored
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    public Builder setRescaleGrad(float rescaleGrad) {
      throw refused("setRescaleGrad(" + rescaleGrad + ")", "Transforms.scale");
    }

    /**
     * Refused: decay inside the transformation ({@code Transforms.addDecayedWeights}).
     *
     * @param weightDecays ignored
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    public Builder optWeightDecays(float weightDecays) {
      throw refused("optWeightDecays(" + weightDecays + ")", "Transforms.addDecayedWeights");
    }

    /**
     * Refused: clip inside the transformation ({@code Transforms.clipByValue}).
     *
     * @param clipGrad ignored
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    public Builder optClipGrad(float clipGrad) {
      throw refused("optClipGrad(" + clipGrad + ")", "Transforms.clipByValue");
    }

    /**
     * Refused: the transformation's state counts its own steps.
     *
     * @param beginNumUpdate ignored
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    public Builder optBeginNumUpdate(int beginNumUpdate) {
      throw refused("optBeginNumUpdate(" + beginNumUpdate + ")", "a restored diffopt state");
    }

    private static UnsupportedOperationException refused(String option, String instead) {
      return new UnsupportedOperationException("DiffoptOptimizer: DJL's " + option
          + " is not applied by a diffopt optimizer; use " + instead + " in the transformation");
    }

    @Override
    protected Builder self() {
      return this;
    }

    /**
     * The optimizer.
     *
     * @return a new optimizer
     * @throws NullPointerException if the block or the transformation is missing
     */
    public DiffoptOptimizer build() {
      if (block == null || transformation == null) {
        throw new NullPointerException("DiffoptOptimizer.builder(): block (" + block
            + ") and transformation (" + transformation + ") must both be set");
      }
      return new DiffoptOptimizer(this);
    }
  }
}
