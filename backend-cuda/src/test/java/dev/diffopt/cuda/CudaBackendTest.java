package dev.diffopt.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.spi.Capability;
import dev.diffopt.spi.UnsupportedCapabilityException;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What only this backend has, on a GPU (skipped without one, saying why): tree flattening,
 * grid-stride kernels over more elements than the grid has threads, native failures as exceptions,
 * and the missing autodiff reported as such.
 */
@DisplayName("cuda backend on a GPU: flattening, large tensors, native failures")
class CudaBackendTest {
  private CudaBackend backend;
  private TensorOps ops;
  private Scope scope;

  @BeforeEach
  void open() {
    backend = CudaTestDevice.backend();
    ops = backend.ops();
    scope = Scope.open();
  }

  @AfterEach
  void close() {
    if (scope != null) {
      scope.close();
    }
  }

  private Tensor counting(long n, DType dtype, double from) {
    double[] d = new double[(int) n];
    for (int i = 0; i < d.length; i++) {
      d[i] = from + i;
    }
    return ops.fromDoubles(d, Shape.of(n), dtype);
  }

  @Test
  @DisplayName("CUDA-FLAT-01 ravel lays the leaves end to end; unravel and unravelInto restore them")
  void flattening() {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("w", ops.reshape(counting(6, DType.FLOAT32, 1), Shape.of(2, 3)));
    tree.put("empty", ops.zeros(Shape.of(0), DType.FLOAT32));
    tree.put("b", List.of(counting(3, DType.FLOAT32, 100), ops.scalar(-5, DType.FLOAT32)));
    Tensor flat = backend.flattening().ravel(tree);
    assertEquals(Shape.of(10), flat.shape());
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 100, 101, 102, -5}, flat.toDoubleArray());
    Tensor doubled = ops.mul(flat, 2.0);
    Map<String, Object> back = backend.flattening().unravel(doubled, tree);
    assertEquals(Shape.of(2, 3), ((Tensor) back.get("w")).shape());
    assertArrayEquals(new double[] {2, 4, 6, 8, 10, 12},
        ((Tensor) back.get("w")).toDoubleArray());
    backend.flattening().unravelInto(doubled, tree);
    assertArrayEquals(new double[] {200, 202, 204},
        ((Tensor) ((List<?>) tree.get("b")).get(0)).toDoubleArray());
    assertEquals(-10, ((Tensor) ((List<?>) tree.get("b")).get(1)).item());
  }

  @Test
  @DisplayName("CUDA-FLAT-02 mixed dtypes and wrong flat sizes are refused naming the path")
  void flatteningErrors() {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("a", ops.zeros(Shape.of(2), DType.FLOAT32));
    tree.put("b", ops.zeros(Shape.of(2), DType.FLOAT64));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> backend.flattening().ravel(tree));
    assertTrue(e.getMessage().contains("b") && e.getMessage().contains("FLOAT64"),
        e.getMessage());
    Tensor wrong = ops.zeros(Shape.of(3), DType.FLOAT32);
    e = assertThrows(IllegalArgumentException.class,
        () -> backend.flattening().unravel(wrong, List.of(ops.zeros(Shape.of(2),
            DType.FLOAT32))));
    assertTrue(e.getMessage().contains("(3,)") && e.getMessage().contains("(2)"), e.getMessage());
  }

  @Test
  @DisplayName("CUDA-LARGE-01 kernels cover more elements than the capped grid has threads")
  void gridStride() {
    long n = 50_000_000L; // > 132 SMs x 32 blocks x 256 threads
    Tensor x = ops.full(Shape.of(n), 0.5, DType.FLOAT32);
    Tensor y = ops.add(ops.mul(x, 4.0), 1.0);
    assertEquals(3.0 * n, ops.sum(y).item(), 1e-6 * n);
    assertEquals(3.0, ops.min(y, new int[0], false).item());
    assertEquals(3.0, ops.max(y, new int[0], false).item());
  }

  @Test
  @DisplayName("CUDA-ERR-01 an impossible allocation is an exception naming the error, not a crash")
  void outOfMemory() {
    CudaFailureException e = assertThrows(CudaFailureException.class,
        () -> ops.zeros(Shape.of(1L << 42), DType.FLOAT32));
    assertTrue(e.getMessage().contains("CUDA_ERROR_OUT_OF_MEMORY"), e.getMessage());
    // the context is still usable
    assertEquals(4, ops.sum(ops.full(Shape.of(2), 2, DType.FLOAT32)).item());
  }

  @Test
  @DisplayName("CUDA-AD-01 autodiff is refused with the capability and a hint")
  void noAutodiff() {
    assertTrue(backend.has(Capability.GPU) && backend.has(Capability.FUSED_UPDATES));
    UnsupportedCapabilityException e =
        assertThrows(UnsupportedCapabilityException.class, () -> backend.autodiff());
    assertEquals(Capability.AUTODIFF, e.capability());
    assertTrue(e.getMessage().contains("zero-order"), e.getMessage());
  }

  @Test
  @DisplayName("CUDA-RNG-01 Philox normals: reproducible, independent of size, right moments")
  void philox() {
    CudaTensorOps cuda = (CudaTensorOps) ops;
    double[] a = cuda.philoxNormal(Shape.of(100_001), DType.FLOAT64, 7).toDoubleArray();
    double[] b = cuda.philoxNormal(Shape.of(10), DType.FLOAT64, 7).toDoubleArray();
    double[] c = cuda.philoxNormal(Shape.of(10), DType.FLOAT64, 8).toDoubleArray();
    assertTrue(!java.util.Arrays.equals(b, c), "another seed gives other numbers");
    for (int i = 0; i < b.length; i++) {
      assertEquals(a[i], b[i], "element " + i + " depends only on (seed, index)");
    }
    double mean = 0;
    double sq = 0;
    for (double v : a) {
      mean += v;
      sq += v * v;
    }
    mean /= a.length;
    double var = sq / a.length - mean * mean;
    // 5 standard errors: sd(mean) = 1/sqrt(n), sd(var) ~ sqrt(2/n)
    assertEquals(0, mean, 5 / Math.sqrt(a.length));
    assertEquals(1, var, 5 * Math.sqrt(2.0 / a.length));
  }

  @Test
  @DisplayName("CUDA-RNG-02 Philox uniforms stay in [low, high) with the right mean, in float32")
  void philoxUniform() {
    CudaTensorOps cuda = (CudaTensorOps) ops;
    double[] u = cuda.philoxUniform(Shape.of(200_001), DType.FLOAT32, -1, 3, 11).toDoubleArray();
    double mean = 0;
    for (double v : u) {
      assertTrue(v >= -1 && v < 3, "value " + v + " outside [-1, 3)");
      mean += v;
    }
    mean /= u.length;
    // uniform on [-1, 3): mean 1, sd 4/sqrt(12); 5 standard errors
    assertEquals(1, mean, 5 * (4 / Math.sqrt(12)) / Math.sqrt(u.length));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> cuda.philoxUniform(Shape.of(2), DType.INT32, 0, 1, 1));
    assertTrue(e.getMessage().contains("INT32"), e.getMessage());
  }
}
