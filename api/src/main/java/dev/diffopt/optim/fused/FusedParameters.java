package dev.diffopt.optim.fused;

import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorTrees;
import dev.diffopt.transform.GradientTransformation;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The checks a backend's fused kernels share before they take a parameter tree ({@code
 * FusedUpdates.whyNot}): the tree has tensor leaves, the chain is recognized ({@link
 * FusedPlan#whyNot}), there is at least one parameter, and each parameter is a tensor of the
 * backend, open, accepted by the backend's own checks (dtypes, layout, …) and not seen before.
 * What a backend adds, it passes in; the first failing check gives the reason.
 */
public final class FusedParameters {
  private FusedParameters() {}

  /** A backend's own check of one parameter. */
  @FunctionalInterface
  public interface Check {
    /**
     * Why parameter {@code index} cannot be fused, or {@code null} when it can.
     *
     * @param params all parameters, in leaf order
     * @param index the parameter to check: an open tensor of the backend, and every parameter
     *     before it passed all checks
     * @return the reason, or null
     */
    String whyNot(List<Tensor> params, int index);
  }

  /**
   * Like {@link #whyNot(GradientTransformation, Object, String, Predicate, Check, Function)}
   * without a check of all parameters together.
   *
   * @param transformation the update rule
   * @param paramTree the parameter tree
   * @param backend the backend's name in messages, e.g. {@code "djl"}
   * @param ownTensor whether a parameter is a tensor of the backend
   * @param check the backend's own check of each parameter
   * @return the reason, or null when the backend may fuse the parameters
   */
  public static String whyNot(GradientTransformation transformation, Object paramTree,
      String backend, Predicate<Tensor> ownTensor, Check check) {
    return whyNot(transformation, paramTree, backend, ownTensor, check, params -> null);
  }

  /**
   * Why a backend's fused kernels cannot take {@code paramTree} under {@code transformation}, or
   * {@code null} when they can. Per parameter, in order: a tensor of the backend, open, {@code
   * check}, not seen before (by identity); then {@code all} over every parameter.
   *
   * @param transformation the update rule
   * @param paramTree the parameter tree
   * @param backend the backend's name in messages, e.g. {@code "djl"}
   * @param ownTensor whether a parameter is a tensor of the backend
   * @param check the backend's own check of each parameter
   * @param all the backend's check of all parameters together, once each passed: the reason,
   *     or null
   * @return the reason, or null when the backend may fuse the parameters
   * @throws NullPointerException if {@code transformation} or {@code paramTree} is null
   */
  public static String whyNot(GradientTransformation transformation, Object paramTree,
      String backend, Predicate<Tensor> ownTensor, Check check,
      Function<List<Tensor>, String> all) {
    if (transformation == null || paramTree == null) {
      throw new NullPointerException("transformation and params must not be null");
    }
    List<Tensor> params;
    try {
      params = TensorTrees.leaves(paramTree);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    String chain = FusedPlan.whyNot(transformation);
    if (chain != null) {
      return chain;
    }
    if (params.isEmpty()) {
      return "there are no parameters";
    }
    Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int i = 0; i < params.size(); i++) {
      Tensor p = params.get(i);
      if (!ownTensor.test(p)) {
        return "parameter " + i + " (" + p + ") is not a tensor of this " + backend + " backend";
      }
      if (p.isClosed()) {
        return "parameter " + i + " is closed";
      }
      String why = check.whyNot(params, i);
      if (why != null) {
        return why;
      }
      if (!seen.add(p)) {
        return "parameter " + i + " appears twice";
      }
    }
    return all.apply(params);
  }
}
