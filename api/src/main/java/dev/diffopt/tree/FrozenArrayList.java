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

  /** {@code elements} must not be written by anyone after this. */
  FrozenArrayList(Object[] elements) {
    this.elements = elements;
  }

  /** The backing array, to be read only. */
  Object[] array() {
    return elements;
  }

  @Override
  public Object get(int index) {
    return elements[index];
  }

  @Override
  public int size() {
    return elements.length;
  }

  /** Like an unmodifiable list's: {@code remove} always throws UnsupportedOperationException. */
  @Override
  public Iterator<Object> iterator() {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < elements.length;
      }

      @Override
      public Object next() {
        if (next >= elements.length) {
          throw new NoSuchElementException();
        }
        return elements[next++];
      }

      @Override
      public void remove() {
        throw new UnsupportedOperationException();
      }
    };
  }

  @Override
  public ListIterator<Object> listIterator(int index) {
    return Collections.unmodifiableList(Arrays.asList(elements)).listIterator(index);
  }

  @Override
  public Object[] toArray() {
    return Arrays.copyOf(elements, elements.length, Object[].class);
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
