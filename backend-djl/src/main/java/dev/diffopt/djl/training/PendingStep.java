package dev.diffopt.djl.training;

import dev.diffopt.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gradients of one DJL step as they arrive, one parameter at a time, until every parameter's
 * gradient is there. Owns (and closes) the gradient copies.
 */
final class PendingStep {
  private final List<String> names;
  private final Map<String, Tensor> grads = new HashMap<>();

  /** A step over {@code names}, in the tree's order. */
  PendingStep(List<String> names) {
    this.names = List.copyOf(names);
  }

  boolean contains(String name) {
    return grads.containsKey(name);
  }

  /** Records {@code grad} (owned from now on) for {@code name}, which has none yet. */
  void put(String name, Tensor grad) {
    grads.put(name, grad);
  }

  boolean isComplete() {
    return grads.size() == names.size();
  }

  /** The names still without a gradient, in the tree's order. */
  List<String> missing() {
    List<String> out = new ArrayList<>();
    for (String name : names) {
      if (!grads.containsKey(name)) {
        out.add(name);
      }
    }
    return out;
  }

  /** The gradients as a tree keyed like the parameters (a complete step). */
  Map<String, Tensor> tree() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (String name : names) {
      out.put(name, grads.get(name));
    }
    return out;
  }

  /** Closes the gradients received and starts over. */
  void clear() {
    for (Tensor g : grads.values()) {
      g.close();
    }
    grads.clear();
  }
}
