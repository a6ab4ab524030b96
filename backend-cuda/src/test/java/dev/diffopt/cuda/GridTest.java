package dev.diffopt.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("launch geometry of the element kernels (no GPU needed)")
class GridTest {
  @Test
  @DisplayName("one thread per element up to the cap, then threads loop; never an empty grid")
  void geometry() {
    assertEquals(new Grid(1, 256), Grid.elements(0, 100));
    assertEquals(new Grid(1, 256), Grid.elements(1, 100));
    assertEquals(new Grid(1, 256), Grid.elements(256, 100));
    assertEquals(new Grid(2, 256), Grid.elements(257, 100));
    assertEquals(new Grid(100, 256), Grid.elements(100L * 256 + 1, 100));
    // 100M elements on 132 SMs x 32 blocks: capped, each thread covers ceil(n / threads) elements
    Grid g = Grid.elements(100_000_000L, 132 * 32);
    assertEquals(132 * 32, g.blocks());
    long threads = (long) g.blocks() * g.threads();
    assertTrue(threads * ((100_000_000L + threads - 1) / threads) >= 100_000_000L);
    // more elements than int range still gives a valid grid
    assertEquals(4224, Grid.elements(1L << 40, 4224).blocks());
  }

  @Test
  @DisplayName("bad geometry is refused with the values in the message")
  void badInput() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Grid.elements(-1, 10));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Grid(1, 2048));
    assertTrue(e.getMessage().contains("2048"), e.getMessage());
  }
}
