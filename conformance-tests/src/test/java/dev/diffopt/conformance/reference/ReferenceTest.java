package dev.diffopt.conformance.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The float64 reference on small cases worked out by hand (expected values are literals). */
class ReferenceTest {
  private static final double EPS = 1e-15;

  /** The 2x3 matrix [[1, 2, 3], [4, 5, 6]]. */
  private static RefTensor m23() {
    return RefTensor.f64(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
  }

  /** The (2, 3, 2) tensor with x[i][j][k] = 6i + 2j + k, i.e. 0..11 in row-major order. */
  private static RefTensor iota232() {
    return RefTensor.f64(Shape.of(2, 3, 2), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
  }

  private static void assertRef(Shape shape, DType dtype, double[] expected, RefTensor actual) {
    assertEquals(shape, actual.shape(), "shape");
    assertEquals(dtype, actual.dtype(), "dtype");
    assertArrayEquals(expected, actual.data(), EPS, "values");
  }

  @Nested
  @DisplayName("RefTensor and Tolerance")
  class Basics {
    @Test
    void ofConvertsToTheDtype() {
      assertEquals(0.10000000149011612, RefTensor.of(new double[] {0.1}, Shape.of(1),
          DType.FLOAT32).get(0), 0.0);
      assertArrayEquals(new double[] {-2, 2, 0, 7}, RefTensor.of(new double[] {-2.7, 2.7, -0.5,
          7.9}, Shape.of(4), DType.INT64).data(), 0.0);
      assertArrayEquals(new double[] {0, 1, 1}, RefTensor.of(new double[] {0, -0.5, 3},
          Shape.of(3), DType.BOOL).data(), 0.0);
    }

    @Test
    void ofRejectsWrongLength() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> RefTensor.f64(Shape.of(2, 3), 1, 2));
      assertTrue(e.getMessage().contains("(2, 3)"), e.getMessage());
    }

    @Test
    void atReadsRowMajor() {
      assertEquals(6, m23().at(1, 2), 0.0);
      assertEquals(9, iota232().at(1, 1, 1), 0.0);
    }

    @Test
    void toleranceFormula() {
      Tolerance t = new Tolerance(1e-3, 1e-6);
      assertTrue(t.accepts(1000, 1000.9)); // 0.9 <= 1e-6 + 1
      assertTrue(!t.accepts(1000, 1001.1));
      assertTrue(t.accepts(0, 5e-7));
      assertTrue(!t.accepts(0, 2e-6));
      assertTrue(t.accepts(Double.NaN, Double.NaN));
      assertTrue(!t.accepts(1, Double.NaN));
      assertTrue(t.accepts(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY));
      assertTrue(!t.accepts(Double.POSITIVE_INFINITY, 1e308));
      assertNull(t.firstMismatch(new double[] {1, 2}, new double[] {1, 2}));
      String msg = t.firstMismatch(new double[] {1, 2}, new double[] {1, 3});
      assertNotNull(msg);
      assertTrue(msg.contains("index 1"), msg);
      assertThrows(IllegalArgumentException.class, () -> new Tolerance(-1, 0));
    }
  }

  @Nested
  @DisplayName("element-wise")
  class Elementwise {
    @Test
    void addBroadcastsRow() {
      RefTensor b = RefTensor.f64(Shape.of(3), 10, 20, 30);
      assertRef(Shape.of(2, 3), DType.FLOAT64, new double[] {11, 22, 33, 14, 25, 36},
          Reference.add(m23(), b));
    }

    @Test
    void addBroadcastsColumnWithRow() {
      RefTensor col = RefTensor.f64(Shape.of(2, 1), 1, 2);
      RefTensor row = RefTensor.f64(Shape.of(1, 3), 10, 20, 30);
      assertRef(Shape.of(2, 3), DType.FLOAT64, new double[] {11, 21, 31, 12, 22, 32},
          Reference.add(col, row));
    }

    @Test
    void scalarBroadcasts() {
      RefTensor two = RefTensor.scalar(2, DType.FLOAT64);
      assertRef(Shape.of(2, 3), DType.FLOAT64, new double[] {2, 4, 6, 8, 10, 12},
          Reference.mul(two, m23()));
      assertRef(Shape.of(2, 3), DType.FLOAT64, new double[] {-1, 0, 1, 2, 3, 4},
          Reference.sub(m23(), two));
      assertRef(Shape.of(2, 3), DType.FLOAT64, new double[] {2, 1, 2.0 / 3, 0.5, 0.4, 2.0 / 6},
          Reference.div(two, m23()));
    }

    @Test
    void powMaximumMinimum() {
      RefTensor a = RefTensor.f64(Shape.of(3), 2, 9, -2);
      RefTensor b = RefTensor.f64(Shape.of(3), 3, 0.5, 2);
      assertRef(Shape.of(3), DType.FLOAT64, new double[] {8, 3, 4}, Reference.pow(a, b));
      assertRef(Shape.of(3), DType.FLOAT64, new double[] {3, 9, 2}, Reference.maximum(a, b));
      assertRef(Shape.of(3), DType.FLOAT64, new double[] {2, 0.5, -2}, Reference.minimum(a, b));
    }

    @Test
    void float32ResultsAreRoundedOnce() {
      RefTensor a = RefTensor.of(new double[] {1}, Shape.of(1), DType.FLOAT32);
      RefTensor b = RefTensor.of(new double[] {3}, Shape.of(1), DType.FLOAT32);
      RefTensor q = Reference.div(a, b);
      assertEquals(DType.FLOAT32, q.dtype());
      assertEquals((double) (1f / 3f), q.get(0), 0.0);
    }

    @Test
    void comparisonsGiveBool() {
      RefTensor a = RefTensor.f64(Shape.of(3), 1, 2, 3);
      RefTensor b = RefTensor.scalar(2, DType.FLOAT64);
      assertRef(Shape.of(3), DType.BOOL, new double[] {0, 1, 0}, Reference.eq(a, b));
      assertRef(Shape.of(3), DType.BOOL, new double[] {1, 0, 0}, Reference.lt(a, b));
      assertRef(Shape.of(3), DType.BOOL, new double[] {1, 1, 0}, Reference.le(a, b));
    }

    @Test
    void whereBroadcastsAllThree() {
      RefTensor cond = RefTensor.of(new double[] {1, 0}, Shape.of(2, 1), DType.BOOL);
      RefTensor zero = RefTensor.scalar(0, DType.FLOAT64);
      assertRef(Shape.of(2, 3), DType.FLOAT64, new double[] {1, 2, 3, 0, 0, 0},
          Reference.where(cond, m23(), zero));
      RefTensor rowCond = RefTensor.of(new double[] {0, 1, 0}, Shape.of(3), DType.BOOL);
      assertRef(Shape.of(2, 3), DType.FLOAT64, new double[] {0, 2, 0, 0, 5, 0},
          Reference.where(rowCond, m23(), zero));
    }

    @Test
    void unaryValues() {
      RefTensor x = RefTensor.f64(Shape.of(3), -2, 0, 4);
      assertRef(Shape.of(3), DType.FLOAT64, new double[] {2, 0, -4}, Reference.neg(x));
      assertRef(Shape.of(3), DType.FLOAT64, new double[] {2, 0, 4}, Reference.abs(x));
      assertRef(Shape.of(3), DType.FLOAT64, new double[] {0, 0, 4}, Reference.relu(x));
      assertRef(Shape.of(3), DType.FLOAT64, new double[] {-1, 0, 1}, Reference.sign(x));
      RefTensor p = RefTensor.f64(Shape.of(2), 4, 0.25);
      assertRef(Shape.of(2), DType.FLOAT64, new double[] {2, 0.5}, Reference.sqrt(p));
      RefTensor zeroOne = RefTensor.f64(Shape.of(2), 0, 1);
      assertRef(Shape.of(2), DType.FLOAT64, new double[] {1, Math.E}, Reference.exp(zeroOne));
      RefTensor oneE = RefTensor.f64(Shape.of(2), 1, Math.E);
      assertRef(Shape.of(2), DType.FLOAT64, new double[] {0, 1}, Reference.log(oneE));
    }

    @Test
    void smoothFunctionsAtKnownPoints() {
      RefTensor x = RefTensor.f64(Shape.of(3), 0, 1000, -1000);
      // softplus(0) = ln 2; softplus(1000) = 1000 (+ e^-1000); softplus(-1000) = e^-1000 = 0
      assertRef(Shape.of(3), DType.FLOAT64, new double[] {0.6931471805599453, 1000, 0},
          Reference.softplus(x));
      assertRef(Shape.of(3), DType.FLOAT64, new double[] {0.5, 1, 0}, Reference.sigmoid(x));
      assertRef(Shape.of(3), DType.FLOAT64, new double[] {0, 1, -1}, Reference.tanh(x));
      RefTensor h = RefTensor.f64(Shape.of(2), 0, Math.PI / 2);
      assertRef(Shape.of(2), DType.FLOAT64, new double[] {0, 1}, Reference.sin(h));
      assertArrayEquals(new double[] {1, 0}, Reference.cos(h).data(), 1e-16);
      // sigmoid(ln 3) = 3/4, softplus(ln 3) = ln 4
      RefTensor ln3 = RefTensor.scalar(Math.log(3), DType.FLOAT64);
      assertEquals(0.75, Reference.sigmoid(ln3).get(0), EPS);
      assertEquals(Math.log(4), Reference.softplus(ln3).get(0), EPS);
    }

    @Test
    void rejectsDtypeMismatchAndBadBroadcast() {
      RefTensor f32 = RefTensor.of(new double[] {1}, Shape.of(1), DType.FLOAT32);
      assertThrows(IllegalArgumentException.class, () -> Reference.add(m23(), f32));
      assertThrows(IllegalArgumentException.class,
          () -> Reference.add(m23(), RefTensor.f64(Shape.of(2), 1, 2)));
    }
  }

  @Nested
  @DisplayName("reductions")
  class Reductions {
    @Test
    void sumOverEachAxis() {
      assertRef(Shape.of(3), DType.FLOAT64, new double[] {5, 7, 9},
          Reference.sum(m23(), new int[] {0}, false));
      assertRef(Shape.of(2), DType.FLOAT64, new double[] {6, 15},
          Reference.sum(m23(), new int[] {1}, false));
      assertRef(Shape.of(2, 1), DType.FLOAT64, new double[] {6, 15},
          Reference.sum(m23(), new int[] {-1}, true));
    }

    @Test
    void sumOverAllAxes() {
      assertRef(Shape.scalar(), DType.FLOAT64, new double[] {21},
          Reference.sum(m23(), new int[0], false));
      assertRef(Shape.of(1, 1), DType.FLOAT64, new double[] {21},
          Reference.sum(m23(), new int[0], true));
      assertRef(Shape.scalar(), DType.FLOAT64, new double[] {21},
          Reference.sum(m23(), new int[] {1, 0}, false));
    }

    @Test
    void sumOverTwoOfThreeAxes() {
      // sum over i, k of 6i + 2j + k = 8j + 14
      assertRef(Shape.of(3), DType.FLOAT64, new double[] {14, 22, 30},
          Reference.sum(iota232(), new int[] {0, 2}, false));
      assertRef(Shape.of(1, 3, 1), DType.FLOAT64, new double[] {14, 22, 30},
          Reference.sum(iota232(), new int[] {-1, -3}, true));
    }

    @Test
    void maxMinMean() {
      RefTensor x = RefTensor.f64(Shape.of(2, 3), 3, -1, 2, 0, 5, -4);
      assertRef(Shape.of(3), DType.FLOAT64, new double[] {3, 5, 2},
          Reference.max(x, new int[] {0}, false));
      assertRef(Shape.of(2, 1), DType.FLOAT64, new double[] {-1, -4},
          Reference.min(x, new int[] {1}, true));
      assertRef(Shape.scalar(), DType.FLOAT64, new double[] {5},
          Reference.max(x, new int[0], false));
      assertRef(Shape.of(2), DType.FLOAT64, new double[] {2, 5},
          Reference.mean(m23(), new int[] {1}, false));
      assertRef(Shape.scalar(), DType.FLOAT64, new double[] {3.5},
          Reference.mean(m23(), new int[0], false));
    }

    @Test
    void float32CompositesRoundOnlyTheirResult() {
      // float32 inputs 999.5, 1000.25, 997.75 are exact; the exact log-softmax is
      // x - 1000.25 - log(e^-0.75 + 1 + e^-2.5), rounded once to float32
      RefTensor x = RefTensor.of(new double[] {999.5, 1000.25, 997.75}, Shape.of(1, 3),
          DType.FLOAT32);
      double logZ = Math.log(Math.exp(-0.75) + 1 + Math.exp(-2.5));
      double[] expected = {(float) (-0.75 - logZ), (float) -logZ, (float) (-2.5 - logZ)};
      assertRef(Shape.of(1, 3), DType.FLOAT32, expected, Reference.logSoftmax(x, 1));
      double[] soft = {(float) Math.exp(-0.75 - logZ), (float) Math.exp(-logZ),
          (float) Math.exp(-2.5 - logZ)};
      assertRef(Shape.of(1, 3), DType.FLOAT32, soft, Reference.softmax(x, 1));
      assertRef(Shape.of(1, 1), DType.FLOAT32, new double[] {(float) (1000.25 + logZ)},
          Reference.logSumExp(x, -1));
    }

    @Test
    void rejectsRepeatedOrOutOfRangeAxes() {
      assertThrows(IllegalArgumentException.class,
          () -> Reference.sum(m23(), new int[] {1, -1}, false));
      assertThrows(IllegalArgumentException.class,
          () -> Reference.sum(m23(), new int[] {2}, false));
    }

    @Test
    void logSumExpAndSoftmax() {
      RefTensor big = RefTensor.f64(Shape.of(2), 1000, 1000);
      assertRef(Shape.of(1), DType.FLOAT64, new double[] {1000 + Math.log(2)},
          Reference.logSumExp(big, 0));
      RefTensor x = RefTensor.f64(Shape.of(1, 2), 0, Math.log(3));
      assertRef(Shape.of(1, 2), DType.FLOAT64, new double[] {0.25, 0.75},
          Reference.softmax(x, 1));
      assertRef(Shape.of(1, 2), DType.FLOAT64, new double[] {Math.log(0.25), Math.log(0.75)},
          Reference.logSoftmax(x, -1));
      assertRef(Shape.scalar(), DType.FLOAT64, new double[] {1 + 4 + 9 + 16 + 25 + 36},
          Reference.vdot(m23(), m23()));
    }
  }

  @Nested
  @DisplayName("shape, linear algebra, cast")
  class ShapeOps {
    @Test
    void transposeRank2And3() {
      assertRef(Shape.of(3, 2), DType.FLOAT64, new double[] {1, 4, 2, 5, 3, 6},
          Reference.transpose(m23(), 1, 0));
      // out[a][b][c] = x[b][c][a] = 6b + 2c + a
      assertRef(Shape.of(2, 2, 3), DType.FLOAT64,
          new double[] {0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11},
          Reference.transpose(iota232(), 2, 0, 1));
      assertThrows(IllegalArgumentException.class, () -> Reference.transpose(m23(), 0, 0));
    }

    @Test
    void reshapeKeepsRowMajorOrder() {
      assertRef(Shape.of(3, 2), DType.FLOAT64, new double[] {1, 2, 3, 4, 5, 6},
          Reference.reshape(m23(), Shape.of(3, 2)));
    }

    @Test
    void broadcastToRepeats() {
      assertRef(Shape.of(2, 3), DType.FLOAT64, new double[] {7, 8, 9, 7, 8, 9},
          Reference.broadcastTo(RefTensor.f64(Shape.of(3), 7, 8, 9), Shape.of(2, 3)));
      assertRef(Shape.of(2, 3), DType.FLOAT64, new double[] {1, 1, 1, 2, 2, 2},
          Reference.broadcastTo(RefTensor.f64(Shape.of(2, 1), 1, 2), Shape.of(2, 3)));
      assertThrows(IllegalArgumentException.class,
          () -> Reference.broadcastTo(m23(), Shape.of(3)));
    }

    @Test
    void matmulAllFourRanks() {
      RefTensor a = RefTensor.f64(Shape.of(2, 2), 1, 2, 3, 4);
      RefTensor b = RefTensor.f64(Shape.of(2, 2), 5, 6, 7, 8);
      RefTensor u = RefTensor.f64(Shape.of(2), 1, 2);
      RefTensor v = RefTensor.f64(Shape.of(2), 5, 6);
      assertRef(Shape.of(2, 2), DType.FLOAT64, new double[] {19, 22, 43, 50},
          Reference.matmul(a, b));
      assertRef(Shape.of(2), DType.FLOAT64, new double[] {19, 22}, Reference.matmul(u, b));
      assertRef(Shape.of(2), DType.FLOAT64, new double[] {17, 39}, Reference.matmul(a, v));
      assertRef(Shape.scalar(), DType.FLOAT64, new double[] {17}, Reference.matmul(u, v));
      RefTensor tall = RefTensor.f64(Shape.of(3, 1), 1, 2, 3);
      assertRef(Shape.of(3, 3), DType.FLOAT64, new double[] {1, 2, 3, 2, 4, 6, 3, 6, 9},
          Reference.matmul(tall, RefTensor.f64(Shape.of(1, 3), 1, 2, 3)));
      assertThrows(IllegalArgumentException.class, () -> Reference.matmul(m23(), m23()));
    }

    @Test
    void castTruncatesRoundsAndTests() {
      RefTensor x = RefTensor.f64(Shape.of(4), -2.7, 2.7, -0.5, 0.1);
      assertRef(Shape.of(4), DType.INT64, new double[] {-2, 2, 0, 0},
          Reference.cast(x, DType.INT64));
      assertRef(Shape.of(4), DType.INT32, new double[] {-2, 2, 0, 0},
          Reference.cast(x, DType.INT32));
      assertRef(Shape.of(4), DType.BOOL, new double[] {1, 1, 1, 1},
          Reference.cast(x, DType.BOOL));
      assertEquals(0.10000000149011612, Reference.cast(x, DType.FLOAT32).get(3), 0.0);
      RefTensor flags = RefTensor.of(new double[] {0, 1}, Shape.of(2), DType.BOOL);
      assertRef(Shape.of(2), DType.FLOAT32, new double[] {0, 1},
          Reference.cast(flags, DType.FLOAT32));
    }
  }
}
