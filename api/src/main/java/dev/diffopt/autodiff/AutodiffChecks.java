package dev.diffopt.autodiff;

import dev.diffopt.tensor.Tensor;
import dev.diffopt.tree.KeyPath;

/**
 * Argument checks shared by every backend's {@link Autodiff}, with messages that name the
 * offending path and value (the autodiff counterpart of {@link dev.diffopt.tensor.TensorChecks}).
 */
public final class AutodiffChecks {
  private AutodiffChecks() {}

  /**
   * Requires a floating-point tensor leaf.
   *
   * @param leaf a leaf of a parameter, output or cotangent tree
   * @param what what the leaf is, for the message (e.g. {@code "grad parameter"})
   * @param path where it sits in its tree
   * @return the leaf as a tensor
   * @throws IllegalArgumentException if the leaf is not a floating-point tensor
   */
  public static Tensor floatingLeaf(Object leaf, String what, KeyPath path) {
    if (!(leaf instanceof Tensor t)) {
      throw new IllegalArgumentException(
          what + " at " + path + " must be a Tensor, got "
              + (leaf == null ? "null" : leaf.getClass().getName()));
    }
    if (!t.dtype().isFloating()) {
      throw new IllegalArgumentException(
          what + " at " + path + " must be floating-point to carry gradients, got " + t.dtype());
    }
    return t;
  }

  /**
   * Requires the value of a function given to {@code valueAndGrad} to be a one-element
   * floating-point tensor (a loss).
   *
   * @param value what the function returned
   * @return the value
   * @throws IllegalArgumentException otherwise
   */
  public static Tensor scalarLoss(Tensor value) {
    if (value == null) {
      throw new IllegalArgumentException("valueAndGrad: fn returned null instead of a tensor");
    }
    Tensor v = floatingLeaf(value, "valueAndGrad output", KeyPath.root());
    if (v.shape().size() != 1) {
      throw new IllegalArgumentException(
          "valueAndGrad: fn must return a one-element tensor (a loss), got shape " + v.shape()
              + "; use vjp for non-scalar outputs");
    }
    return v;
  }

  /**
   * Requires a cotangent to have its output's shape and dtype.
   *
   * @param output an output leaf of the function given to {@code vjp}
   * @param cotangent the matching cotangent leaf
   * @param path where both sit
   * @throws IllegalArgumentException if they differ
   */
  public static void sameAsOutput(Tensor output, Tensor cotangent, KeyPath path) {
    if (!output.shape().equals(cotangent.shape()) || output.dtype() != cotangent.dtype()) {
      throw new IllegalArgumentException(
          "vjp: cotangent at " + path + " is " + cotangent.dtype() + cotangent.shape()
              + " but the output there is " + output.dtype() + output.shape());
    }
  }
}
