package dev.diffopt.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Flattening a tree against the structure seen last (the class hints of {@link Matcher}, leaves
 * written at their fixed positions) and unflattening from the leaves of a flattening without a
 * copy must give exactly what a fresh walk gives.
 */
class MatchFastPathTest {
  private record Point(Object x, Object y) {}

  /** {block0..block2: [{w, b, stats: [3], buf: [2]} x 2]}, with the given leaf maker. */
  private static Map<String, Object> nested(java.util.function.IntFunction<Object> leaf) {
    int n = 0;
    Map<String, Object> root = new HashMap<>();
    for (int block = 0; block < 3; block++) {
      List<Object> layers = new ArrayList<>();
      for (int layer = 0; layer < 2; layer++) {
        Map<String, Object> m = new HashMap<>();
        m.put("w", leaf.apply(n++));
        m.put("b", leaf.apply(n++));
        m.put("stats", new ArrayList<>(Arrays.asList(leaf.apply(n++), leaf.apply(n++), leaf.apply(n++))));
        m.put("buf", new ArrayList<>(Arrays.asList(leaf.apply(n++), leaf.apply(n++))));
        layers.add(m);
      }
      root.put("block" + block, layers);
    }
    return root;
  }

  private static void assertSameAsFreshWalk(TreeRegistry r, Object tree) {
    Flat again = r.flatten(tree);
    Flat fresh = TreeRegistry.create().withNoneIsLeaf(r.noneIsLeaf()).flatten(tree);
    assertEquals(fresh.leaves(), again.leaves());
    assertEquals(fresh.spec(), again.spec());
    assertEquals(fresh.spec().toString(), again.spec().toString());
  }

  @Test
  void repeatedFlatteningGivesTheLeavesOfAFreshWalk() {
    TreeRegistry r = TreeRegistry.create();
    Map<String, Object> tree = nested(i -> i);
    Flat first = r.flatten(tree);
    Flat second = r.flatten(tree);
    assertSame(first.spec(), second.spec(), "the cached structure is used");
    assertEquals(first.leaves(), second.leaves());
    assertEquals(42, second.leaves().size());
    assertEquals(tree, second.unflatten());
    assertSameAsFreshWalk(r, tree);
  }

  @Test
  void mixedLeafClassesAreAllChecked() {
    TreeRegistry r = TreeRegistry.create();
    Object[] kinds = {1, "s", 2.5, 'c', new int[] {1}, 7L, true};
    Map<String, Object> tree = nested(i -> kinds[i % kinds.length]);
    r.flatten(tree);
    assertSameAsFreshWalk(r, tree);
    // a leaf that becomes a node of another kind is noticed wherever it is
    for (Object node : List.of(List.of(1), Map.of("k", 1), new Point(1, 2), Optional.of(3),
        new Object[] {4}, new LinkedHashMap<>(Map.of("z", 5)))) {
      Map<String, Object> changed = nested(i -> i == 17 ? node : kinds[i % kinds.length]);
      assertSameAsFreshWalk(r, changed);
      assertSameAsFreshWalk(r, tree);
    }
  }

  @Test
  void nullIsALeafOrAnEmptyNodeAsTheRegistrySays() {
    for (boolean noneIsLeaf : new boolean[] {false, true}) {
      TreeRegistry r = TreeRegistry.create().withNoneIsLeaf(noneIsLeaf);
      Map<String, Object> withNulls = nested(i -> i % 4 == 0 ? null : i);
      r.flatten(withNulls);
      assertSameAsFreshWalk(r, withNulls);
      Map<String, Object> plain = nested(i -> i);
      assertSameAsFreshWalk(r, plain);
      assertSameAsFreshWalk(r, withNulls);
    }
  }

  @Test
  void otherListAndMapClassesAreMatchedToo() {
    TreeRegistry r = TreeRegistry.create();
    Map<String, Object> hash = new HashMap<>();
    hash.put("a", new ArrayList<>(List.of(1, 2)));
    hash.put("b", Arrays.asList(3, 4));
    hash.put("c", new TreeMap<>(Map.of("y", 5, "x", 6)));
    hash.put("d", List.of(7));
    r.flatten(hash);
    assertSameAsFreshWalk(r, hash);
    Map<String, Object> tree = new TreeMap<>(hash);
    r.flatten(tree);
    assertSameAsFreshWalk(r, tree);
    // the same keys in another sorted map, and a sorted map with other keys
    Map<String, Object> renamed = new TreeMap<>(hash);
    renamed.put("e", renamed.remove("d"));
    assertSameAsFreshWalk(r, renamed);
    // a HashMap subclass is a map node like HashMap
    Map<String, Object> sub = new HashMap<>(hash) {};
    assertSameAsFreshWalk(r, sub);
    assertSameAsFreshWalk(r, hash);
  }

  @Test
  void theUnflattenedTreeFlattensToTheSameLeavesAndSpec() {
    TreeRegistry r = TreeRegistry.create();
    Map<String, Object> tree = nested(i -> "leaf" + i);
    Flat first = r.flatten(tree);
    Object rebuilt = first.unflatten();
    Flat second = r.flatten(rebuilt);
    assertEquals(first.spec(), second.spec());
    assertEquals(first.leaves(), second.leaves());
    assertEquals(tree, rebuilt);
    assertSameAsFreshWalk(r, rebuilt);
  }

  @Test
  void theLeavesOfAFlatteningAreUnmodifiableAndSharedSafely() {
    TreeRegistry r = TreeRegistry.create();
    List<Object> tree = new ArrayList<>(List.of(1, new ArrayList<>(List.of(2, 3))));
    r.flatten(tree);
    Flat flat = r.flatten(tree);
    List<Object> leaves = flat.leaves();
    assertThrows(UnsupportedOperationException.class, () -> leaves.set(0, 9));
    assertThrows(UnsupportedOperationException.class, () -> leaves.add(9));
    assertThrows(UnsupportedOperationException.class, () -> leaves.remove(0));
    assertThrows(UnsupportedOperationException.class, () -> leaves.sort(null));
    assertThrows(UnsupportedOperationException.class, () -> leaves.replaceAll(x -> x));
    assertThrows(UnsupportedOperationException.class, () -> leaves.removeIf(x -> false));
    assertThrows(UnsupportedOperationException.class, () -> leaves.iterator().remove());
    assertThrows(UnsupportedOperationException.class, () -> leaves.listIterator().remove());
    assertThrows(UnsupportedOperationException.class, () -> leaves.subList(0, 1).clear());
    Object[] copy = leaves.toArray();
    copy[0] = 99;
    assertEquals(List.of(1, 2, 3), leaves, "toArray is a copy");
    assertEquals(List.of(1, 2, 3), new Flat(leaves, flat.spec()).leaves());
    // the rebuilt lists are independent of the leaves
    @SuppressWarnings("unchecked")
    List<Object> rebuilt = (List<Object>) flat.spec().unflatten(leaves);
    assertEquals(tree, rebuilt);
    assertNotSame(leaves, rebuilt.get(1));
    // a leaf list of another kind is copied by Flat
    List<Object> mutable = new ArrayList<>(List.of(1, 2, 3));
    Flat made = new Flat(mutable, flat.spec());
    mutable.set(0, 42);
    assertEquals(List.of(1, 2, 3), made.leaves());
  }

  @Test
  void aRegistrationAfterCachingIsHonouredForListsAndMaps() {
    TreeRegistry r = TreeRegistry.create();
    class Bag extends ArrayList<Object> {
      Bag(List<Object> items) {
        super(items);
      }
    }
    Map<String, Object> tree = new HashMap<>();
    tree.put("a", new Bag(List.of(1, 2)));
    tree.put("b", 3);
    assertEquals(List.of(1, 2, 3), r.flatten(tree).leaves());
    assertEquals(List.of(1, 2, 3), r.flatten(tree).leaves());
    r.register(Bag.class, NodeDef.of(
        bag -> NodeDef.Flattened.of(List.of(bag.size())), (aux, kids) -> new Bag(List.of())));
    Flat after = r.flatten(tree);
    assertEquals(List.of(2, 3), after.leaves(), "the Bag is now a custom node");
    assertTrue(after.spec().toString().contains("Bag"), after.spec().toString());
  }

  @Test
  void threadsFlatteningDifferentTreesGetTheirOwnResults() throws Exception {
    TreeRegistry r = TreeRegistry.create();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int id = t;
        results.add(pool.submit(() -> {
          Object[] kinds = {id, "t" + id, (double) id};
          Map<String, Object> mine = nested(i -> kinds[(i + id) % kinds.length]);
          Map<String, Object> other = nested(i -> i % 3 == 0 ? List.of(id) : id);
          Flat expected = TreeRegistry.create().flatten(mine);
          Flat expectedOther = TreeRegistry.create().flatten(other);
          for (int k = 0; k < 2_000; k++) {
            Object tree = (k & 1) == 0 ? mine : other;
            Flat want = (k & 1) == 0 ? expected : expectedOther;
            Flat got = r.flatten(tree);
            if (!got.spec().equals(want.spec()) || !got.leaves().equals(want.leaves())
                || !got.unflatten().equals(tree)) {
              return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> f : results) {
        assertTrue(f.get());
      }
    } finally {
      pool.shutdown();
    }
  }
}
