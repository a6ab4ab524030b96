package dev.diffopt.djl;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A DJL {@link Block} used as it is, as a function of diffopt parameters: {@code forward(params,
 * x)} runs the block's own {@code forward} with every trainable parameter replaced by the tensor of
 * the same name in {@code params}. The replacement happens where DJL blocks read their parameters,
 * {@link ParameterStore#getValue}, so any block built from DJL layers (a {@code SequentialBlock} of
 * {@code Linear} layers and activations, …) works without rewriting.
 *
 * <p>The forward pass is differentiable with respect to {@code params} through the backend's
 * autodiff, higher orders included, so a block serves as the model of a MAML inner loop:
 *
 * <pre>{@code
 * BlockModel model = BlockModel.of(backend, block);     // block.initialize(...) done before
 * Map<String, Tensor> meta = model.params();             // the block's own arrays, shared
 * Tensor metaLoss(Map<String, Tensor> theta) {
 *   MetaOptimizer<Map<String, Tensor>> inner = MetaSGD.of(backend, theta, 0.01);
 *   inner.step(p -> mse(model.forward(p, xSupport), ySupport));
 *   return mse(model.forward(inner.params(), xQuery), yQuery);
 * }
 * // ... outer updates of meta, then:
 * model.load(meta);                                      // the block now holds the result
 * }</pre>
 *
 * <p>Parameters are keyed by the names of {@link Block#getParameters()} (for a {@code
 * SequentialBlock}: {@code "01Linear_weight"}, {@code "01Linear_bias"}, …) and have the block's
 * shapes and data types; DJL's {@code Linear} stores its weight as {@code out × in}. Only the
 * parameters that are trainable when the model is created ({@link Parameter#requiresGradient()})
 * are replaced; frozen ones and running statistics are read from the block as usual.
 *
 * <p>Not thread-safe, like the block itself.
 */
public final class BlockModel {
  /** Every element: the index of a whole-array copy. */
  private static final NDIndex ALL = new NDIndex("...");

  private final DjlBackend backend;
  private final DjlTensorOps ops;
  private final Block block;
  /** The trainable parameters, in the block's order. */
  private final Map<String, Parameter> parameters;

  private BlockModel(DjlBackend backend, Block block) {
    this.backend = backend;
    this.ops = (DjlTensorOps) backend.ops();
    this.block = block;
    Map<String, Parameter> trainable = new LinkedHashMap<>();
    for (Pair<String, Parameter> entry : block.getParameters()) {
      Parameter p = entry.getValue();
      if (!p.requiresGradient()) {
        continue;
      }
      if (!(p.getArray() instanceof PtNDArray)) {
        throw new IllegalArgumentException("BlockModel: parameter '" + entry.getKey()
            + "' is not a PyTorch-engine array (" + p.getArray().getClass().getName()
            + "); initialize the block with a PyTorch NDManager");
      }
      trainable.put(entry.getKey(), p);
    }
    this.parameters = Collections.unmodifiableMap(trainable);
  }

  /**
   * A model over an initialized block.
   *
   * @param backend the DJL backend whose tensors the model takes and returns
   * @param block a block whose parameters exist ({@code block.initialize(manager, dataType,
   *     inputShape)} done, with a PyTorch-engine {@code NDManager})
   * @return the model; it shares the block (and its parameter arrays)
   * @throws IllegalArgumentException if the block is not initialized or not on the PyTorch engine
   */
  public static BlockModel of(DjlBackend backend, Block block) {
    if (backend == null || block == null) {
      throw new NullPointerException("BlockModel.of: backend and block must not be null");
    }
    if (!block.isInitialized()) {
      throw new IllegalArgumentException("BlockModel.of: the block is not initialized; call "
          + "block.initialize(manager, dataType, inputShape) first");
    }
    return new BlockModel(backend, block);
  }

  /**
   * The wrapped block.
   *
   * @return the block, as given to {@link #of}
   */
  public Block block() {
    return block;
  }

  /**
   * The names of the trainable parameters, in the block's order.
   *
   * @return the keys of {@link #params()}
   */
  public List<String> names() {
    return List.copyOf(parameters.keySet());
  }

  /**
   * The block's trainable parameters as a tree: its own arrays wrapped without a copy, in the
   * block's order. The tensors belong to the block: they join no {@link dev.diffopt.tensor.Scope}
   * and must not be closed. Typical use is as the initial meta-parameters; since diffopt's updates
   * are functional, they keep the block's values until {@link #load}.
   *
   * @return a new map from parameter name to tensor
   */
  public Map<String, Tensor> params() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    parameters.forEach(
        (name, p) -> out.put(name, new DjlTensor(backend, (PtNDArray) p.getArray())));
    return out;
  }

  /**
   * {@link #forward(Map, Tensor, boolean)} in training mode (as DJL's {@code Trainer} runs blocks).
   *
   * @param params a tensor for every name of {@link #names()}, with the block's shape and dtype
   * @param input the block's single input
   * @return the block's single output
   */
  public Tensor forward(Map<String, ? extends Tensor> params, Tensor input) {
    return forward(params, input, true);
  }

  /**
   * Runs {@code block.forward(store, [input], training)} with a parameter store that returns the
   * tensors of {@code params} in place of the block's trainable parameters. The result depends
   * differentiably on {@code params} and {@code input}; DJL's intermediate arrays are freed before
   * this returns (autograd keeps what it needs), and the output joins the current scope.
   *
   * @param params a tensor for every name of {@link #names()}, with the block's shape and dtype
   * @param input the block's single input
   * @param training DJL's training flag (dropout, batch statistics, …)
   * @return the block's single output
   * @throws IllegalArgumentException naming the parameter when one is missing, unknown, or of
   *     another shape or dtype; when the block does not return exactly one array; when DJL or
   *     libtorch rejects the input
   */
  public Tensor forward(Map<String, ? extends Tensor> params, Tensor input, boolean training) {
    if (input == null) {
      throw new NullPointerException("BlockModel.forward: input is null");
    }
    Map<Parameter, PtNDArray> values = arrays(params, "forward");
    PtNDArray x = ops.unwrap(input, "BlockModel.forward");
    Store store = new Store(x, values);
    NDArray output;
    try (NDScope scope = new NDScope()) {
      NDList out;
      try {
        out = block.forward(store, new NDList(x), training);
      } catch (EngineException | IllegalArgumentException | IllegalStateException e) {
        throw new IllegalArgumentException(
            "BlockModel.forward failed in the block: " + e.getMessage(), e);
      }
      if (out.size() != 1) {
        throw new IllegalArgumentException(
            "BlockModel.forward: the block returned " + out.size() + " arrays, expected 1");
      }
      output = out.singletonOrThrow();
      if (output == x || values.containsValue(output)) {
        // a block that returns its input or a parameter: the result gets a handle of its own
        output = output.duplicate();
      }
      NDScope.unregister(output);
    }
    return ops.wrap(output);
  }

  /**
   * Copies values into the block's own parameters (in place, outside any autograd graph), so that
   * the block itself, run with its own parameter store, computes what {@link #forward} computes
   * with {@code params}. Used to hand trained meta-parameters back to the user's model.
   *
   * @param params a tensor for every name of {@link #names()}, with the block's shape and dtype
   * @throws IllegalArgumentException naming the parameter when one is missing, unknown, or of
   *     another shape or dtype
   */
  public void load(Map<String, ? extends Tensor> params) {
    Map<Parameter, PtNDArray> values = arrays(params, "load");
    boolean previous = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      for (Map.Entry<Parameter, PtNDArray> e : values.entrySet()) {
        NDArray target = e.getKey().getArray();
        if (target != e.getValue()) {
          target.set(ALL, e.getValue());
        }
      }
    } finally {
      JniUtils.setGradMode(previous);
    }
  }

  /** Checks {@code params} against the trainable parameters; the arrays by parameter. */
  private Map<Parameter, PtNDArray> arrays(Map<String, ? extends Tensor> params, String op) {
    if (params == null) {
      throw new NullPointerException("BlockModel." + op + ": params is null");
    }
    List<String> unknown = new ArrayList<>();
    for (String name : params.keySet()) {
      if (!parameters.containsKey(name)) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("BlockModel." + op + ": unknown parameter(s) " + unknown
          + "; the block's trainable parameters are " + parameters.keySet());
    }
    Map<Parameter, PtNDArray> out = new IdentityHashMap<>();
    for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
      String name = e.getKey();
      Tensor t = params.get(name);
      if (t == null) {
        throw new IllegalArgumentException("BlockModel." + op + ": params lack parameter '"
            + name + "'; the block's trainable parameters are " + parameters.keySet());
      }
      NDArray own = e.getValue().getArray();
      Shape expected = Shape.of(own.getShape().getShape());
      if (!t.shape().equals(expected)) {
        throw new IllegalArgumentException("BlockModel." + op + ": parameter '" + name
            + "' must have shape " + expected + ", got " + t.shape());
      }
      if (t.dtype() != DjlTypes.toDiffopt(own.getDataType())) {
        throw new IllegalArgumentException("BlockModel." + op + ": parameter '" + name
            + "' must have dtype " + DjlTypes.toDiffopt(own.getDataType()) + ", got " + t.dtype());
      }
      out.put(e.getValue(), ops.unwrap(t, "BlockModel." + op + " parameter '" + name + "'"));
    }
    return out;
  }

  /**
   * Hands DJL's layers the given arrays (keyed by parameter identity) for the trainable
   * parameters and the block's own for the rest.
   */
  private static final class Store extends ParameterStore {
    private final Map<Parameter, PtNDArray> values;

    Store(PtNDArray input, Map<Parameter, PtNDArray> values) {
      super(input.getManager(), false);
      this.values = values;
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
      PtNDArray value = values.get(parameter);
      NDArray array = value != null ? value : parameter.getArray();
      return array.toDevice(device, false);
    }
  }
}
