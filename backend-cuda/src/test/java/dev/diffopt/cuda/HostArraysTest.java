package dev.diffopt.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.diffopt.tensor.DType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("host arrays in each dtype's device representation (no GPU needed)")
class HostArraysTest {
  @Test
  @DisplayName("pack then unpack converts as Java casts do, per dtype")
  void roundTrip() {
    double[] data = {-2.75, 0, 1.5, 3e9, Double.NaN};
    assertArrayEquals(new double[] {-2.75, 0, 1.5, (float) 3e9, Double.NaN},
        HostArrays.unpack(HostArrays.pack(data, DType.FLOAT32)));
    assertArrayEquals(data, HostArrays.unpack(HostArrays.pack(data, DType.FLOAT64)));
    assertArrayEquals(new double[] {-2, 0, 1, Integer.MAX_VALUE, 0},
        HostArrays.unpack(HostArrays.pack(data, DType.INT32)));
    assertArrayEquals(new double[] {-2, 0, 1, 3e9, 0},
        HostArrays.unpack(HostArrays.pack(data, DType.INT64)));
    assertArrayEquals(new double[] {1, 0, 1, 1, 1},
        HostArrays.unpack(HostArrays.pack(data, DType.BOOL)));
  }

  @Test
  @DisplayName("kernel suffixes and copy widths follow the element size")
  void names() {
    assertEquals("f32", HostArrays.suffix(DType.FLOAT32));
    assertEquals("b8", HostArrays.suffix(DType.BOOL));
    assertEquals("w8", HostArrays.width(DType.INT64));
    assertEquals("w1", HostArrays.width(DType.BOOL));
    assertEquals("w4", HostArrays.width(DType.INT32));
  }
}
