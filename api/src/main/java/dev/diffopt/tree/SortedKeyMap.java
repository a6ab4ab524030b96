package dev.diffopt.tree;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The unmodifiable map that {@link TreeSpec#unflatten} builds for a {@link NodeKind#MAP} node: the
 * spec's sorted key list and the children, side by side, so that building it costs one array and
 * flattening it again needs no sorting. Iterates in key order; {@link #get} is a binary search.
 */
final class SortedKeyMap<K, V> extends AbstractMap<K, V> {
  private final List<K> keys;
  private final Object[] values;
  private Set<Entry<K, V>> entries;

  /** {@code keys} are sorted by natural order and unmodifiable; {@code values} match them. */
  SortedKeyMap(List<K> keys, Object[] values) {
    this.keys = keys;
    this.values = values;
  }

  /** The keys, sorted (the list object of the spec that built this map). */
  List<K> keyList() {
    return keys;
  }

  /** The value at position {@code i} in key order. */
  @SuppressWarnings("unchecked")
  V valueAt(int i) {
    return (V) values[i];
  }

  @Override
  public int size() {
    return values.length;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private int indexOf(Object key) {
    if (key == null || values.length == 0
        || key.getClass() != keys.get(0).getClass() && !(key instanceof Comparable)) {
      return -1;
    }
    int lo = 0;
    int hi = values.length - 1;
    try {
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        int c = ((Comparable) keys.get(mid)).compareTo(key);
        if (c == 0) {
          return mid;
        }
        if (c < 0) {
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
    } catch (ClassCastException e) {
      return -1;
    }
    return -1;
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public V get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : valueAt(i);
  }

  @Override
  public Set<Entry<K, V>> entrySet() {
    Set<Entry<K, V>> e = entries;
    if (e == null) {
      e = new AbstractSet<>() {
        @Override
        public int size() {
          return values.length;
        }

        @Override
        public Iterator<Entry<K, V>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < values.length;
            }

            @Override
            public Entry<K, V> next() {
              if (next >= values.length) {
                throw new NoSuchElementException();
              }
              int i = next++;
              return new SimpleImmutableEntry<>(keys.get(i), valueAt(i));
            }
          };
        }
      };
      entries = e;
    }
    return e;
  }
}
