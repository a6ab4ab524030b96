package dev.diffopt.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Equality, string form, paths, prefixes and composition of {@link TreeSpec}. */
class TreeSpecTest {

  record Point(Object x, Object y) {}

  record Other(Object x, Object y) {}

  static final class MyNode {
    final String tag;
    final List<Object> items;

    MyNode(String tag, List<Object> items) {
      this.tag = tag;
      this.items = items;
    }
  }

  private static TreeRegistry withMyNode() {
    TreeRegistry reg = TreeRegistry.create();
    reg.register(
        MyNode.class,
        NodeDef.of(n -> NodeDef.Flattened.of(n.items, n.tag), (aux, kids) -> new MyNode((String) aux, kids)));
    return reg;
  }

  @Test
  void toStringShowsEveryKind() {
    TreeRegistry reg = withMyNode();
    Map<String, Object> map = new java.util.HashMap<>();
    map.put("b", null);
    map.put("a", 1);
    List<Object> tree =
        Arrays.asList(
            1,
            map,
            new Point(2, 3),
            Optional.of(4),
            Optional.empty(),
            new Object[] {5, 6},
            new MyNode("aux", List.of(7, 8)));
    assertEquals(
        "[*, {a=*, b=None}, Point(x=*, y=*), Optional[*], Optional.empty, Object[](*, *),"
            + " MyNode<aux>(*, *)]",
        reg.structure(tree).toString());
  }

  @Test
  void toStringOfOrderedMapTypedArrayLeafAndNoneIsLeaf() {
    Map<String, Object> ordered = new LinkedHashMap<>();
    ordered.put("z", 1);
    ordered.put("a", List.of());
    assertEquals("ordered{z=*, a=[]}", Trees.structure(ordered).toString());
    assertEquals("String[](*, *)", Trees.structure(new String[] {"a", "b"}).toString());
    assertEquals("*", Trees.structure(1).toString());
    assertEquals("None", Trees.structure(null).toString());
    TreeRegistry leafNone = TreeRegistry.create().withNoneIsLeaf(true);
    assertEquals("[*, *] (noneIsLeaf)", leafNone.structure(Arrays.asList(1, null)).toString());
  }

  @Test
  void equalSpecsForSameStructureWithDifferentLeaves() {
    TreeSpec a = Trees.structure(List.of(1, Map.of("k", new Point(2, 3))));
    TreeSpec b = Trees.structure(List.of("x", Map.of("k", new Point(List.of(), "y"))));
    TreeSpec c = Trees.structure(List.of("x", Map.of("k", new Point("z", "y"))));
    assertNotEquals(a, b, "a list in place of a leaf changes the structure");
    assertEquals(a, c);
    assertEquals(a.hashCode(), c.hashCode());
    assertEquals(a.toString(), c.toString());
  }

  @Test
  void specsDifferByNodeData() {
    assertNotEquals(Trees.structure(Map.of("a", 1)), Trees.structure(Map.of("b", 1)));
    assertNotEquals(Trees.structure(new Point(1, 2)), Trees.structure(new Other(1, 2)));
    assertNotEquals(Trees.structure(new Object[] {1}), Trees.structure(new String[] {"a"}));
    assertNotEquals(Trees.structure(List.of(1)), Trees.structure(new Object[] {1}));
    assertNotEquals(Trees.structure(Optional.of(1)), Trees.structure(Optional.empty()));
    assertNotEquals(Trees.structure(List.of(1)), Trees.structure(List.of(1, 2)));
    assertNotEquals(Trees.structure(null), Trees.structure(1));
    TreeRegistry leafNone = TreeRegistry.create().withNoneIsLeaf(true);
    assertNotEquals(Trees.structure(List.of(1)), leafNone.structure(List.of(1)));
    TreeRegistry reg = withMyNode();
    assertNotEquals(
        reg.structure(new MyNode("a", List.of(1))), reg.structure(new MyNode("b", List.of(1))));
    assertEquals(
        reg.structure(new MyNode("a", List.of(1))), reg.structure(new MyNode("a", List.of(2))));
  }

  @Test
  void countsAndChildren() {
    TreeSpec spec = Trees.structure(Arrays.asList(1, List.of(2, 3), null, Optional.empty()));
    assertEquals(3, spec.numLeaves());
    // root, leaf 1, inner list + 2 leaves, None, Optional
    assertEquals(7, spec.numNodes());
    assertEquals(4, spec.numChildren());
    assertEquals(List.of(NodeKind.LEAF, NodeKind.LIST, NodeKind.NONE, NodeKind.OPTIONAL),
        spec.children().stream().map(TreeSpec::kind).toList());
    assertThrows(UnsupportedOperationException.class, () -> spec.children().clear());
  }

  @Test
  void pathsOfLeaves() {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("w", new Point(1, 2));
    params.put("b", Optional.of(3));
    List<Object> tree = List.of(params, new Object[] {4}, Map.of(7, 5));
    List<String> paths = Trees.paths(tree).stream().map(KeyPath::toString).toList();
    assertEquals(List.of("[0]['w'].x", "[0]['w'].y", "[0]['b'].get()", "[1][0]", "[2][7]"), paths);
    assertEquals(List.of("<root>"), Trees.paths(1).stream().map(KeyPath::toString).toList());
    assertEquals(
        KeyPath.of(PathEntry.index(0), PathEntry.mapKey("w"), PathEntry.field("x")),
        Trees.paths(tree).get(0));
  }

  @Test
  void flattenUpToReturnsSubtreesAtLeafPositions() {
    TreeSpec prefix = Trees.structure(Map.of("enc", 0, "dec", 0));
    Map<String, Object> full = Map.of("enc", List.of(1, 2), "dec", new Point(3, 4));
    assertEquals(List.of(new Point(3, 4), List.of(1, 2)), prefix.flattenUpTo(full));
    TreeSpec same = Trees.structure(full);
    assertEquals(List.of(3, 4, 1, 2), same.flattenUpTo(full));
  }

  @Test
  void flattenUpToMismatchNamesThePath() {
    TreeSpec prefix = Trees.structure(Map.of("enc", 0, "dec", List.of(0, 0)));
    Map<String, Object> full = Map.of("enc", 1, "dec", List.of(1, 2, 3));
    TreeMismatchException e =
        assertThrows(TreeMismatchException.class, () -> prefix.flattenUpTo(full));
    assertEquals("['dec']", e.path().toString());
    assertEquals("list of 2 vs list of 3 children", e.detail());
    assertEquals(prefix, e.expected());
    assertEquals(Trees.structure(full), e.actual());
  }

  @Test
  void isPrefixOf() {
    TreeSpec leaf = Trees.structure(0);
    TreeSpec groups = Trees.structure(Map.of("a", 0, "b", 0));
    TreeSpec full = Trees.structure(Map.of("a", List.of(1, 2), "b", new Point(3, 4)));
    assertTrue(leaf.isPrefixOf(full));
    assertTrue(groups.isPrefixOf(full));
    assertTrue(full.isPrefixOf(full));
    assertFalse(full.isPrefixOf(groups));
    assertFalse(Trees.structure(Map.of("a", 0, "c", 0)).isPrefixOf(full));
    assertFalse(leaf.isPrefixOf(TreeRegistry.create().withNoneIsLeaf(true).structure(1)));
  }

  @Test
  void composeReplacesLeaves() {
    TreeSpec outer = Trees.structure(List.of(0, 0));
    TreeSpec inner = Trees.structure(new Point(0, 0));
    TreeSpec composed = outer.compose(inner);
    assertEquals(Trees.structure(List.of(new Point(1, 2), new Point(3, 4))), composed);
    assertEquals(4, composed.numLeaves());
    assertSame(inner, Trees.structure(5).compose(inner));
  }

  @Test
  void unflattenRebuildsFromSpecAlone() {
    TreeSpec spec = Trees.structure(List.of(new Point(0, 0), Map.of("k", 0)));
    assertEquals(List.of(new Point("a", "b"), Map.of("k", "c")), spec.unflatten(List.of("a", "b", "c")));
  }

  @Test
  void nodeTypeAndChildEntries() {
    assertEquals(List.class, Trees.structure(List.of()).nodeType());
    assertEquals(Map.class, Trees.structure(Map.of()).nodeType());
    assertEquals(LinkedHashMap.class, Trees.structure(new LinkedHashMap<>()).nodeType());
    assertEquals(Optional.class, Trees.structure(Optional.empty()).nodeType());
    assertEquals(null, Trees.structure(1).nodeType());
    assertEquals(
        List.of(PathEntry.field("x"), PathEntry.field("y")),
        Trees.structure(new Point(1, 2)).childEntries());
  }
}
