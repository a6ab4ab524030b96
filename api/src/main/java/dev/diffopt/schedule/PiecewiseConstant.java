package dev.diffopt.schedule;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.Check;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A piecewise-constant schedule (optax {@code piecewise_constant_schedule}): the value starts at
 * {@code initValue} and is multiplied by {@code scale_b} from each boundary {@code b} on:
 *
 * <pre>
 *   s(t) = init · Π_{b ≤ t} scale_b
 * </pre>
 *
 * @param initValue the value before the first boundary; finite
 * @param boundariesAndScales boundary step ({@code >= 0}) → scale (finite, {@code >= 0}); copied
 *     into an unmodifiable map sorted by boundary
 */
public record PiecewiseConstant(double initValue, SortedMap<Long, Double> boundariesAndScales)
    implements Schedule {

  /**
   * Validates and copies the arguments.
   *
   * @param initValue init
   * @param boundariesAndScales boundaries and scales
   */
  public PiecewiseConstant {
    Check.finite("initValue", initValue);
    if (boundariesAndScales == null) {
      throw new NullPointerException("boundariesAndScales is null (use an empty map for none)");
    }
    TreeMap<Long, Double> copy = new TreeMap<>();
    for (Map.Entry<Long, Double> e : boundariesAndScales.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new NullPointerException(
            "boundariesAndScales holds a null entry: " + e.getKey() + " -> " + e.getValue());
      }
      Schedules.nonNegative("boundary", e.getKey());
      if (!(e.getValue() >= 0) || Double.isInfinite(e.getValue())) {
        throw new IllegalArgumentException(
            "scale at boundary " + e.getKey() + " must be finite and >= 0, got " + e.getValue());
      }
      copy.put(e.getKey(), e.getValue());
    }
    boundariesAndScales = Collections.unmodifiableSortedMap(copy);
  }

  /**
   * A piecewise-constant schedule from any map of boundaries to scales.
   *
   * @param initValue init
   * @param boundariesAndScales boundary → scale; boundaries must be whole numbers
   * @return the schedule
   */
  public static PiecewiseConstant of(
      double initValue, Map<? extends Number, ? extends Number> boundariesAndScales) {
    if (boundariesAndScales == null) {
      throw new NullPointerException("boundariesAndScales is null (use an empty map for none)");
    }
    TreeMap<Long, Double> m = new TreeMap<>();
    for (Map.Entry<? extends Number, ? extends Number> e : boundariesAndScales.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new NullPointerException(
            "boundariesAndScales holds a null entry: " + e.getKey() + " -> " + e.getValue());
      }
      m.put(Schedules.wholeSteps("boundary", e.getKey()), e.getValue().doubleValue());
    }
    if (m.size() != boundariesAndScales.size()) {
      throw new IllegalArgumentException(
          "boundariesAndScales has duplicate boundaries: " + boundariesAndScales.keySet());
    }
    return new PiecewiseConstant(initValue, m);
  }

  @Override
  public Tensor value(Tensor count, DType dtype) {
    Schedules.checkCount(count, dtype, this);
    TensorOps ops = count.ops();
    Tensor v = ops.full(count.shape(), initValue, dtype);
    for (Map.Entry<Long, Double> e : boundariesAndScales.entrySet()) {
      Tensor reached = ops.le(ops.scalar(e.getKey(), DType.INT64), count);
      v = ops.where(reached, ops.mul(v, ops.scalar(e.getValue(), dtype)), v);
    }
    return v;
  }
}
