package dev.diffopt.linalg;

import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tree.Trees;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Keeps the memory of an iterative solve flat: every iteration runs in its own {@link Scope}, the
 * tensors of the new state that the iteration created are taken out of it and owned by the loop,
 * and the loop closes the tensors of the previous state that the new one no longer holds. Tensors
 * the loop did not create (the caller's right-hand side, initial guess, a matvec's captured
 * constants) are never touched. {@link #finish} hands the result to the caller's scope; {@link
 * #close} frees what is left when an iteration throws.
 */
final class Iterations implements AutoCloseable {
  private Set<Tensor> owned = identitySet();

  private static Set<Tensor> identitySet() {
    return Collections.newSetFromMap(new IdentityHashMap<>());
  }

  /**
   * Runs {@code step} in its own scope and makes its result the loop's state.
   *
   * @param step computes the next state (a tree of tensors) from the current one
   * @param <S> the state type
   * @return the new state
   */
  <S> S advance(Supplier<S> step) {
    S next;
    Set<Tensor> created = identitySet();
    try (Scope scope = Scope.open()) {
      next = step.get();
      for (Object leaf : Trees.leaves(next)) {
        if (leaf instanceof Tensor t) {
          int before = scope.size();
          scope.detach(t);
          if (scope.size() < before) {
            created.add(t);
          }
        }
      }
    }
    Set<Tensor> live = identitySet();
    for (Object leaf : Trees.leaves(next)) {
      if (leaf instanceof Tensor t && (created.contains(t) || owned.contains(t))) {
        live.add(t);
      }
    }
    for (Tensor t : owned) {
      if (!live.contains(t)) {
        t.close();
      }
    }
    owned = live;
    return next;
  }

  /**
   * Hands the loop's tensors in {@code result} to the current scope (or to the caller when none is
   * open) and closes every other tensor the loop still owns.
   *
   * @param result the solution, built from the last state
   * @param <R> its type
   * @return {@code result}
   */
  <R> R finish(R result) {
    Set<Tensor> kept = identitySet();
    for (Object leaf : Trees.leaves(result)) {
      if (leaf instanceof Tensor t && owned.contains(t) && kept.add(t)) {
        Scope.adopt(t);
      }
    }
    for (Tensor t : owned) {
      if (!kept.contains(t)) {
        t.close();
      }
    }
    owned = identitySet();
    return result;
  }

  /**
   * Reads one number to the host from a tensor computed in a scope of its own (a tolerance check).
   *
   * @param value computes a one-element tensor
   * @return its element
   */
  static double read(Supplier<Tensor> value) {
    try (Scope scope = Scope.open()) {
      return value.get().item();
    }
  }

  /** Closes every tensor the loop still owns (nothing after {@link #finish}). */
  @Override
  public void close() {
    for (Tensor t : owned) {
      t.close();
    }
    owned = identitySet();
  }
}
