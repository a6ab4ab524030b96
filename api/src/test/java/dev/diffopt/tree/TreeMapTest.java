package dev.diffopt.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** map, mapN, mapWithPath, reduce and broadcastPrefix. */
class TreeMapTest {

  record Layer(Object weight, Object bias) {}

  private static double d(Object x) {
    return ((Number) x).doubleValue();
  }

  @Test
  void mapKeepsStructureAndNodeKinds() {
    Map<String, Object> ordered = new LinkedHashMap<>();
    ordered.put("l2", new Layer(3.0, 4.0));
    ordered.put("l1", new Layer(1.0, 2.0));
    List<Object> tree = Arrays.asList(ordered, Optional.of(5.0), null, new Double[] {6.0});
    List<Object> out = Trees.map(x -> d(x) * 10, tree);
    assertEquals(Trees.structure(tree), Trees.structure(out));
    Map<?, ?> m = (Map<?, ?>) out.get(0);
    assertInstanceOf(LinkedHashMap.class, m);
    assertEquals(new Layer(30.0, 40.0), m.get("l2"));
    assertEquals(new Layer(10.0, 20.0), m.get("l1"));
    assertEquals(Optional.of(50.0), out.get(1));
    assertArrayEquals(new Double[] {60.0}, (Double[]) out.get(3));
  }

  @Test
  void mapOverALeafAppliesTheFunction() {
    Object out = Trees.map(x -> d(x) + 1, (Object) 1.0);
    assertEquals(2.0, out);
  }

  @Test
  void mapVisitsLeavesInOrder() {
    List<Object> seen = new ArrayList<>();
    Map<String, Object> m = new HashMap<>();
    m.put("b", 2);
    m.put("a", 1);
    Trees.map(x -> seen.add(x), List.of(0, m, 3));
    assertEquals(List.of(0, 1, 2, 3), seen);
  }

  @Test
  void binaryMapCombinesPairwise() {
    Map<String, Object> params = Map.of("w", List.of(1.0, 2.0), "b", 3.0);
    Map<String, Object> grads = Map.of("w", List.of(0.5, 0.25), "b", 1.0);
    Map<String, Object> updated = Trees.map((p, g) -> d(p) - d(g), params, grads);
    assertEquals(Map.of("w", List.of(0.5, 1.75), "b", 2.0), updated);
  }

  @Test
  void mapNCombinesAnyNumberOfTrees() {
    List<Object> a = List.of(1, new Layer(2, 3));
    List<Object> b = List.of(10, new Layer(20, 30));
    List<Object> c = List.of(100, new Layer(200, 300));
    List<Object> sums =
        Trees.mapN(xs -> xs.stream().mapToInt(x -> (Integer) x).sum(), a, b, c);
    assertEquals(List.of(111, new Layer(222, 333)), sums);
    List<Object> single = Trees.mapN(xs -> xs.size(), a);
    assertEquals(List.of(1, new Layer(1, 1)), single);
  }

  @Test
  void mapWithPathSeesEveryPath() {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("dense", new Layer(1.0, 2.0));
    params.put("out", List.of(3.0));
    Map<String, Object> labels = Trees.mapWithPath((path, x) -> path + "=" + x, params);
    assertEquals("[['dense'].weight=1.0, ['dense'].bias=2.0, ['out'][0]=3.0]",
        Trees.leaves(labels).toString());
    // typical use: no weight decay on biases
    Map<String, Object> mask =
        Trees.mapWithPath(
            (path, x) ->
                !(path.entries().get(path.size() - 1).equals(PathEntry.field("bias"))),
            params);
    assertEquals(List.of(true, false, true), Trees.leaves(mask));
  }

  @Test
  void reduceFoldsInOrder() {
    List<Object> tree = List.of("a", Map.of("y", "c", "x", "b"), Optional.of("d"));
    String joined = Trees.reduce((acc, x) -> acc + x, tree, "");
    assertEquals("abcd", joined);
    Double sum = Trees.reduce((acc, x) -> acc + d(x), List.of(1.0, List.of(2.0, 3.0)), 0.0);
    assertEquals(6.0, sum);
    assertEquals("init", Trees.reduce((acc, x) -> acc + x, List.of(), "init"));
  }

  @Test
  void broadcastPerGroupValuesOverNestedMap() {
    Map<String, Object> params =
        Map.of(
            "encoder", Map.of("w", "W1", "b", "B1"),
            "decoder", Map.of("w", "W2", "layers", List.of("L1", "L2")));
    Map<String, Object> lrs = Map.of("encoder", 0.1, "decoder", 0.01);
    Object out = Trees.broadcastPrefix(lrs, params);
    assertEquals(Trees.structure(params), Trees.structure(out));
    assertEquals(
        Map.of(
            "encoder", Map.of("w", 0.1, "b", 0.1),
            "decoder", Map.of("w", 0.01, "layers", List.of(0.01, 0.01))),
        out);
  }

  @Test
  void broadcastSingleLeafOverWholeTree() {
    List<Object> full = Arrays.asList(1, new Layer(2, List.of(3, 4)), null, Optional.of(5));
    Object out = Trees.broadcastPrefix(true, full);
    assertEquals(Arrays.asList(true, new Layer(true, List.of(true, true)), null, Optional.of(true)),
        out);
  }

  @Test
  void broadcastPrefixEqualToFullStructureCopiesLeaves() {
    List<Object> full = List.of(1, 2);
    assertEquals(List.of("a", "b"), Trees.broadcastPrefix(List.of("a", "b"), full));
  }
}
