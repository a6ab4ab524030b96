package dev.diffopt.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Trees#transpose}. */
class TreeTransposeTest {

  record Pair(Object first, Object second) {}

  @Test
  void listOfRecordsBecomesRecordOfLists() {
    List<Object> tree = List.of(new Pair(1, "a"), new Pair(2, "b"), new Pair(3, "c"));
    TreeSpec outer = Trees.structure(List.of(0, 0, 0));
    TreeSpec inner = Trees.structure(new Pair(0, 0));
    Object out = Trees.transpose(outer, inner, tree);
    assertEquals(new Pair(List.of(1, 2, 3), List.of("a", "b", "c")), out);
  }

  @Test
  void transposeTwiceIsIdentity() {
    Map<String, Object> tree =
        Map.of("x", List.of(1, 2), "y", List.of(3, 4), "z", List.of(5, 6));
    TreeSpec outer = Trees.structure(Map.of("x", 0, "y", 0, "z", 0));
    TreeSpec inner = Trees.structure(List.of(0, 0));
    Object once = Trees.transpose(outer, inner, tree);
    assertEquals(List.of(Map.of("x", 1, "y", 3, "z", 5), Map.of("x", 2, "y", 4, "z", 6)), once);
    assertEquals(tree, Trees.transpose(inner, outer, once));
  }

  @Test
  void mismatchedInnerStructureIsReported() {
    List<Object> tree = List.of(new Pair(1, 2), List.of(3, 4));
    TreeSpec outer = Trees.structure(List.of(0, 0));
    TreeSpec inner = Trees.structure(new Pair(0, 0));
    TreeMismatchException e =
        assertThrows(TreeMismatchException.class, () -> Trees.transpose(outer, inner, tree));
    assertEquals("[1]", e.path().toString());
    assertEquals("record Pair vs list", e.detail());
    assertTrue(e.getMessage().contains("[Pair(first=*, second=*), Pair(first=*, second=*)]"));
    assertTrue(e.getMessage().contains("[Pair(first=*, second=*), [*, *]]"));
  }
}
