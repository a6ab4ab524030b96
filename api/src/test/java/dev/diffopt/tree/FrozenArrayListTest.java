package dev.diffopt.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;
import org.junit.jupiter.api.Test;

/** A list viewing part of an array behaves exactly like an unmodifiable list of that part. */
class FrozenArrayListTest {
  private final Object[] backing = {"a", "b", "c", "d", "e"};
  private final FrozenArrayList view = new FrozenArrayList(backing, 1, 3);

  @Test
  void readsOnlyItsSlice() {
    assertEquals(List.of("b", "c", "d"), view);
    assertEquals(view, List.of("b", "c", "d"));
    assertEquals(List.of("b", "c", "d").hashCode(), view.hashCode());
    assertEquals(3, view.size());
    assertThrows(IndexOutOfBoundsException.class, () -> view.get(3));
    assertThrows(IndexOutOfBoundsException.class, () -> view.get(-1));
    assertArrayEquals(new Object[] {"b", "c", "d"}, view.toArray());
    assertEquals(List.of("b", "c", "d"), new ArrayList<>(view));
    assertEquals(1, view.indexOf("c"));
    assertEquals(List.of("c"), view.subList(1, 2));
    assertNull(view.wholeArray(), "a slice never hands out its backing array");
  }

  @Test
  void iteratorsStayInTheSliceAndCannotWrite() {
    Iterator<Object> it = view.iterator();
    assertEquals("b", it.next());
    assertThrows(UnsupportedOperationException.class, it::remove);
    assertEquals("c", it.next());
    assertEquals("d", it.next());
    assertFalse(it.hasNext());
    ListIterator<Object> li = view.listIterator(3);
    assertEquals("d", li.previous());
    assertThrows(UnsupportedOperationException.class, () -> li.set("x"));
    assertThrows(UnsupportedOperationException.class, () -> view.add("x"));
    assertThrows(UnsupportedOperationException.class, () -> view.set(0, "x"));
    assertThrows(UnsupportedOperationException.class, () -> view.sort(null));
    assertEquals("a", backing[0], "the backing array is untouched");
  }

  @Test
  void unflattenedLeafListsAreIndependentOfLaterFlattens() {
    List<Object> tree = new ArrayList<>(List.of(List.of(1, 2), List.of(3, 4, 5)));
    Flat flat = Trees.flatten(tree);
    Object rebuilt = flat.unflatten();
    assertEquals(tree, rebuilt);
    Flat again = Trees.flatten(rebuilt);
    assertEquals(flat.leaves(), again.leaves());
    assertEquals(flat.spec(), again.spec());
  }
}
