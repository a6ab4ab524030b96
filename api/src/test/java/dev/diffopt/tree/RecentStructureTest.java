package dev.diffopt.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Flattening checks a tree against the structure flattened last for a similar root before walking
 * it afresh; whatever changed, the result must equal a fresh walk.
 */
class RecentStructureTest {
  private static Map<String, Object> layer(Object w, Object b) {
    Map<String, Object> m = new HashMap<>();
    m.put("w", w);
    m.put("b", b);
    return m;
  }

  @Test
  void aChangedSubtreeIsNoticed() {
    TreeRegistry r = TreeRegistry.create();
    List<Object> first = new ArrayList<>(List.of(layer(1, 2), layer(3, 4)));
    assertEquals(List.of(2, 1, 4, 3), r.leaves(first));
    // same root class and size; a leaf became a list, a key changed, a value became null
    List<Object> second = new ArrayList<>(List.of(layer(List.of(5, 6), 2), layer(3, 4)));
    assertEquals(List.of(2, 5, 6, 4, 3), r.leaves(second));
    Map<String, Object> renamed = new HashMap<>();
    renamed.put("w", 1);
    renamed.put("c", 2);
    List<Object> third = new ArrayList<>(List.of(renamed, layer(3, 4)));
    Flat f = r.flatten(third);
    assertEquals(List.of(2, 1, 4, 3), f.leaves());
    assertNotEquals(r.structure(first), f.spec(), "keys are part of the structure");
    List<Object> fourth = new ArrayList<>(List.of(layer(null, 2), layer(3, 4)));
    assertEquals(List.of(2, 4, 3), r.leaves(fourth), "null is an empty node");
    assertEquals(r.structure(fourth), TreeRegistry.create().structure(fourth),
        "the same spec as a registry that never saw the earlier trees");
  }

  @Test
  void aCustomNodeRegisteredLaterIsHonoured() {
    TreeRegistry r = TreeRegistry.create();
    List<Object> tree = new ArrayList<>(List.of(new StringBuilder("a"), new StringBuilder("b")));
    assertEquals(2, r.leaves(tree).size());
    r.register(StringBuilder.class, NodeDef.of(
        sb -> NodeDef.Flattened.of(List.of(sb.toString(), sb.length())),
        (aux, kids) -> new StringBuilder((String) kids.get(0))));
    assertEquals(List.of("a", 1, "b", 1), r.leaves(tree), "the cached structure is not reused");
  }

  @Test
  void aCycleIsStillReported() {
    TreeRegistry r = TreeRegistry.create();
    List<Object> acyclic = new ArrayList<>(List.of(new ArrayList<>(List.of(1))));
    r.leaves(acyclic);
    List<Object> cyclic = new ArrayList<>();
    cyclic.add(cyclic);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.leaves(cyclic));
    assertEquals(true, e.getMessage().contains("cycle"), e.getMessage());
  }

  @Test
  void unflattenedListsAreUnmodifiableAndEqualToTheOriginal() {
    List<Object> tree = new ArrayList<>(List.of(1, List.of(2, 3)));
    Object rebuilt = Trees.flatten(tree).unflatten();
    assertEquals(tree, rebuilt);
    assertThrows(UnsupportedOperationException.class, () -> ((List<Object>) rebuilt).add(4));
  }
}
