package dev.diffopt.djl.training;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.diffopt.djl.BlockModel;
import dev.diffopt.djl.DjlBackend;
import dev.diffopt.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A block's trainable parameters under both of their names: the ids DJL hands an optimizer
 * ({@link Parameter#getId()}) and the names that key the diffopt tree ({@code "01Linear_weight"},
 * …, as {@link BlockModel} keys them), with the tree itself (the block's own arrays, no copy).
 */
final class BlockParameters {
  private final Map<String, String> namesById = new LinkedHashMap<>();
  private final Map<String, Parameter> byName = new LinkedHashMap<>();
  private final Map<String, Tensor> params;

  private BlockParameters(DjlBackend backend, Block block) {
    BlockModel model = BlockModel.of(backend, block);
    for (Pair<String, Parameter> entry : block.getParameters()) {
      if (entry.getValue().requiresGradient()) {
        namesById.put(entry.getValue().getId(), entry.getKey());
        byName.put(entry.getKey(), entry.getValue());
      }
    }
    this.params = model.params();
    if (params.isEmpty()) {
      throw new IllegalArgumentException(
          "DiffoptOptimizer: the block has no trainable parameters: " + block);
    }
  }

  /** The trainable parameters of an initialized block (the first step initializes it). */
  static BlockParameters of(DjlBackend backend, Block block) {
    return new BlockParameters(backend, block);
  }

  /** The names, in the block's order. */
  List<String> names() {
    return List.copyOf(params.keySet());
  }

  /** The tree of the block's own arrays; the tensors must not be closed. */
  Map<String, Tensor> params() {
    return params;
  }

  /**
   * The name of the parameter DJL calls {@code id}.
   *
   * @throws IllegalArgumentException if the block has no trainable parameter of that id
   */
  String name(String id) {
    String name = namesById.get(id);
    if (name == null) {
      throw new IllegalArgumentException("DiffoptOptimizer.update: unknown parameter id '" + id
          + "'; the block's trainable parameters are " + describe());
    }
    return name;
  }

  /**
   * Checks that DJL updates the block's own array of {@code name} (one device, no copies).
   *
   * @throws IllegalArgumentException if {@code weight} is another array
   */
  void requireOwnArray(String name, NDArray weight) {
    NDArray own = byName.get(name).getArray();
    if (weight != own) {
      throw new IllegalArgumentException("DiffoptOptimizer.update: the weight of parameter '"
          + name + "' is not the block's own array (got " + weight + " on " + weight.getDevice()
          + ", the block holds one on " + own.getDevice() + "); only single-device training "
          + "without parameter copies is supported, with the same initialized block");
    }
  }

  /** {@code [name (id), …]} for messages. */
  String describe() {
    StringBuilder sb = new StringBuilder("[");
    namesById.forEach((id, name) -> sb.append(sb.length() > 1 ? ", " : "")
        .append(name).append(" (id ").append(id).append(')'));
    return sb.append(']').toString();
  }
}
