package dev.diffopt.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link KeyPath} and {@link PathEntry}. */
class KeyPathTest {

  @Test
  void stringForms() {
    KeyPath p =
        KeyPath.of(PathEntry.index(0), PathEntry.mapKey("w"), PathEntry.field("bias"));
    assertEquals("[0]['w'].bias", p.toString());
    assertEquals("<root>", KeyPath.root().toString());
    assertEquals("[3]", PathEntry.mapKey(3).toString());
    assertEquals("['it\\'s']", PathEntry.mapKey("it's").toString());
    assertEquals(".get()", PathEntry.optionalValue().toString());
    assertEquals(".name", PathEntry.custom("name").toString());
    assertEquals("['two words']", PathEntry.custom("two words").toString());
    assertEquals("[7]", PathEntry.custom(7).toString());
  }

  @Test
  void equalityAndHashing() {
    KeyPath a = KeyPath.root().append(PathEntry.index(1)).append(PathEntry.field("x"));
    KeyPath b = KeyPath.of(List.of(PathEntry.index(1), PathEntry.field("x")));
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(KeyPath.of(PathEntry.index(1)), KeyPath.of(PathEntry.mapKey(1)));
    assertNotEquals(KeyPath.of(PathEntry.field("x")), KeyPath.of(PathEntry.custom("x")));
    assertEquals(PathEntry.optionalValue(), new PathEntry.OptionalValue());
  }

  @Test
  void structureOperations() {
    KeyPath a = KeyPath.of(PathEntry.index(0));
    KeyPath b = KeyPath.of(PathEntry.field("w"));
    KeyPath ab = a.concat(b);
    assertEquals("[0].w", ab.toString());
    assertEquals(2, ab.size());
    assertTrue(ab.startsWith(a));
    assertFalse(ab.startsWith(b));
    assertTrue(ab.startsWith(KeyPath.root()));
    assertTrue(KeyPath.root().isRoot());
    assertFalse(ab.isRoot());
    assertSame(a, a.concat(KeyPath.root()));
    assertThrows(UnsupportedOperationException.class, () -> ab.entries().clear());
    assertThrows(NullPointerException.class, () -> a.append(null));
  }
}
