package dev.diffopt.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.tree.NodeDef;
import dev.diffopt.tree.TreeRegistry;
import dev.diffopt.tree.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Round trips of every node kind with scalar leaves, structure mismatches on load, what save
 * refuses, and atomic replacement. Tensor round trips are in the conformance kit's
 * CheckpointSuite, run on every backend.
 */
class CheckpointTreeTest {
  @TempDir Path dir;

  enum Layer {
    ENCODER,
    DECODER
  }

  record Hyper(Object lr, Object betas, Object name) {}

  record Other(Object lr, Object betas, Object title) {}

  /** A custom node: a pair with a label as auxiliary data. */
  static final class Labelled {
    final String label;
    final Object a;
    final Object b;

    Labelled(String label, Object a, Object b) {
      this.label = label;
      this.a = a;
      this.b = b;
    }
  }

  static {
    if (!TreeRegistry.global().isRegistered(Labelled.class)) {
      TreeRegistry.global()
          .register(
              Labelled.class,
              NodeDef.of(
                  (Labelled l) -> NodeDef.Flattened.of(List.of(l.a, l.b), l.label, List.of("a", "b")),
                  (aux, kids) -> new Labelled((String) aux, kids.get(0), kids.get(1))));
    }
  }

  private static final double NAN_PAYLOAD = Double.longBitsToDouble(0x7ff8_0000_dead_beefL);
  private static final double SIGNALLING_NAN = Double.longBitsToDouble(0xfff0_0000_0000_0001L);
  private static final float FLOAT_NAN = Float.intBitsToFloat(0x7fa0_0001);

  private static Object sample() {
    Map<String, Object> sorted = new HashMap<>();
    sorted.put("nan", NAN_PAYLOAD);
    sorted.put("snan", SIGNALLING_NAN);
    sorted.put("negzero", -0.0);
    sorted.put("inf", List.of(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY));
    sorted.put("tiny", Double.MIN_VALUE);
    LinkedHashMap<Object, Object> ordered = new LinkedHashMap<>();
    ordered.put(3, FLOAT_NAN);
    ordered.put(1, -0.0f);
    ordered.put(2, Float.MIN_VALUE);
    Map<Object, Object> byEnum = new TreeMap<>(Map.of(Layer.DECODER, 1, Layer.ENCODER, 2));
    Map<Object, Object> byLong = new TreeMap<>(Map.of(5L, Long.MIN_VALUE, -1L, Long.MAX_VALUE));
    List<Object> tree = new ArrayList<>();
    tree.add(sorted);
    tree.add(ordered);
    tree.add(byEnum);
    tree.add(byLong);
    tree.add(new Hyper(1e-3, new Object[] {0.9, 0.999}, "adam ✓ 𝛃 \u0000 '"));
    tree.add(new String[] {"", "x"});
    tree.add(Optional.of(true));
    tree.add(Optional.empty());
    tree.add(null);
    tree.add(new Labelled("pair", Integer.MIN_VALUE, false));
    tree.add(List.of());
    return tree;
  }

  private Path save(Object tree) throws IOException {
    Path p = dir.resolve("tree.ckpt");
    Checkpoint.save(p, tree);
    return p;
  }

  /** Leaves equal bit for bit (raw bits for floating-point values, so NaN payloads count). */
  private static void assertSameLeaves(Object expected, Object actual) {
    assertEquals(Trees.structure(expected), Trees.structure(actual));
    List<Object> a = Trees.leaves(expected);
    List<Object> b = Trees.leaves(actual);
    for (int i = 0; i < a.size(); i++) {
      Object x = a.get(i);
      Object y = b.get(i);
      assertEquals(x.getClass(), y.getClass(), "leaf " + i);
      if (x instanceof Double d) {
        assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) y));
      } else if (x instanceof Float f) {
        assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits((Float) y));
      } else {
        assertEquals(x, y);
      }
    }
  }

  private static void assertContains(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), () -> "expected <" + part + "> in:\n" + message);
    }
  }

  @Test
  void everyNodeKindAndScalarLeafRoundTripsBitForBit() throws IOException {
    Object tree = sample();
    Path p = save(tree);
    Object loaded = Checkpoint.load(p, sample());
    assertSameLeaves(tree, loaded);
    List<?> list = (List<?>) loaded;
    assertInstanceOf(Hyper.class, list.get(4));
    assertInstanceOf(String[].class, list.get(5));
    assertEquals("pair", ((Labelled) list.get(9)).label);
    assertNull(list.get(8));
  }

  @Test
  void savingTwiceGivesTheSameBytes() throws IOException {
    Path p = save(sample());
    byte[] first = Files.readAllBytes(p);
    Checkpoint.save(p, sample());
    assertArrayEquals(first, Files.readAllBytes(p));
  }

  @Test
  void loadReturnsTheFileValuesInNewNodesAndLeavesTheTemplateAlone() throws IOException {
    Path p = save(Map.of("a", 1.5, "b", List.of(2L, "x")));
    Map<String, Object> template = new HashMap<>(Map.of("a", 0.0, "b", new ArrayList<>(List.of(0L, ""))));
    Map<String, Object> snapshot = Map.of("a", 0.0, "b", List.of(0L, ""));
    Map<String, Object> loaded = Checkpoint.load(p, template);
    assertEquals(Map.of("a", 1.5, "b", List.of(2L, "x")), loaded);
    assertNotSame(template, loaded);
    assertEquals(snapshot, template);
  }

  @Test
  void aLeafRootRoundTrips() throws IOException {
    assertEquals("hello", Checkpoint.load(save("hello"), ""));
    assertEquals(List.of(), Checkpoint.load(save(List.of()), List.of()));
  }

  @Test
  void inspectListsPathsAndValues() throws IOException {
    Path p = save(Map.of("opt", new Hyper(0.1, List.of(), Optional.empty()), "step", 7L));
    CheckpointInfo info = Checkpoint.inspect(p);
    assertEquals("{opt=Hyper(lr=*, betas=[], name=Optional.empty), step=*}", info.structure());
    assertEquals(
        List.of(
            new CheckpointInfo.Entry("['opt'].lr", null, null, 0.1),
            new CheckpointInfo.Entry("['step']", null, null, 7L)),
        info.leaves());
    assertEquals("['opt'].lr: Double 0.1", info.leaves().get(0).toString());
    assertFalse(info.leaves().get(0).isTensor());
  }

  // ------------------------------------------------------------------------------------------
  // mismatches

  private CheckpointMismatchException mismatch(Object saved, Object template) throws IOException {
    Path p = save(saved);
    return assertThrows(CheckpointMismatchException.class, () -> Checkpoint.load(p, template));
  }

  @Test
  void mismatchesNameTheFirstDifferingPath() throws IOException {
    CheckpointMismatchException e =
        mismatch(Map.of("a", 1.0, "b", List.of(1.0, 2.0)), Map.of("a", 1.0, "b", List.of(1.0)));
    assertEquals("['b']", e.path().toString());
    assertEquals("template has a list of 1 children, file has a list of 2 children", e.detail());
    assertContains(
        e.getMessage(),
        "does not match the template: at ['b']: template has a list of 1 children",
        "\n  template: {a=*, b=[*]}",
        "\n  file:     {a=*, b=[*, *]}");
    assertEquals("{a=*, b=[*]}", e.templateStructure());
    assertEquals("{a=*, b=[*, *]}", e.fileStructure());

    e = mismatch(Map.of("a", 1.0, "b", 2.0), Map.of("a", 1.0, "c", 2.0));
    assertEquals("<root>", e.path().toString());
    assertEquals("template has a map with keys ['a', 'c'], file has a map with keys ['a', 'b']", e.detail());

    e = mismatch(List.of(new Hyper(1.0, 2.0, 3.0)), List.of(new Other(1.0, 2.0, 3.0)));
    assertEquals("[0]", e.path().toString());
    assertContains(
        e.detail(),
        "template has record dev.diffopt.checkpoint.CheckpointTreeTest$Other(lr, betas, title)",
        "file has record dev.diffopt.checkpoint.CheckpointTreeTest$Hyper(lr, betas, name)");

    e = mismatch(List.of(1.0, 2L), List.of(1.0, 2.0));
    assertEquals("[1]", e.path().toString());
    assertEquals("template has a Double leaf, file has a Long leaf", e.detail());

    LinkedHashMap<String, Object> ab = new LinkedHashMap<>();
    ab.put("a", 1.0);
    ab.put("b", 2.0);
    LinkedHashMap<String, Object> ba = new LinkedHashMap<>();
    ba.put("b", 2.0);
    ba.put("a", 1.0);
    e = mismatch(ab, ba);
    assertContains(e.detail(), "keys ['b', 'a']", "keys ['a', 'b']", "ordered map");
    e = mismatch(ab, Map.of("a", 1.0, "b", 2.0));
    assertContains(e.detail(), "template has a map with keys", "file has an ordered map");

    List<Object> withNull = new ArrayList<>();
    withNull.add(null);
    e = mismatch(withNull, List.of(1.0));
    assertEquals("[0]", e.path().toString());
    assertEquals("template has a Double leaf, file has None (a null node)", e.detail());

    e = mismatch(Optional.of(1.0), Optional.empty());
    assertEquals("template has Optional.empty, file has a present Optional", e.detail());

    e = mismatch(Map.of(1, 1.0), Map.of(1L, 1.0));
    assertEquals("template has a map with keys [1L], file has a map with keys [1]", e.detail());

    e = mismatch(new Labelled("x", 1.0, 2.0), new Labelled("y", 1.0, 2.0));
    assertContains(e.detail(), "custom node", "Labelled<y> with children (.a, .b)", "Labelled<x>");

    e = mismatch(new Object[] {1.0}, new String[] {"1.0"});
    assertContains(e.detail(), "template has an array java.lang.String[] of 1 children",
        "file has an array java.lang.Object[] of 1 children");

    e = mismatch(List.of(1.0), List.of(new StringBuilder("not storable")));
    assertEquals(
        "template has a leaf of type java.lang.StringBuilder, which checkpoints cannot hold,"
            + " file has a Double leaf",
        e.detail());

    e = mismatch(Map.of("k", 1.0), Map.of(1.5, 1.0));
    assertContains(e.detail(), "template has a map with keys [1.5 (a java.lang.Double)]");
  }

  @Test
  void mismatchMessagesOfHugeTreesAreShortened() throws IOException {
    List<Object> big = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      big.add(Map.of("weight", (double) i));
    }
    List<Object> other = new ArrayList<>(big);
    other.set(4_999, Map.of("bias", 0.0));
    CheckpointMismatchException e = mismatch(big, other);
    assertEquals("[4999]", e.path().toString());
    assertTrue(e.getMessage().length() < 5_000, "message length " + e.getMessage().length());
    assertContains(e.fileStructure(), "... (shortened)");
  }

  // ------------------------------------------------------------------------------------------
  // what save refuses

  private void assertNothingWritten() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(), files.toList());
    }
  }

  @Test
  void saveRefusesLeavesAndKeysItCannotStore() throws IOException {
    Path p = dir.resolve("x.ckpt");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Checkpoint.save(p, Map.of("w", List.of(1.0, new int[] {1}))));
    assertContains(e.getMessage(), "cannot save the leaf at ['w'][1]: it is a [I", "Tensor, Double");
    e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(p, Map.of(2.5, 1.0)));
    assertContains(
        e.getMessage(), "its key 2.5 is a java.lang.Double", "String, Integer, Long or enum");
    e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(p, List.of("\uD800")));
    assertContains(e.getMessage(), "string leaf at [0]", "not valid Unicode");
    e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(p, Map.of("\uDC00", 1)));
    assertContains(e.getMessage(), "map key at <root>");
    assertNothingWritten();
  }

  @Test
  void saveIsAtomicAndLeavesNoTemporaryFile() throws IOException {
    Path p = dir.resolve("model.ckpt");
    Checkpoint.save(p, List.of(1.0));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(p), files.toList());
    }
    Checkpoint.save(p, List.of(2.0));
    assertEquals(List.of(2.0), Checkpoint.load(p, List.of(0.0)));
    byte[] before = Files.readAllBytes(p);
    assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(p, List.of(new Object())));
    assertArrayEquals(before, Files.readAllBytes(p));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(p), files.toList());
    }
  }

  @Test
  void saveToADirectoryOrAMissingDirectoryFails() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(dir, List.of(1.0)));
    assertContains(e.getMessage(), "is a directory");
    assertThrows(
        NoSuchFileException.class,
        () -> Checkpoint.save(dir.resolve("missing").resolve("x.ckpt"), List.of(1.0)));
  }

  @Test
  void aFailedLoadChangesNothing() throws IOException {
    Path p = save(List.of(1.0, 2.0));
    byte[] bytes = Files.readAllBytes(p);
    byte[] corrupt = bytes.clone();
    corrupt[50] ^= 1;
    Files.write(p, corrupt);
    List<Object> template = new ArrayList<>(List.of(0.0, 0.0));
    assertThrows(CheckpointException.class, () -> Checkpoint.load(p, template));
    assertEquals(List.of(0.0, 0.0), template);
    assertArrayEquals(corrupt, Files.readAllBytes(p));
  }

  @Test
  void nullArgumentsAreRejected() {
    assertThrows(NullPointerException.class, () -> Checkpoint.save(null, 1.0));
    assertThrows(NullPointerException.class, () -> Checkpoint.load(null, 1.0));
    assertThrows(NullPointerException.class, () -> Checkpoint.load(dir.resolve("x"), 1.0, null));
    assertThrows(NullPointerException.class, () -> Checkpoint.inspect(null));
  }
}
