package dev.diffopt.tree;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * An unmodifiable {@link java.util.LinkedHashMap}: what an {@link NodeKind#ORDERED_MAP} node
 * unflattens to, so that it is still recognised as an ordered map. Every mutator throws {@link
 * UnsupportedOperationException}; the views are unmodifiable.
 */
final class FrozenLinkedHashMap<K, V> extends java.util.LinkedHashMap<K, V> {
  private static final long serialVersionUID = 1L;

  FrozenLinkedHashMap(List<K> keys, List<V> values) {
    super(Math.max(16, (int) (keys.size() / 0.75f) + 1));
    for (int i = 0; i < keys.size(); i++) {
      super.put(keys.get(i), values.get(i));
    }
  }

  private static UnsupportedOperationException frozen() {
    return new UnsupportedOperationException("unflattened maps are unmodifiable");
  }

  @Override
  public V put(K key, V value) {
    throw frozen();
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> m) {
    throw frozen();
  }

  @Override
  public V remove(Object key) {
    throw frozen();
  }

  @Override
  public boolean remove(Object key, Object value) {
    throw frozen();
  }

  @Override
  public void clear() {
    throw frozen();
  }

  @Override
  public V putIfAbsent(K key, V value) {
    throw frozen();
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    throw frozen();
  }

  @Override
  public V replace(K key, V value) {
    throw frozen();
  }

  @Override
  public void replaceAll(BiFunction<? super K, ? super V, ? extends V> function) {
    throw frozen();
  }

  @Override
  public V computeIfAbsent(K key, Function<? super K, ? extends V> f) {
    throw frozen();
  }

  @Override
  public V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> f) {
    throw frozen();
  }

  @Override
  public V compute(K key, BiFunction<? super K, ? super V, ? extends V> f) {
    throw frozen();
  }

  @Override
  public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> f) {
    throw frozen();
  }

  /** Also blocks the mutator that {@code SequencedMap} adds in later JDKs. */
  public V putFirst(K key, V value) {
    throw frozen();
  }

  /** Also blocks the mutator that {@code SequencedMap} adds in later JDKs. */
  public V putLast(K key, V value) {
    throw frozen();
  }

  /** Also blocks the mutator that {@code SequencedMap} adds in later JDKs. */
  public Map.Entry<K, V> pollFirstEntry() {
    throw frozen();
  }

  /** Also blocks the mutator that {@code SequencedMap} adds in later JDKs. */
  public Map.Entry<K, V> pollLastEntry() {
    throw frozen();
  }

  @Override
  public Set<K> keySet() {
    return Collections.unmodifiableSet(super.keySet());
  }

  @Override
  public Collection<V> values() {
    return Collections.unmodifiableCollection(super.values());
  }

  @Override
  public Set<Map.Entry<K, V>> entrySet() {
    return Collections.unmodifiableSet(super.entrySet());
  }
}
