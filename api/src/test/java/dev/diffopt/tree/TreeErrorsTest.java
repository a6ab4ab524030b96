package dev.diffopt.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every error the tree operations report. */
class TreeErrorsTest {

  record Positive(Object value) {
    Positive {
      if (value instanceof Number n && n.doubleValue() <= 0) {
        throw new IllegalStateException("value must be positive");
      }
    }
  }

  record Prim(int count) {}

  record Point(Object x, Object y) {}

  private static void assertContains(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), () -> "expected <" + part + "> in:\n" + message);
    }
  }

  @Test
  void unflattenWithWrongLeafCount() {
    TreeSpec spec = Trees.structure(List.of(1, 2, 3));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> spec.unflatten(List.of(1, 2)));
    assertEquals("expected 3 leaves for structure [*, *, *], got 2", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Trees.unflatten(spec, List.of(1, 2, 3, 4)));
  }

  @Test
  void mapNWithDifferentStructureNamesBothStructuresAndPath() {
    Map<String, Object> a = Map.of("x", 1, "y", List.of(2, 3));
    Map<String, Object> b = Map.of("x", 1, "y", List.of(2, 3, 4));
    TreeMismatchException e =
        assertThrows(TreeMismatchException.class, () -> Trees.mapN(xs -> xs.get(0), a, a, b));
    assertEquals("['y']", e.path().toString());
    assertEquals("list of 2 vs list of 3 children", e.detail());
    assertEquals(Trees.structure(a), e.expected());
    assertEquals(Trees.structure(b), e.actual());
    assertContains(
        e.getMessage(),
        "others[1]",
        "at ['y']: list of 2 vs list of 3 children",
        "{x=*, y=[*, *]}",
        "{x=*, y=[*, *, *]}");
    assertInstanceOf(IllegalArgumentException.class, e);
  }

  @Test
  void mismatchDetailsForEachKind() {
    assertEquals("keys [a, b] vs [a, c]", mismatch(Map.of("a", 1, "b", 2), Map.of("a", 1, "c", 2)));
    assertEquals("record Point vs record Positive", mismatch(new Point(1, 2), new Positive(1)));
    assertEquals("leaf vs list", mismatch(List.of(1), List.of(List.of(1))));
    assertEquals("None vs leaf", mismatch(nullList(), List.of(1)));
    assertEquals("array of 1 vs array of 2 elements", mismatch(new Object[] {1}, new Object[] {1, 2}));
    assertEquals("array Object[] vs array String[]", mismatch(new Object[] {1}, new String[] {"a"}));
    assertEquals("present vs empty Optional",
        mismatch(java.util.Optional.of(1), java.util.Optional.empty()));
    Map<String, Object> ab = new LinkedHashMap<>();
    ab.put("a", 1);
    ab.put("b", 2);
    Map<String, Object> ba = new LinkedHashMap<>();
    ba.put("b", 2);
    ba.put("a", 1);
    assertEquals("ordered keys [a, b] vs [b, a]", mismatch(ab, ba));
    assertEquals("ordered map vs map", mismatch(ab, new HashMap<>(ab)));
  }

  private static List<Object> nullList() {
    List<Object> l = new ArrayList<>();
    l.add(null);
    return l;
  }

  private static String mismatch(Object a, Object b) {
    return assertThrows(TreeMismatchException.class, () -> Trees.map((x, y) -> x, a, b)).detail();
  }

  @Test
  void firstDifferenceIsReportedInLeafOrder() {
    List<Object> a = List.of(List.of(1, 2), Map.of("k", 1));
    List<Object> b = List.of(List.of(1), Map.of("j", 1));
    TreeMismatchException e =
        assertThrows(TreeMismatchException.class, () -> Trees.map((x, y) -> x, a, b));
    assertEquals("[0]", e.path().toString());
  }

  @Test
  void broadcastPrefixThatIsNotAPrefix() {
    Map<String, Object> prefix = Map.of("encoder", 0.1, "head", 0.2);
    Map<String, Object> full = Map.of("encoder", Map.of("w", 1), "decoder", Map.of("w", 2));
    TreeMismatchException e =
        assertThrows(TreeMismatchException.class, () -> Trees.broadcastPrefix(prefix, full));
    assertEquals(KeyPath.root(), e.path());
    assertEquals("keys [encoder, head] vs [decoder, encoder]", e.detail());
    assertContains(e.getMessage(), "<root>", "{encoder=*, head=*}", "{decoder={w=*}, encoder={w=*}}");

    List<Object> deeper = List.of(1, List.of(2, 3));
    TreeMismatchException e2 =
        assertThrows(
            TreeMismatchException.class,
            () -> Trees.broadcastPrefix(List.of(0, List.of(0, List.of(0))), deeper));
    assertEquals("[1][1]", e2.path().toString());
    assertEquals("list vs leaf", e2.detail());
  }

  @Test
  void nonComparableMapKeys() {
    Map<Object, Object> mixed = new HashMap<>();
    mixed.put(1, "a");
    mixed.put("b", "c");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Trees.leaves(List.of(mixed)));
    assertContains(e.getMessage(), "java.lang.Integer", "java.lang.String", "at [0]");

    Map<Object, Object> opaque = new HashMap<>();
    opaque.put(new Object(), 1);
    IllegalArgumentException e2 =
        assertThrows(IllegalArgumentException.class, () -> Trees.flatten(opaque));
    assertContains(e2.getMessage(), "java.lang.Object", "Comparable");

    Map<Object, Object> withNull = new HashMap<>();
    withNull.put(null, 1);
    assertThrows(IllegalArgumentException.class, () -> Trees.structure(withNull));
  }

  @Test
  void recordConstructorFailure() {
    TreeSpec spec = Trees.structure(new Positive(1.0));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> spec.unflatten(List.of(-1.0)));
    assertContains(e.getMessage(), Positive.class.getName(), "value must be positive");
    assertInstanceOf(IllegalStateException.class, e.getCause());

    IllegalArgumentException e2 =
        assertThrows(IllegalArgumentException.class, () -> Trees.map(x -> "text", new Prim(3)));
    assertContains(e2.getMessage(), Prim.class.getName(), "int count", "String");
  }

  @Test
  void typedArrayRejectsWrongLeafType() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Trees.map(x -> 1, new String[] {"a", "b"}));
    assertContains(e.getMessage(), "java.lang.Integer", "String[]");
  }

  @Test
  void cycleIsReportedNotStackOverflow() {
    List<Object> self = new ArrayList<>();
    self.add(1);
    self.add(self);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Trees.flatten(self));
    assertContains(e.getMessage(), "cycle", "java.util.ArrayList", "[1]");

    Map<String, Object> m = new HashMap<>();
    m.put("inner", List.of(m));
    IllegalArgumentException e2 =
        assertThrows(IllegalArgumentException.class, () -> Trees.leaves(m));
    assertContains(e2.getMessage(), "cycle", "['inner'][0]");
  }

  @Test
  void tooDeepTreeIsReported() {
    Object tree = 1;
    for (int i = 0; i <= TreeRegistry.MAX_DEPTH; i++) {
      tree = List.of(tree);
    }
    Object deep = tree;
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Trees.structure(deep));
    assertContains(e.getMessage(), "nested more than " + TreeRegistry.MAX_DEPTH, "depth");
  }

  @Test
  void composeRejectsDifferentNoneOptions() {
    TreeSpec a = Trees.structure(List.of(1));
    TreeSpec b = TreeRegistry.create().withNoneIsLeaf(true).structure(List.of(1));
    assertThrows(IllegalArgumentException.class, () -> a.compose(b));
  }

  @Test
  void exceptionsFromUserFunctionsPropagateUnchanged() {
    RuntimeException boom = new UnsupportedOperationException("boom");
    RuntimeException thrown =
        assertThrows(
            UnsupportedOperationException.class,
            () ->
                Trees.map(
                    x -> {
                      throw boom;
                    },
                    List.of(1)));
    assertSame(boom, thrown);
  }
}
