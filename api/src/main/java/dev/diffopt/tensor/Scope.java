package dev.diffopt.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Owns the tensors created on one thread while it is open, and closes them when it closes.
 *
 * <pre>{@code
 * try (Scope step = Scope.open()) {
 *   Tensor loss = ...;               // every intermediate belongs to the scope
 *   newParams = step.keep(newParams); // survives: handed to the enclosing scope
 * }                                   // the rest is freed here
 * }</pre>
 *
 * <p>Scopes nest per thread; a tensor belongs to the innermost open scope of the thread that created
 * it. {@link #keep(Object)} moves every tensor leaf of a tree to the enclosing scope (or, at the
 * outermost scope, to the caller, who must close it). Backends call {@link #adopt(Tensor)} for every
 * tensor they create. Scopes must be closed in the reverse order of opening, on their thread.
 */
public final class Scope implements AutoCloseable {
  private static final ThreadLocal<Deque<Scope>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

  private final Thread owner = Thread.currentThread();
  private final Map<Tensor, Boolean> owned = new IdentityHashMap<>();
  private boolean closed;

  private Scope() {}

  /** Opens a scope on the current thread. */
  public static Scope open() {
    Scope scope = new Scope();
    STACK.get().push(scope);
    return scope;
  }

  /** The innermost open scope of the current thread, or {@code null}. */
  public static Scope current() {
    return STACK.get().peek();
  }

  /**
   * Registers a new tensor with the innermost open scope of the current thread, if there is one.
   *
   * @return the tensor, for chaining
   */
  public static <T extends Tensor> T adopt(T tensor) {
    Scope scope = STACK.get().peek();
    if (scope != null) {
      scope.owned.put(tensor, Boolean.TRUE);
    }
    return tensor;
  }

  /**
   * Keeps every tensor leaf of {@code tree} (a tensor, or any pytree of tensors) alive past this
   * scope by handing it to the enclosing scope, or to the caller when there is none.
   *
   * @return {@code tree}, for chaining
   */
  public <T> T keep(T tree) {
    checkOpen();
    Scope parent = parent();
    for (Object leaf : dev.diffopt.tree.Trees.leaves(tree)) {
      if (leaf instanceof Tensor t && owned.remove(t) != null && parent != null) {
        parent.owned.put(t, Boolean.TRUE);
      }
    }
    return tree;
  }

  /**
   * Takes every tensor leaf of {@code tree} out of this scope without handing it to an enclosing
   * one: the caller owns it from now on and must close it (as an object that outlives every scope,
   * such as an optimizer holding its state, does).
   *
   * @param tree a tensor or a tree of tensors created in this scope
   * @param <T> the tree type
   * @return {@code tree}, for chaining
   */
  public <T> T detach(T tree) {
    checkOpen();
    for (Object leaf : dev.diffopt.tree.Trees.leaves(tree)) {
      if (leaf instanceof Tensor t) {
        owned.remove(t);
      }
    }
    return tree;
  }

  /** Number of tensors this scope currently owns. */
  public int size() {
    return owned.size();
  }

  private Scope parent() {
    boolean seen = false;
    for (Scope s : STACK.get()) {
      if (seen) {
        return s;
      }
      seen = s == this;
    }
    return null;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("scope is already closed");
    }
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException(
          "scope belongs to thread '" + owner.getName() + "', used from '"
              + Thread.currentThread().getName() + "'");
    }
  }

  /**
   * Closes every tensor this scope still owns and pops it from the thread's stack.
   *
   * @throws IllegalStateException if an inner scope of the same thread is still open
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    checkOpen();
    Deque<Scope> stack = STACK.get();
    if (stack.peek() != this) {
      throw new IllegalStateException(
          "scopes must be closed innermost first: an inner scope of this thread is still open");
    }
    stack.pop();
    closed = true;
    List<Tensor> tensors = new ArrayList<>(owned.keySet());
    owned.clear();
    for (int i = tensors.size() - 1; i >= 0; i--) {
      tensors.get(i).close();
    }
  }
}
