package dev.diffopt.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShapeTest {
  @Test
  void sizesRanksAndPythonStyleText() {
    assertEquals(6, Shape.of(2, 3).size());
    assertEquals(1, Shape.scalar().size());
    assertEquals(0, Shape.of(4, 0).size());
    assertEquals("(2, 3)", Shape.of(2, 3).toString());
    assertEquals("(5,)", Shape.of(5).toString());
    assertEquals("()", Shape.scalar().toString());
    assertEquals(3, Shape.of(2, 3).dim(-1));
  }

  @Test
  void valueSemantics() {
    long[] dims = {2, 3};
    Shape s = Shape.of(dims);
    dims[0] = 7;
    assertEquals(Shape.of(2, 3), s, "defensive copy");
    assertEquals(Shape.of(2, 3).hashCode(), s.hashCode());
    assertNotEquals(Shape.of(3, 2), s);
  }

  @Test
  void broadcastingFollowsNumpy() {
    assertEquals(Shape.of(2, 3), Shape.broadcast(Shape.of(2, 3), Shape.of(3)));
    assertEquals(Shape.of(2, 3), Shape.broadcast(Shape.of(2, 1), Shape.of(1, 3)));
    assertEquals(Shape.of(4, 2, 3), Shape.broadcast(Shape.scalar(), Shape.of(4, 2, 3)));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Shape.broadcast(Shape.of(2, 3), Shape.of(4)));
    assertTrue(e.getMessage().contains("(2, 3)") && e.getMessage().contains("(4,)"), e.getMessage());
  }

  @Test
  void rejectsNegativeDimensionsAndBadAxes() {
    IllegalArgumentException neg =
        assertThrows(IllegalArgumentException.class, () -> Shape.of(2, -1));
    assertEquals("dimension 1 must be >= 0, got -1 in [2, -1]", neg.getMessage());
    IllegalArgumentException axis =
        assertThrows(IllegalArgumentException.class, () -> Shape.of(2, 3).dim(2));
    assertEquals("axis must be in [-2, 2) for shape (2, 3), got 2", axis.getMessage());
  }
}
