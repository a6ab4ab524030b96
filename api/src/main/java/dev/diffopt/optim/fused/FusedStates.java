package dev.diffopt.optim.fused;

import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.Chain;
import dev.diffopt.tree.Trees;
import java.util.List;

/**
 * Finding the state of one part in the state of a recognized chain ({@link FusedPlan}): the state
 * of a {@link Chain} is a {@link Chain.State} with one state per part; a single transformation's
 * state is its own. In a recognized chain each part with tensors in its state has a state type of
 * its own, so a part's state is found by its type. Also the loading of a state into the one a fused
 * step owns ({@link #load}).
 */
public final class FusedStates {
  private FusedStates() {}

  /**
   * The state of type {@code type} in {@code state}, or {@code null} when there is none.
   *
   * @param state the state of a recognized transformation
   * @param type the part's state record type, e.g. {@code ScaleByAdam.State.class}
   * @param <S> the state type
   * @return the part's state, or null
   * @throws IllegalArgumentException if more than one part has a state of that type
   */
  public static <S> S find(Object state, Class<S> type) {
    if (type.isInstance(state)) {
      return type.cast(state);
    }
    S found = null;
    if (state instanceof Chain.State chain) {
      for (Object part : chain.states()) {
        if (type.isInstance(part)) {
          if (found != null) {
            throw new IllegalArgumentException(
                "the state has more than one " + type.getName() + "; it is not a fused chain's");
          }
          found = type.cast(part);
        }
      }
    }
    return found;
  }

  /**
   * Like {@link #find}, but the state must be there.
   *
   * @param state the state
   * @param type the state type
   * @param <S> the state type
   * @return the part's state
   * @throws IllegalArgumentException if it is missing
   */
  public static <S> S require(Object state, Class<S> type) {
    S found = find(state, type);
    if (found == null) {
      throw new IllegalArgumentException(
          "the state has no " + type.getName() + " (was it made by the recognized chain's init?)");
    }
    return found;
  }

  /**
   * Copies {@code newState} into {@code state}, the state a fused step owns and updates in place
   * ({@code FusedStep.load}): every leaf is checked first (nothing is written when one is wrong),
   * then each leaf of {@code newState} that is not already {@code state}'s is assigned into it.
   *
   * @param ops the backend's ops, whose tensors both states hold
   * @param backend the backend's name in messages, e.g. {@code "djl"}
   * @param state the step's own state, whose tensors are written
   * @param newState a state of the same structure: open tensors of {@code ops}, each of the shape
   *     and dtype of the leaf it replaces
   * @throws IllegalArgumentException if {@code newState} does not match {@code state}
   */
  public static void load(TensorOps ops, String backend, Object state, Object newState) {
    Trees.structure(state).requireEqual(Trees.structure(newState),
        "fused load: the state does not match this optimizer's");
    List<Object> mine = Trees.leaves(state);
    List<Object> theirs = Trees.leaves(newState);
    for (int i = 0; i < mine.size(); i++) {
      Tensor to = (Tensor) mine.get(i);
      if (!(theirs.get(i) instanceof Tensor from)) {
        throw new IllegalArgumentException(
            "fused load: state leaf " + i + " is " + theirs.get(i) + ", not a tensor");
      }
      if (from.isClosed()) {
        throw new IllegalArgumentException("fused load: state leaf " + i + " is closed");
      }
      if (from.ops() != ops) {
        throw new IllegalArgumentException("fused load: state leaf " + i + " (" + from
            + ") is not a tensor of this " + backend + " backend");
      }
      if (!from.shape().equals(to.shape()) || from.dtype() != to.dtype()) {
        throw new IllegalArgumentException(
            "fused load: state leaf " + i + " is " + from + ", expected " + to);
      }
    }
    for (int i = 0; i < mine.size(); i++) {
      if (mine.get(i) != theirs.get(i)) {
        ops.assign((Tensor) mine.get(i), (Tensor) theirs.get(i));
      }
    }
  }

  /**
   * The checks before a fused step ({@code FusedStep.step}) touches anything: one gradient per
   * parameter, each an open tensor of {@code ops} of its parameter's shape and dtype, the
   * parameters and the step's own state tensors still open.
   *
   * @param ops the backend's ops
   * @param backend the backend's name in messages, e.g. {@code "djl"}
   * @param params the step's parameters
   * @param grads the gradients of this step
   * @param stateTensors the tensors of the step's state
   * @throws IllegalArgumentException for a bad gradient, naming it
   * @throws IllegalStateException if a parameter or a state tensor was closed from outside
   */
  public static void checkStep(TensorOps ops, String backend, List<Tensor> params,
      List<Tensor> grads, List<Tensor> stateTensors) {
    if (grads == null) {
      throw new NullPointerException("fused step: grads is null");
    }
    int n = params.size();
    if (grads.size() != n) {
      throw new IllegalArgumentException(
          "fused step: got " + grads.size() + " gradients for " + n + " parameters");
    }
    for (int i = 0; i < n; i++) {
      Tensor g = grads.get(i);
      Tensor p = params.get(i);
      if (g == null || g.ops() != ops) {
        throw new IllegalArgumentException("fused step: gradient " + i + " (" + g
            + ") is not a tensor of this " + backend + " backend");
      }
      if (g.isClosed()) {
        throw new IllegalArgumentException("fused step: gradient " + i + " is closed");
      }
      if (!g.shape().equals(p.shape()) || g.dtype() != p.dtype()) {
        throw new IllegalArgumentException("fused step: gradient " + i + " is "
            + lower(g.dtype()) + g.shape() + " but parameter " + i + " is " + lower(p.dtype())
            + p.shape());
      }
      if (p.isClosed()) {
        throw new IllegalStateException("fused step: parameter " + i + " is closed");
      }
    }
    for (Tensor t : stateTensors) {
      if (t.isClosed()) {
        throw new IllegalStateException("fused step: a tensor of the optimizer state (" + t
            + ") was closed from outside; the state belongs to the optimizer, do not close it");
      }
    }
  }

  /** Closes every tensor leaf of a fused step's {@code state} ({@code FusedStep.close}). */
  public static void close(Object state) {
    for (Object leaf : Trees.leaves(state)) {
      if (leaf instanceof Tensor t) {
        t.close();
      }
    }
  }

  private static String lower(dev.diffopt.tensor.DType dtype) {
    return dtype.name().toLowerCase(java.util.Locale.ROOT);
  }
}
