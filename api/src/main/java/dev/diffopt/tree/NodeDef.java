package dev.diffopt.tree;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * How a user-registered node type is taken apart into children and put back together; see {@link
 * TreeRegistry#register(Class, NodeDef)}.
 *
 * <p>{@link #flatten} must return the children in a fixed order together with the auxiliary data
 * needed to rebuild the node. The auxiliary data becomes part of the {@link TreeSpec} and takes
 * part in its equality, so it must implement {@code equals}/{@code hashCode} (and preferably a
 * short {@code toString}, shown as {@code Type<aux>(...)}). {@link #unflatten} receives that
 * auxiliary data and the (possibly transformed) children, in the same order.
 *
 * @param <T> the node type
 */
public interface NodeDef<T> {

  /**
   * Takes a node apart.
   *
   * @param node the node, never null
   * @return its children, auxiliary data and optional child keys; not null
   */
  Flattened flatten(T node);

  /**
   * Rebuilds a node.
   *
   * @param aux the auxiliary data that {@link #flatten} returned for the original node
   * @param children the children, in the order {@link #flatten} returned them (unmodifiable, may
   *     contain nulls)
   * @return the rebuilt node
   */
  T unflatten(Object aux, List<Object> children);

  /**
   * A definition made of two functions.
   *
   * @param flatten takes a node apart
   * @param unflatten rebuilds a node from auxiliary data and children
   * @param <T> the node type
   * @return the definition
   */
  static <T> NodeDef<T> of(
      Function<? super T, Flattened> flatten,
      BiFunction<Object, List<Object>, ? extends T> unflatten) {
    Objects.requireNonNull(flatten, "flatten");
    Objects.requireNonNull(unflatten, "unflatten");
    return new NodeDef<>() {
      @Override
      public Flattened flatten(T node) {
        return flatten.apply(node);
      }

      @Override
      public T unflatten(Object aux, List<Object> children) {
        return unflatten.apply(aux, children);
      }
    };
  }

  /**
   * The result of {@link NodeDef#flatten}.
   *
   * @param children the children in order (copied into an unmodifiable list that tolerates null)
   * @param aux auxiliary data for rebuilding the node and for {@link TreeSpec} equality; may be
   *     null
   * @param keys null, or one key per child naming it in {@link KeyPath}s: a key that is a {@link
   *     PathEntry} is used as is, any other object becomes {@link PathEntry#custom(Object)}. Keys
   *     take part in {@link TreeSpec} equality. Without keys, children are named by index.
   */
  record Flattened(List<Object> children, Object aux, List<Object> keys) {
    /**
     * Validates and copies the lists.
     *
     * @param children the children, not null
     * @param aux the auxiliary data, may be null
     * @param keys null or one key per child (no null keys)
     */
    public Flattened {
      Objects.requireNonNull(children, "children");
      children = Collections.unmodifiableList(new ArrayList<>(children));
      if (keys != null) {
        if (keys.size() != children.size()) {
          throw new IllegalArgumentException(
              "got " + keys.size() + " child keys for " + children.size() + " children");
        }
        for (Object k : keys) {
          Objects.requireNonNull(k, "child key");
        }
        keys = Collections.unmodifiableList(new ArrayList<>(keys));
      }
    }

    /**
     * Children without auxiliary data or keys.
     *
     * @param children the children
     * @return the flattened form
     */
    public static Flattened of(List<?> children) {
      return new Flattened(new ArrayList<>(children), null, null);
    }

    /**
     * Children with auxiliary data, named by index.
     *
     * @param children the children
     * @param aux the auxiliary data, may be null
     * @return the flattened form
     */
    public static Flattened of(List<?> children, Object aux) {
      return new Flattened(new ArrayList<>(children), aux, null);
    }

    /**
     * Children with auxiliary data and one key per child.
     *
     * @param children the children
     * @param aux the auxiliary data, may be null
     * @param keys one key per child, see {@link Flattened}
     * @return the flattened form
     */
    public static Flattened of(List<?> children, Object aux, List<?> keys) {
      return new Flattened(new ArrayList<>(children), aux, new ArrayList<>(keys));
    }
  }
}
