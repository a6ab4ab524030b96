package dev.diffopt.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The fast paths of map nodes: the map unflatten builds, sorted maps, the key-order cache. */
class MapNodeFastPathTest {
  private static Map<String, Object> hashMap(String... keys) {
    Map<String, Object> m = new HashMap<>();
    for (String k : keys) {
      m.put(k, "v" + k);
    }
    return m;
  }

  @Test
  void theUnflattenedMapBehavesAsAnUnmodifiableSortedMap() {
    Map<String, Object> source = hashMap("b", "c", "a");
    @SuppressWarnings("unchecked")
    Map<String, Object> rebuilt = (Map<String, Object>) Trees.flatten(source).unflatten();
    assertEquals(source, rebuilt, "equal to the original as a Map");
    assertEquals(rebuilt, source, "equality is symmetric");
    assertEquals(source.hashCode(), rebuilt.hashCode());
    assertEquals(List.of("a", "b", "c"), new ArrayList<>(rebuilt.keySet()), "key order");
    assertEquals("vb", rebuilt.get("b"));
    assertNull(rebuilt.get("z"));
    assertNull(rebuilt.get(42), "a key of another type is simply absent");
    assertTrue(rebuilt.containsKey("c"));
    assertFalse(rebuilt.containsKey("d"));
    assertThrows(UnsupportedOperationException.class, () -> rebuilt.put("d", "x"));
    assertEquals("{a=va, b=vb, c=vc}", rebuilt.toString());
  }

  @Test
  void flatteningTheRebuiltMapAgainGivesTheSameLeavesAndSpec() {
    Map<String, Object> source = hashMap("x", "m", "a");
    Flat first = Trees.flatten(source);
    Flat second = Trees.flatten(first.unflatten());
    assertEquals(first.leaves(), second.leaves());
    assertEquals(first.spec(), second.spec());
  }

  @Test
  void sortedMapsAndHashMapsGiveTheSameStructure() {
    Map<String, Object> hash = hashMap("q", "b", "k");
    Map<String, Object> tree = new TreeMap<>(hash);
    assertEquals(Trees.flatten(hash).spec(), Trees.flatten(tree).spec());
    assertEquals(Trees.leaves(hash), Trees.leaves(tree));
  }

  @Test
  void theKeyOrderCacheNeverReusesTheOrderOfAnotherKeySet() {
    // same size, and a shared key, so the cache slot may coincide; the keys differ otherwise
    List<Map<String, Object>> maps = List.of(
        hashMap("a", "b", "c"), hashMap("a", "b", "d"), hashMap("a", "c", "d"),
        hashMap("a", "b", "c"), hashMap("z", "b", "c"));
    for (int round = 0; round < 3; round++) {
      for (Map<String, Object> m : maps) {
        List<Object> expected = new ArrayList<>();
        new TreeMap<>(m).values().forEach(expected::add);
        assertEquals(expected, Trees.leaves(m), "leaves in sorted key order for " + m);
      }
    }
  }

  @Test
  void aMapChangedBetweenFlattensIsSortedAgain() {
    Map<String, Object> m = hashMap("b", "a", "c");
    assertEquals(List.of("va", "vb", "vc"), Trees.leaves(m));
    m.remove("a");
    m.put("d", "vd");
    assertEquals(List.of("vb", "vc", "vd"), Trees.leaves(m));
    m.put("a", null);
    m.remove("d");
    List<Object> withNull = new ArrayList<>();
    withNull.add("vb");
    withNull.add("vc");
    assertEquals(withNull, Trees.leaves(m), "a null value is an empty node, not a missing key");
  }
}
