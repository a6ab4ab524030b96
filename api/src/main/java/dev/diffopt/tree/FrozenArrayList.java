package dev.diffopt.tree;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The unmodifiable list that {@link TreeSpec#unflatten} builds for a {@link NodeKind#LIST} node:
 * a view of the children array it was given (which nothing else holds), so building one costs a
 * single small object.
 */
final class FrozenArrayList extends AbstractList<Object> implements RandomAccess {
  private final Object[] elements;

  FrozenArrayList(Object[] elements) {
    this.elements = elements;
  }

  @Override
  public Object get(int index) {
    return elements[index];
  }

  @Override
  public int size() {
    return elements.length;
  }
}
