package dev.diffopt.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** User-registered node types. */
class CustomNodeTest {

  /** A module with a name (aux data) and named parameters (children). */
  static class Module {
    final String name;
    final Object weight;
    final Object bias;

    Module(String name, Object weight, Object bias) {
      this.name = name;
      this.weight = weight;
      this.bias = bias;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Module m
          && m.getClass() == getClass()
          && name.equals(m.name)
          && Objects.equals(weight, m.weight)
          && Objects.equals(bias, m.bias);
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, weight, bias);
    }
  }

  static class Conv extends Module {
    Conv(String name, Object weight, Object bias) {
      super(name, weight, bias);
    }
  }

  static final class Special extends Conv {
    Special(Object weight) {
      super("special", weight, null);
    }
  }

  /** A list subclass that should be a custom node, not a plain list. */
  static final class Tagged extends ArrayList<Object> {
    private static final long serialVersionUID = 1L;
    final String tag;

    Tagged(String tag, Collection<?> items) {
      super(items);
      this.tag = tag;
    }
  }

  private static final NodeDef<Module> MODULE_DEF =
      NodeDef.of(
          m -> NodeDef.Flattened.of(List.of(m.weight, m.bias), m.name, List.of("weight", "bias")),
          (aux, kids) -> new Module((String) aux, kids.get(0), kids.get(1)));

  private static TreeRegistry registryWithModule() {
    TreeRegistry reg = TreeRegistry.create();
    reg.register(Module.class, MODULE_DEF);
    return reg;
  }

  @Test
  void customNodeFlattensWithAuxAndKeys() {
    TreeRegistry reg = registryWithModule();
    Module m = new Module("dense", 1.0, List.of(2.0, 3.0));
    Flat flat = reg.flatten(m);
    assertEquals(List.of(1.0, 2.0, 3.0), flat.leaves());
    assertEquals(NodeKind.CUSTOM, flat.spec().kind());
    assertEquals("dense", flat.spec().auxData());
    assertEquals(Module.class, flat.spec().nodeType());
    assertEquals("Module<dense>(weight=*, bias=[*, *])", flat.spec().toString());
    assertEquals(
        List.of(".weight", ".bias[0]", ".bias[1]"),
        flat.spec().paths().stream().map(KeyPath::toString).toList());
    assertEquals(m, flat.unflatten());
    assertEquals(new Module("dense", 2.0, List.of(4.0, 6.0)), reg.map(x -> (Double) x * 2, m));
  }

  @Test
  void auxTakesPartInEquality() {
    TreeRegistry reg = registryWithModule();
    assertEquals(reg.structure(new Module("a", 1, 2)), reg.structure(new Module("a", 3, 4)));
    assertNotEquals(reg.structure(new Module("a", 1, 2)), reg.structure(new Module("b", 1, 2)));
    TreeMismatchException e =
        assertThrows(
            TreeMismatchException.class,
            () -> reg.map((x, y) -> x, List.of(new Module("a", 1, 2)), List.of(new Module("b", 1, 2))));
    assertEquals("[0]", e.path().toString());
    assertEquals("custom Module with aux <a> vs <b>", e.detail());
  }

  @Test
  void customNodeWithoutKeysUsesIndices() {
    TreeRegistry reg = TreeRegistry.create();
    reg.register(
        Module.class,
        NodeDef.of(
            m -> NodeDef.Flattened.of(List.of(m.weight, m.bias)),
            (aux, kids) -> new Module("anon", kids.get(0), kids.get(1))));
    TreeSpec spec = reg.structure(new Module("anon", 1, 2));
    assertEquals("Module(*, *)", spec.toString());
    assertEquals(List.of("[0]", "[1]"), spec.paths().stream().map(KeyPath::toString).toList());
  }

  @Test
  void subclassesUseTheClosestRegisteredSuperclass() {
    TreeRegistry reg = registryWithModule();
    // Conv is not registered: Module's def applies (and rebuilds a Module)
    Flat flat = reg.flatten(new Conv("c", 1, 2));
    assertEquals(Module.class, flat.spec().nodeType());
    assertEquals(List.of(1, 2), flat.leaves());
    // registering Conv takes precedence for Conv and its subclass Special
    reg.register(
        Conv.class,
        NodeDef.of(
            m -> NodeDef.Flattened.of(List.of(m.weight), m.name),
            (aux, kids) -> new Conv((String) aux, kids.get(0), null)));
    TreeSpec special = reg.structure(new Special(5));
    assertEquals(Conv.class, special.nodeType());
    assertEquals(1, special.numLeaves());
    assertInstanceOf(Conv.class, special.unflatten(List.of(7)));
    // Module itself is unaffected
    assertEquals(2, reg.structure(new Module("m", 1, 2)).numLeaves());
  }

  @Test
  void customListSubclassOverridesBuiltInList() {
    TreeRegistry reg = TreeRegistry.create();
    reg.register(
        Tagged.class,
        NodeDef.of(t -> NodeDef.Flattened.of(t, t.tag), (aux, kids) -> new Tagged((String) aux, kids)));
    Tagged t = new Tagged("params", List.of(1, 2));
    TreeSpec spec = reg.structure(List.of(t, new ArrayList<>(List.of(3))));
    assertEquals("[Tagged<params>(*, *), [*]]", spec.toString());
    Object back = spec.unflatten(List.of(10, 20, 30));
    Object first = ((List<?>) back).get(0);
    assertInstanceOf(Tagged.class, first);
    assertEquals("params", ((Tagged) first).tag);
    assertEquals(List.of(10, 20), first);
    // the global registry still treats it as a plain list
    assertEquals(NodeKind.LIST, Trees.structure(t).kind());
  }

  @Test
  void customKeysMayBePathEntries() {
    TreeRegistry reg = TreeRegistry.create();
    reg.register(
        Module.class,
        NodeDef.of(
            m ->
                NodeDef.Flattened.of(
                    List.of(m.weight, m.bias),
                    null,
                    List.of(PathEntry.field("w"), PathEntry.mapKey("b b"))),
            (aux, kids) -> new Module("x", kids.get(0), kids.get(1))));
    assertEquals(
        List.of(".w", "['b b']"),
        reg.paths(new Module("x", 1, 2)).stream().map(KeyPath::toString).toList());
  }

  @Test
  void duplicateRegistrationIsRejected() {
    TreeRegistry reg = registryWithModule();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> reg.register(Module.class, MODULE_DEF));
    assertTrue(e.getMessage().contains(Module.class.getName()), e.getMessage());
    // the noneIsLeaf view shares the registrations
    assertThrows(
        IllegalArgumentException.class,
        () -> reg.withNoneIsLeaf(true).register(Module.class, MODULE_DEF));
    assertTrue(reg.withNoneIsLeaf(true).isRegistered(Module.class));
  }

  @Test
  void invalidRegistrationsAreRejected() {
    TreeRegistry reg = TreeRegistry.create();
    NodeDef<Object> any = NodeDef.of(x -> NodeDef.Flattened.of(List.of()), (aux, kids) -> null);
    assertThrows(IllegalArgumentException.class, () -> reg.register(Object.class, any));
    @SuppressWarnings({"unchecked", "rawtypes"})
    Class<Object> iface = (Class) Collection.class;
    assertThrows(IllegalArgumentException.class, () -> reg.register(iface, any));
  }

  @Test
  void separateRegistriesAreIsolated() {
    TreeRegistry reg = registryWithModule();
    assertTrue(reg.isRegistered(Module.class));
    assertFalse(TreeRegistry.create().isRegistered(Module.class));
    assertFalse(TreeRegistry.global().isRegistered(Module.class));
    assertEquals(NodeKind.LEAF, Trees.structure(new Module("m", 1, 2)).kind());
    assertEquals(NodeKind.CUSTOM, reg.structure(new Module("m", 1, 2)).kind());
  }

  @Test
  void flattenReturningNullIsReported() {
    TreeRegistry reg = TreeRegistry.create();
    reg.register(Module.class, NodeDef.of(m -> null, (aux, kids) -> null));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> reg.leaves(List.of(new Module("m", 1, 2))));
    assertTrue(e.getMessage().contains("returned null"), e.getMessage());
    assertTrue(e.getMessage().contains("[0]"), e.getMessage());
  }

  @Test
  void flattenedValidatesKeyCount() {
    assertThrows(
        IllegalArgumentException.class,
        () -> NodeDef.Flattened.of(List.of(1, 2), null, List.of("only one")));
  }

  @Test
  void concurrentRegistrationAndFlattening() throws Exception {
    TreeRegistry reg = TreeRegistry.create();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        final int k = i;
        results.add(
            pool.submit(
                () -> {
                  if (k == 0) {
                    reg.register(Module.class, MODULE_DEF);
                  }
                  int n = 0;
                  for (int j = 0; j < 200; j++) {
                    n += reg.leaves(List.of(1, List.of(2, 3))).size();
                  }
                  return n;
                }));
      }
      for (Future<Integer> f : results) {
        assertEquals(600, f.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(2, reg.leaves(new Module("m", 1, 2)).size());
  }
}
