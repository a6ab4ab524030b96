package dev.diffopt.tree;

import java.util.List;
import java.util.Map;

/**
 * A small cache of sorted key lists, so that flattening maps with the same keys again and again (a
 * training loop) sorts them once. The slot is chosen from the map's size and first key; a cached
 * list is used only after checking that the map has exactly its keys, so a collision just misses. Lists are immutable and shared, so the cache is safe
 * across threads without locks (a racing write loses an entry, never corrupts one).
 */
final class KeyOrders {
  private static final int SLOTS = 256;
  private static final Object[] CACHE = new Object[SLOTS];

  private KeyOrders() {}

  private static int slot(int size, int keyHashSum) {
    int h = size * 0x9E3779B9 + keyHashSum;
    return (h ^ (h >>> 16)) & (SLOTS - 1);
  }

  /** The hash of a map's first key in its iteration order: cheap, and enough to pick a slot. */
  private static int firstKeyHash(Iterable<?> keys) {
    java.util.Iterator<?> it = keys.iterator();
    Object k = it.hasNext() ? it.next() : null;
    return k == null ? 0 : k.hashCode();
  }

  /**
   * A cached sorted key list of the size and key hash sum of {@code map}, or null. The caller must
   * still check that every listed key is in the map (same size + all present = same key set).
   */
  @SuppressWarnings("unchecked")
  static List<Object> cached(Map<?, ?> map) {
    Object hit = CACHE[slot(map.size(), firstKeyHash(map.keySet()))];
    if (!(hit instanceof List<?> keys) || keys.size() != map.size()) {
      return null;
    }
    return (List<Object>) keys;
  }

  /**
   * Remembers a sorted, unmodifiable key list of {@code map}, under the slot the same map will look
   * up next time.
   */
  static void remember(Map<?, ?> map, List<Object> sortedKeys) {
    CACHE[slot(map.size(), firstKeyHash(map.keySet()))] = sortedKeys;
  }
}
