package dev.diffopt.tree;

import java.io.Serializable;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.ListIterator;
import java.util.NoSuchElementException;
import java.util.RandomAccess;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * An unmodifiable list over an array that nothing else writes: what {@link TreeSpec#unflatten}
 * builds for a {@link NodeKind#LIST} node (a view of the children array it was given, so building
 * one costs a single small object), and the leaves of a {@link Flat} made by flattening (which
 * {@link Flat} and {@link TreeSpec#unflatten} then take as they are, without copying).
 */
final class FrozenArrayList extends AbstractList<Object> implements RandomAccess, Serializable {
  private static final long serialVersionUID = 1L;

  private final Object[] elements;
  private final int offset;
  private final int size;

  /** {@code elements} must not be written by anyone after this. */
  FrozenArrayList(Object[] elements) {
    this(elements, 0, elements.length);
  }

  /**
   * A view of {@code elements[offset .. offset + size)}, e.g. a list of leaves straight out of the
   * leaf array of an unflatten; {@code elements} must not be written by anyone after this.
   */
  FrozenArrayList(Object[] elements, int offset, int size) {
    this.elements = elements;
    this.offset = offset;
    this.size = size;
  }

  /** The backing array when this list is all of it (to be read only), else null. */
  Object[] wholeArray() {
    return offset == 0 && size == elements.length ? elements : null;
  }

  @Override
  public Object get(int index) {
    return elements[offset + java.util.Objects.checkIndex(index, size)];
  }

  @Override
  public int size() {
    return size;
  }

  /** Like an unmodifiable list's: {@code remove} always throws UnsupportedOperationException. */
  @Override
  public Iterator<Object> iterator() {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < size;
      }

      @Override
      public Object next() {
        if (next >= size) {
          throw new NoSuchElementException();
        }
        return elements[offset + next++];
      }

      @Override
      public void remove() {
        throw new UnsupportedOperationException();
      }
    };
  }

  @Override
  public ListIterator<Object> listIterator(int index) {
    return Collections.unmodifiableList(Arrays.asList(elements).subList(offset, offset + size))
        .listIterator(index);
  }

  @Override
  public Object[] toArray() {
    return Arrays.copyOfRange(elements, offset, offset + size, Object[].class);
  }

  @Override
  public void sort(Comparator<? super Object> c) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void replaceAll(UnaryOperator<Object> operator) {
    throw new UnsupportedOperationException();
  }

  @Override
  public boolean removeIf(Predicate<? super Object> filter) {
    throw new UnsupportedOperationException();
  }
}
