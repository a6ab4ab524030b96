package dev.diffopt.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link dev.diffopt.spi.Backend#stage}: a staged function gives the numbers of the function
 * itself, call after call, for new input shapes, with the current values of the tensors it reads
 * from closures, and with non-tensor leaves passed through. (On a backend that does not stage,
 * {@code stage} returns the function and these checks hold trivially.)
 */
public abstract class StagingSuite extends BackendSuite {
  private static final double TOL = 1e-12;

  private static void assertSameTrees(List<Tensor> expected, List<Tensor> actual, String what) {
    assertEquals(expected.size(), actual.size(), what + ": number of leaves");
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).shape(), actual.get(i).shape(), what + ": shape of leaf " + i);
      double[] e = expected.get(i).toDoubleArray();
      double[] a = actual.get(i).toDoubleArray();
      for (int k = 0; k < e.length; k++) {
        assertEquals(e[k], a[k], TOL * Math.max(1, Math.abs(e[k])), what + ": leaf " + i + "[" + k
            + "]");
      }
    }
  }

  @Test
  @DisplayName("STAGE-01 a staged meta-gradient equals the unstaged one, on every call")
  void stagedMetaGradient() {
    require(Capability.HIGHER_ORDER);
    TensorOps ops = backend().ops();
    Tensor x = ops.randomUniform(Shape.of(6, 1), DType.FLOAT64, -3, 3, 5);
    Tensor y = ops.sin(x);
    Function<List<Tensor>, List<Tensor>> plain = Mlp.metaGradient(backend(), x, y, x, y, 0.1);
    Function<List<Tensor>, List<Tensor>> staged = backend().stage(plain);
    for (long seed = 1; seed <= 3; seed++) {
      List<Tensor> theta = Mlp.init(ops, DType.FLOAT64, seed, 1, 8, 1);
      assertSameTrees(plain.apply(theta), staged.apply(theta), "call " + seed);
    }
  }

  @Test
  @DisplayName("STAGE-02 a new input shape gives the right result instead of failing")
  void newShapes() {
    TensorOps ops = backend().ops();
    Function<Tensor, Tensor> rowSums = t -> ops.sum(ops.tanh(t), new int[] {1}, false);
    Function<Tensor, Tensor> staged = backend().stage(rowSums);
    for (int rows = 1; rows <= 3; rows++) {
      Tensor t = ops.randomNormal(Shape.of(rows, rows + 1), DType.FLOAT64, rows);
      assertArrayEquals(rowSums.apply(t).toDoubleArray(), staged.apply(t).toDoubleArray(), TOL,
          rows + " rows");
    }
  }

  @Test
  @DisplayName("STAGE-03 a tensor read from a closure is read with its value at each call")
  void closureTensorsAreCurrent() {
    TensorOps ops = backend().ops();
    Tensor scale = ops.fromDoubles(new double[] {2}, Shape.scalar(), DType.FLOAT64);
    Function<Tensor, Tensor> staged = backend().stage(t -> ops.mul(t, scale));
    Tensor t = ops.fromDoubles(new double[] {1, 2}, Shape.of(2), DType.FLOAT64);
    assertArrayEquals(new double[] {2, 4}, staged.apply(t).toDoubleArray(), 0);
    ops.assign(scale, ops.fromDoubles(new double[] {-3}, Shape.scalar(), DType.FLOAT64));
    assertArrayEquals(new double[] {-3, -6}, staged.apply(t).toDoubleArray(), 0);
  }

  @Test
  @DisplayName("STAGE-04 non-tensor leaves of the input select the graph; output leaves pass")
  void nonTensorLeaves() {
    TensorOps ops = backend().ops();
    Function<Map<String, Object>, Map<String, Object>> fn = in -> {
      Tensor t = (Tensor) in.get("x");
      double c = (Double) in.get("c");
      return Map.of("y", ops.mul(t, c), "label", "c=" + c);
    };
    Function<Map<String, Object>, Map<String, Object>> staged = backend().stage(fn);
    Tensor t = ops.fromDoubles(new double[] {1, -1}, Shape.of(2), DType.FLOAT64);
    for (double c : new double[] {0.5, 4.0, 0.5}) {
      Map<String, Object> out = staged.apply(Map.of("x", t, "c", c));
      assertEquals("c=" + c, out.get("label"));
      assertArrayEquals(new double[] {c, -c}, ((Tensor) out.get("y")).toDoubleArray(), 0);
    }
  }
}
