package dev.diffopt.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Flattening and unflattening of every built-in node type. */
class TreeFlattenTest {

  record Point(Object x, Object y) {}

  record Layer(Object weight, Object bias) {}

  private static Object roundTrip(Object tree) {
    Flat flat = Trees.flatten(tree);
    Object back = flat.spec().unflatten(flat.leaves());
    assertEquals(flat.spec(), Trees.structure(back), "rebuilt tree has the same structure");
    return back;
  }

  @Test
  void leafIsItsOwnSingleLeaf() {
    Flat flat = Trees.flatten("hello");
    assertEquals(List.of("hello"), flat.leaves());
    assertEquals(NodeKind.LEAF, flat.spec().kind());
    assertTrue(flat.spec().isLeaf());
    assertEquals(1, flat.spec().numLeaves());
    assertEquals(1, flat.spec().numNodes());
    assertEquals("hello", flat.unflatten());
  }

  @Test
  void primitiveArraysAndNumbersAreLeaves() {
    double[] data = {1, 2, 3};
    List<Object> leaves = Trees.leaves(List.of(data, 4, "s"));
    assertEquals(3, leaves.size());
    assertSame(data, leaves.get(0));
    assertEquals(4, leaves.get(1));
  }

  @Test
  void listChildrenInIndexOrder() {
    List<Object> tree = new LinkedList<>(List.of(1, List.of(2, 3), 4));
    Flat flat = Trees.flatten(tree);
    assertEquals(List.of(1, 2, 3, 4), flat.leaves());
    assertEquals(NodeKind.LIST, flat.spec().kind());
    assertEquals(3, flat.spec().numChildren());
    assertEquals(4, flat.spec().numLeaves());
    assertEquals(6, flat.spec().numNodes());
    Object back = roundTrip(tree);
    assertEquals(tree, back);
    assertInstanceOf(List.class, back);
  }

  @Test
  void unflattenedListIsUnmodifiableAndToleratesNull() {
    TreeSpec spec = Trees.structure(List.of(1, 2));
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) spec.unflatten(Arrays.asList(null, "b"));
    assertEquals(Arrays.asList(null, "b"), list);
    assertThrows(UnsupportedOperationException.class, () -> list.add(3));
  }

  @Test
  void hashMapChildrenAreInSortedKeyOrder() {
    Map<String, Object> m = new HashMap<>();
    m.put("zeta", 3);
    m.put("alpha", 1);
    m.put("mid", 2);
    Flat flat = Trees.flatten(m);
    assertEquals(List.of(1, 2, 3), flat.leaves());
    assertEquals(NodeKind.MAP, flat.spec().kind());
    assertEquals(
        List.of(PathEntry.mapKey("alpha"), PathEntry.mapKey("mid"), PathEntry.mapKey("zeta")),
        flat.spec().childEntries());
    Object back = roundTrip(m);
    assertEquals(m, back);
    assertEquals(List.of("alpha", "mid", "zeta"), new ArrayList<>(((Map<?, ?>) back).keySet()));
    assertThrows(UnsupportedOperationException.class, () -> ((Map<?, ?>) back).clear());
  }

  @Test
  void integerKeysAreSortedNumerically() {
    Map<Integer, String> m = new HashMap<>();
    m.put(10, "ten");
    m.put(2, "two");
    m.put(1, "one");
    assertEquals(List.of("one", "two", "ten"), Trees.leaves(m));
  }

  @Test
  void sortedMapsOfDifferentClassesHaveEqualSpecs() {
    Map<String, Object> hash = new HashMap<>(Map.of("b", 2, "a", 1));
    Map<String, Object> tree = new TreeMap<>(Map.of("a", 1, "b", 2));
    assertEquals(Trees.structure(hash), Trees.structure(tree));
    assertEquals(Trees.structure(hash), Trees.structure(Map.of("a", 0, "b", 0)));
  }

  @Test
  void linkedHashMapKeepsInsertionOrder() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("zeta", 1);
    m.put("alpha", 2);
    Flat flat = Trees.flatten(m);
    assertEquals(List.of(1, 2), flat.leaves());
    assertEquals(NodeKind.ORDERED_MAP, flat.spec().kind());
    Object back = roundTrip(m);
    assertInstanceOf(LinkedHashMap.class, back);
    assertEquals(List.of("zeta", "alpha"), new ArrayList<>(((Map<?, ?>) back).keySet()));
    assertEquals(m, back);
    @SuppressWarnings("unchecked")
    Map<String, Object> frozen = (Map<String, Object>) back;
    assertThrows(UnsupportedOperationException.class, () -> frozen.put("x", 3));
    assertThrows(UnsupportedOperationException.class, () -> frozen.keySet().remove("zeta"));
    assertThrows(UnsupportedOperationException.class, () -> frozen.entrySet().clear());
    assertEquals(2, frozen.size());
  }

  @Test
  void orderedMapAndSortedMapSpecsDiffer() {
    Map<String, Object> ordered = new LinkedHashMap<>();
    ordered.put("a", 1);
    ordered.put("b", 2);
    Map<String, Object> sorted = new TreeMap<>(ordered);
    assertEquals(Trees.leaves(ordered), Trees.leaves(sorted));
    assertTrue(!Trees.structure(ordered).equals(Trees.structure(sorted)));
  }

  @Test
  void recordComponentsInDeclarationOrder() {
    Point p = new Point(List.of(1, 2), 3);
    Flat flat = Trees.flatten(p);
    assertEquals(List.of(1, 2, 3), flat.leaves());
    assertEquals(NodeKind.RECORD, flat.spec().kind());
    assertEquals(Point.class, flat.spec().nodeType());
    assertEquals(p, roundTrip(p));
    assertInstanceOf(Point.class, roundTrip(p));
  }

  @Test
  void objectArrayAndTypedArray() {
    Object[] objects = {1, "two", List.of(3)};
    Flat flat = Trees.flatten(objects);
    assertEquals(List.of(1, "two", 3), flat.leaves());
    assertEquals(NodeKind.ARRAY, flat.spec().kind());
    Object back = roundTrip(objects);
    assertSame(Object[].class, back.getClass());
    assertArrayEquals(new Object[] {1, "two", List.of(3)}, (Object[]) back);

    String[] strings = {"a", "b"};
    Object backStrings = roundTrip(strings);
    assertSame(String[].class, backStrings.getClass());
    assertArrayEquals(strings, (String[]) backStrings);
    assertEquals(String[].class, Trees.structure(strings).nodeType());
  }

  @Test
  void nullIsAnEmptyNodeByDefault() {
    Flat flat = Trees.flatten(Arrays.asList(1, null, 2));
    assertEquals(List.of(1, 2), flat.leaves());
    TreeSpec none = flat.spec().children().get(1);
    assertEquals(NodeKind.NONE, none.kind());
    assertEquals(0, none.numLeaves());
    assertEquals(1, none.numNodes());
    assertEquals(Arrays.asList(1, null, 2), roundTrip(Arrays.asList(1, null, 2)));
    assertNull(Trees.structure(null).unflatten(List.of()));
    assertEquals(0, Trees.leaves(null).size());
  }

  @Test
  void nullIsALeafWithNoneIsLeaf() {
    TreeRegistry reg = TreeRegistry.create().withNoneIsLeaf(true);
    assertTrue(reg.noneIsLeaf());
    Flat flat = reg.flatten(Arrays.asList(1, null, 2));
    assertEquals(Arrays.asList(1, null, 2), flat.leaves());
    assertEquals(NodeKind.LEAF, flat.spec().children().get(1).kind());
    assertTrue(flat.spec().noneIsLeaf());
    assertEquals(Arrays.asList(1, null, 2), flat.unflatten());
    assertTrue(reg.isLeaf(null));
    assertTrue(!TreeRegistry.create().isLeaf(null));
  }

  @Test
  void optionalEmptyAndPresent() {
    List<Object> tree = List.of(Optional.of(5), Optional.empty());
    Flat flat = Trees.flatten(tree);
    assertEquals(List.of(5), flat.leaves());
    assertEquals(NodeKind.OPTIONAL, flat.spec().children().get(0).kind());
    assertEquals(1, flat.spec().children().get(0).numChildren());
    assertEquals(0, flat.spec().children().get(1).numChildren());
    assertEquals(tree, roundTrip(tree));
  }

  @Test
  void leafOrderIsDepthFirstAcrossKinds() {
    Map<String, Object> m = new HashMap<>();
    m.put("b", new Point(4, 5));
    m.put("a", new Object[] {2, Optional.of(3)});
    List<Object> tree = List.of(1, m, List.of(6));
    assertEquals(List.of(1, 2, 3, 4, 5, 6), Trees.leaves(tree));
  }

  @Test
  void nestedRoundTripKeepsEveryNodeClass() {
    Map<String, Object> ordered = new LinkedHashMap<>();
    ordered.put("w", new Layer(1.0, 2.0));
    ordered.put("opt", Optional.of(new String[] {"x"}));
    List<Object> tree = Arrays.asList(ordered, new HashMap<>(Map.of("k", 3)), null);
    Object back = roundTrip(tree);
    List<?> list = (List<?>) back;
    assertInstanceOf(LinkedHashMap.class, list.get(0));
    Map<?, ?> m0 = (Map<?, ?>) list.get(0);
    assertEquals(new Layer(1.0, 2.0), m0.get("w"));
    String[] inner = (String[]) ((Optional<?>) m0.get("opt")).orElseThrow();
    assertArrayEquals(new String[] {"x"}, inner);
    assertEquals(Map.of("k", 3), list.get(1));
    assertNull(list.get(2));
  }

  @Test
  void sharedSubtreesAreNotCycles() {
    List<Object> shared = List.of(1, 2);
    assertEquals(List.of(1, 2, 1, 2), Trees.leaves(List.of(shared, shared)));
  }

  @Test
  void isLeafAndAllLeaves() {
    assertTrue(Trees.isLeaf(3.0));
    assertTrue(Trees.isLeaf(new double[0]));
    assertTrue(!Trees.isLeaf(List.of()));
    assertTrue(Trees.allLeaves(List.of(1, "a", new int[0])));
    assertTrue(!Trees.allLeaves(List.of(1, Optional.empty())));
  }

  @Test
  void deepButFiniteNestingIsAccepted() {
    Object tree = 1;
    for (int i = 0; i < TreeRegistry.MAX_DEPTH; i++) {
      tree = List.of(tree);
    }
    Flat flat = Trees.flatten(tree);
    assertEquals(List.of(1), flat.leaves());
    assertEquals(TreeRegistry.MAX_DEPTH + 1, flat.spec().numNodes());
    assertEquals(flat.spec(), Trees.structure(flat.unflatten()));
  }
}
