package dev.diffopt.conformance.golden;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.tree.Trees;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import dev.diffopt.conformance.reference.Tolerance;
import org.junit.jupiter.api.Assertions;

/**
 * Decodes the golden encoding of trees (objects are map nodes with sorted keys, arrays are list
 * nodes, {@code {"__tensor__": {dtype, shape, data}}} is a tensor leaf) and compares results with
 * expected trees.
 */
public final class GoldenTrees {
  private static final String TENSOR = "__tensor__";

  private GoldenTrees() {}

  /**
   * The tree encoded by {@code json}, with tensors created on {@code ops} in {@code dtype}.
   *
   * @param json the encoded tree
   * @param ops the backend's operations
   * @param dtype the dtype to create tensors in (the files are float64; float32 runs cast)
   * @return maps ({@link TreeMap}), lists and tensors; plain numbers become {@link Double}
   */
  public static Object decode(JsonElement json, TensorOps ops, DType dtype) {
    if (json.isJsonObject()) {
      JsonObject o = json.getAsJsonObject();
      if (o.has(TENSOR)) {
        JsonObject t = o.getAsJsonObject(TENSOR);
        return ops.fromDoubles(doubles(t.getAsJsonArray("data")), shape(t), dtype);
      }
      Map<String, Object> map = new TreeMap<>();
      for (Map.Entry<String, JsonElement> e : o.entrySet()) {
        map.put(e.getKey(), decode(e.getValue(), ops, dtype));
      }
      return map;
    }
    if (json.isJsonArray()) {
      List<Object> list = new ArrayList<>();
      for (JsonElement e : json.getAsJsonArray()) {
        list.add(decode(e, ops, dtype));
      }
      return list;
    }
    return json.getAsDouble();
  }

  private static Shape shape(JsonObject tensor) {
    JsonArray dims = tensor.getAsJsonArray("shape");
    long[] d = new long[dims.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = dims.get(i).getAsLong();
    }
    return Shape.of(d);
  }

  private static double[] doubles(JsonArray array) {
    double[] d = new double[array.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = array.get(i).getAsDouble();
    }
    return d;
  }

  /**
   * The case's own tolerance (its {@code tolerance} object).
   *
   * @param goldenCase the case
   * @return its tolerance
   */
  public static Tolerance tolerance(JsonObject goldenCase) {
    JsonObject t = goldenCase.getAsJsonObject("tolerance");
    return new Tolerance(t.get("rtol").getAsDouble(), t.get("atol").getAsDouble());
  }

  /** The README's tolerance for float32 runs of every case: rtol 1e-4, atol 1e-5. */
  public static final Tolerance FLOAT32 = new Tolerance(1e-4, 1e-5);

  /**
   * Asserts {@code actual} has the structure of {@code expected} and every element satisfies
   * {@code |a − e| ≤ atol + rtol·|e|}; the message names the case, the leaf's path and the index.
   *
   * @param actual a tree of tensors
   * @param expected the expected tree (decoded with {@link #decode})
   * @param tolerance rtol and atol
   * @param what the case id and step, for messages
   */
  public static void assertClose(Object actual, Object expected, Tolerance tolerance, String what) {
    Assertions.assertEquals(Trees.structure(expected), Trees.structure(actual),
        what + ": structure");
    var paths = Trees.paths(expected);
    List<Object> a = Trees.leaves(actual);
    List<Object> e = Trees.leaves(expected);
    for (int leaf = 0; leaf < e.size(); leaf++) {
      Tensor at = (Tensor) a.get(leaf);
      Tensor et = (Tensor) e.get(leaf);
      Assertions.assertEquals(et.shape(), at.shape(), what + ": shape at " + paths.get(leaf));
      String mismatch = tolerance.firstMismatch(et.ops().toDoubleArray(et), at.ops().toDoubleArray(at));
      if (mismatch != null) {
        Assertions.fail(what + ": at " + paths.get(leaf) + ": " + mismatch);
      }
    }
  }
}
