package dev.diffopt.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.checkpoint.Checkpoint;
import dev.diffopt.checkpoint.CheckpointException;
import dev.diffopt.checkpoint.CheckpointInfo;
import dev.diffopt.checkpoint.CheckpointMismatchException;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.ScaleByAdam;
import dev.diffopt.transform.Step;
import dev.diffopt.tree.Trees;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints on a backend: parameters and an Adam state round-trip bit for bit in float32 and
 * float64 (NaN payloads, {@code -0.0}, infinities, subnormals), in every dtype and odd shape; a
 * loaded state continues training identically; a file that does not fit the template, or is
 * truncated, corrupt, foreign, of a future version, empty or hostile gives a {@link
 * CheckpointException} naming the cause, and changes nothing; saving is atomic. Float64 cases
 * need {@link Capability#FLOAT64}.
 *
 * <p>Ids are {@code CKPT-NN}.
 */
public abstract class CheckpointSuite extends BackendSuite {

  /** What a training loop checkpoints: the parameters and the optimizer state. */
  public record TrainState(Object params, Object opt) {}

  @TempDir Path dir;

  private TensorOps ops() {
    return backend().ops();
  }

  // ------------------------------------------------------------------------------------------
  // fixtures

  private static final int[] FLOAT_SPECIALS = {
    0x7fc00000, // canonical quiet NaN
    0x7fc12345, // quiet NaN with a payload
    0xffc00001, // negative quiet NaN with a payload
    0x80000000, // -0.0
    0x7f800000, // +inf
    0xff800000, // -inf
    0x00000001, // smallest subnormal
    0x7f7fffff, // largest finite
  };

  private static final long[] DOUBLE_SPECIALS = {
    0x7ff8000000000000L,
    0x7ff80000deadbeefL,
    0xfff8000000000001L,
    0x8000000000000000L,
    0x7ff0000000000000L,
    0xfff0000000000000L,
    0x0000000000000001L,
    0x7fefffffffffffffL,
  };

  /** A float tensor whose leading elements are {@code specials} and the rest seeded noise. */
  private Tensor withSpecials(DType dtype, Shape shape, long seed) {
    int n = Math.toIntExact(shape.size());
    double[] noise = new java.util.SplittableRandom(seed).doubles(n, -2, 2).toArray();
    if (dtype == DType.FLOAT32) {
      float[] f = new float[n];
      for (int i = 0; i < n; i++) {
        f[i] = i < FLOAT_SPECIALS.length ? Float.intBitsToFloat(FLOAT_SPECIALS[i]) : (float) noise[i];
      }
      return ops().fromFloats(f, shape);
    }
    for (int i = 0; i < Math.min(n, DOUBLE_SPECIALS.length); i++) {
      noise[i] = Double.longBitsToDouble(DOUBLE_SPECIALS[i]);
    }
    return ops().fromDoubles(noise, shape, dtype);
  }

  private Map<String, Tensor> params(DType dtype) {
    return Map.of(
        "w", withSpecials(dtype, Shape.of(4, 3), 1), "b", ops().randomNormal(Shape.of(3), dtype, 2));
  }

  private Map<String, Tensor> grads(DType dtype) {
    return Map.of(
        "w", ops().randomNormal(Shape.of(4, 3), dtype, 3),
        "b", ops().randomNormal(Shape.of(3), dtype, 4));
  }

  private static final ScaleByAdam ADAM = new ScaleByAdam(0.9, 0.999, 1e-8, 0, true);

  /** Parameters and the Adam (amsgrad) state after one update. */
  private TrainState trained(DType dtype) {
    Map<String, Tensor> params = params(dtype);
    Step<Map<String, Tensor>> step = ADAM.update(grads(dtype), ADAM.init(params), params);
    return new TrainState(params, step.state());
  }

  /** A freshly initialised template of the same structure. */
  private TrainState fresh(DType dtype) {
    Map<String, Tensor> params =
        Map.of("w", ops().zeros(Shape.of(4, 3), dtype), "b", ops().zeros(Shape.of(3), dtype));
    return new TrainState(params, ADAM.init(params));
  }

  private Path saved(Object tree) throws IOException {
    Path p = dir.resolve("state.ckpt");
    Checkpoint.save(p, tree);
    return p;
  }

  /** Every tensor leaf equal bit for bit (raw bits; NaN payloads and -0.0 count). */
  private void assertBitEqual(Object expected, Object actual) {
    assertEquals(Trees.structure(expected), Trees.structure(actual));
    List<Object> a = Trees.leaves(expected);
    List<Object> b = Trees.leaves(actual);
    List<?> paths = Trees.paths(expected);
    for (int i = 0; i < a.size(); i++) {
      Tensor x = (Tensor) a.get(i);
      Tensor y = (Tensor) b.get(i);
      String where = "tensor at " + paths.get(i);
      assertEquals(x.dtype(), y.dtype(), where);
      assertEquals(x.shape(), y.shape(), where);
      if (x.dtype() == DType.FLOAT32) {
        assertArrayEquals(floatBits(x), floatBits(y), where);
      } else {
        assertArrayEquals(doubleBits(x), doubleBits(y), where);
      }
      assertArrayEquals(ops().toDoubleArray(x), ops().toDoubleArray(y), 0.0, where);
    }
  }

  private int[] floatBits(Tensor t) {
    float[] f = ops().toFloatArray(t);
    int[] bits = new int[f.length];
    for (int i = 0; i < f.length; i++) {
      bits[i] = Float.floatToRawIntBits(f[i]);
    }
    return bits;
  }

  private long[] doubleBits(Tensor t) {
    double[] d = ops().toDoubleArray(t);
    long[] bits = new long[d.length];
    for (int i = 0; i < d.length; i++) {
      bits[i] = Double.doubleToRawLongBits(d[i]);
    }
    return bits;
  }

  private static void assertContains(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), () -> "expected <" + part + "> in:\n" + message);
    }
  }

  /** Loading {@code file} throws exactly {@link CheckpointException} (not a subclass, nor another type). */
  private CheckpointException corrupt(Path file, Object template, String what) {
    Exception e = assertThrows(Exception.class, () -> Checkpoint.load(file, template, ops()), what);
    assertEquals(CheckpointException.class, e.getClass(), () -> what + ": " + e);
    return (CheckpointException) e;
  }

  private static long structureLength(byte[] file) {
    return ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(24);
  }

  /** Where each tensor's data starts, in leaf order, computed from the documented layout. */
  private static List<long[]> dataRanges(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    long pos = 44 + structureLength(b) + 4;
    List<long[]> out = new ArrayList<>();
    for (CheckpointInfo.Entry e : Checkpoint.inspect(file).leaves()) {
      if (e.isTensor()) {
        long bytes = e.shape().size() * e.dtype().byteSize();
        out.add(new long[] {pos, bytes});
        pos += bytes + 4;
      }
    }
    assertEquals(b.length, pos, "documented layout");
    return out;
  }

  private static void fixTensorCrc(byte[] file, long[] range) {
    CRC32 crc = new CRC32();
    crc.update(file, (int) range[0], (int) range[1]);
    ByteBuffer.wrap(file)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt((int) (range[0] + range[1]), (int) crc.getValue());
  }

  private static void fixHeaderCrc(byte[] file) {
    CRC32 crc = new CRC32();
    crc.update(file, 0, 40);
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(40, (int) crc.getValue());
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  // ------------------------------------------------------------------------------------------
  // round trips

  private void roundTripAdam(DType dtype) throws IOException {
    TrainState state = trained(dtype);
    Path p = saved(state);
    TrainState loaded = Checkpoint.load(p, fresh(dtype), ops());
    assertBitEqual(state, loaded);
    ScaleByAdam.State opt = assertInstanceOf(ScaleByAdam.State.class, loaded.opt());
    assertEquals(DType.INT64, opt.count().dtype());
    assertEquals(Shape.scalar(), opt.count().shape());
    assertEquals(1.0, opt.count().item(), 0.0);
  }

  @Test
  @DisplayName("CKPT-01 float32 params + Adam (amsgrad) state after one update round-trip bit for bit")
  void adamFloat32() throws IOException {
    roundTripAdam(DType.FLOAT32);
  }

  @Test
  @DisplayName("CKPT-02 float64 params + Adam (amsgrad) state after one update round-trip bit for bit")
  void adamFloat64() throws IOException {
    require(Capability.FLOAT64);
    roundTripAdam(DType.FLOAT64);
  }

  @Test
  @DisplayName("CKPT-03 every dtype and odd shapes ((), (0,), (2, 0, 3)) round-trip exactly, extremes included")
  void everyDtype() throws IOException {
    long safe = (1L << 53) - 1;
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("f32", withSpecials(DType.FLOAT32, Shape.of(2, 5), 5));
    tree.put("i32", ops().fromDoubles(
        new double[] {Integer.MIN_VALUE, Integer.MAX_VALUE, -1, 0}, Shape.of(4), DType.INT32));
    tree.put("i64", ops().fromDoubles(
        new double[] {-safe, safe, 0, -7, 1L << 40}, Shape.of(5), DType.INT64));
    tree.put("bool", ops().fromDoubles(new double[] {1, 0, 0, 1}, Shape.of(2, 2), DType.BOOL));
    tree.put("scalar", ops().scalar(-0.0, DType.FLOAT32));
    tree.put("empty", ops().zeros(Shape.of(0), DType.FLOAT32));
    tree.put("empty3", ops().zeros(Shape.of(2, 0, 3), DType.INT64));
    if (backend().has(Capability.FLOAT64)) {
      tree.put("f64", withSpecials(DType.FLOAT64, Shape.of(3, 3), 6));
    }
    Path p = saved(tree);
    Map<String, Object> template = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : tree.entrySet()) {
      Tensor t = (Tensor) e.getValue();
      template.put(e.getKey(), ops().zeros(t.shape(), t.dtype()));
    }
    Object loaded = Checkpoint.load(p, template, ops());
    assertBitEqual(tree, loaded);
  }

  @Test
  @DisplayName("CKPT-04 a signalling NaN stays a NaN (quiet NaN payloads are exact, CKPT-01/02)")
  void signallingNan() throws IOException {
    float[] f = {Float.intBitsToFloat(0x7f800001), Float.intBitsToFloat(0xffa00000)};
    List<Tensor> tree = new ArrayList<>(List.of(ops().fromFloats(f, Shape.of(2))));
    if (backend().has(Capability.FLOAT64)) {
      tree.add(ops().fromDoubles(
          new double[] {Double.longBitsToDouble(0x7ff0000000000001L)}, Shape.of(1), DType.FLOAT64));
    }
    List<Tensor> loaded = Checkpoint.load(saved(tree), tree, ops());
    for (Tensor t : loaded) {
      for (double v : ops().toDoubleArray(t)) {
        assertTrue(Double.isNaN(v), "a NaN came back as " + v);
      }
    }
  }

  @Test
  @DisplayName("CKPT-05 a loaded Adam state continues training bit for bit like the original")
  void continuesIdentically() throws IOException {
    TrainState state = trained(DType.FLOAT32);
    TrainState loaded = Checkpoint.load(saved(state), fresh(DType.FLOAT32), ops());
    @SuppressWarnings("unchecked")
    Map<String, Tensor> params = (Map<String, Tensor>) state.params();
    @SuppressWarnings("unchecked")
    Map<String, Tensor> loadedParams = (Map<String, Tensor>) loaded.params();
    Step<Map<String, Tensor>> a = ADAM.update(grads(DType.FLOAT32), state.opt(), params);
    Step<Map<String, Tensor>> b = ADAM.update(grads(DType.FLOAT32), loaded.opt(), loadedParams);
    assertBitEqual(a.updates(), b.updates());
    assertBitEqual(a.state(), b.state());
    assertEquals(2.0, ((ScaleByAdam.State) b.state()).count().item(), 0.0);
  }

  @Test
  @DisplayName("CKPT-06 load returns new tensors, leaves the template alone, and without ops uses the template's")
  void newTensors() throws IOException {
    TrainState state = trained(DType.FLOAT32);
    Path p = saved(state);
    TrainState template = fresh(DType.FLOAT32);
    TrainState loaded = Checkpoint.load(p, template);
    assertBitEqual(state, loaded);
    List<Object> before = Trees.leaves(template);
    List<Object> after = Trees.leaves(loaded);
    for (int i = 0; i < before.size(); i++) {
      Tensor t = (Tensor) before.get(i);
      assertNotSame(t, after.get(i));
      assertSame(t.ops(), ((Tensor) after.get(i)).ops());
      for (double v : ops().toDoubleArray(t)) {
        assertEquals(0.0, v, 0.0, "the template was changed");
      }
    }
    assertBitEqual(state, Checkpoint.load(p, template, ops()));
  }

  @Test
  @DisplayName("CKPT-20 inspect lists every leaf's path, dtype and shape without a backend")
  void inspect() throws IOException {
    CheckpointInfo info = Checkpoint.inspect(saved(trained(DType.FLOAT32)));
    assertEquals(Checkpoint.FORMAT_VERSION, info.formatVersion());
    assertEquals(
        "TrainState(params={b=*, w=*}, opt=State(mu={b=*, w=*}, nu={b=*, w=*},"
            + " nuMax={b=*, w=*}, count=*))",
        info.structure());
    List<String> leaves = info.leaves().stream().map(CheckpointInfo.Entry::toString).toList();
    assertEquals(
        List.of(
            ".params['b']: FLOAT32 (3,)",
            ".params['w']: FLOAT32 (4, 3)",
            ".opt.mu['b']: FLOAT32 (3,)",
            ".opt.mu['w']: FLOAT32 (4, 3)",
            ".opt.nu['b']: FLOAT32 (3,)",
            ".opt.nu['w']: FLOAT32 (4, 3)",
            ".opt.nuMax['b']: FLOAT32 (3,)",
            ".opt.nuMax['w']: FLOAT32 (4, 3)",
            ".opt.count: INT64 ()"),
        leaves);
  }

  // ------------------------------------------------------------------------------------------
  // mismatches

  @Test
  @DisplayName("CKPT-07 a structure mismatch names the first differing path")
  void structureMismatch() throws IOException {
    Path p = saved(trained(DType.FLOAT32));
    Map<String, Tensor> params =
        Map.of("w", ops().zeros(Shape.of(4, 3), DType.FLOAT32), "b", ops().zeros(Shape.of(3), DType.FLOAT32));
    ScaleByAdam plain = new ScaleByAdam(0.9, 0.999, 1e-8, 0, false);
    CheckpointMismatchException e =
        assertThrows(
            CheckpointMismatchException.class,
            () -> Checkpoint.load(p, new TrainState(params, plain.init(params)), ops()));
    assertEquals(".opt.nuMax", e.path().toString());
    assertEquals("template has None (a null node), file has a map with keys ['b', 'w']", e.detail());
    assertContains(e.getMessage(), "does not match the template: at .opt.nuMax:", "template: ", "file: ");

    Map<String, Tensor> more = new java.util.TreeMap<>(params);
    more.put("scale", ops().zeros(Shape.of(1), DType.FLOAT32));
    e = assertThrows(
        CheckpointMismatchException.class,
        () -> Checkpoint.load(p, new TrainState(more, ADAM.init(more)), ops()));
    assertEquals(".params", e.path().toString());
    assertContains(e.detail(), "keys ['b', 'scale', 'w']", "keys ['b', 'w']");

    e = assertThrows(
        CheckpointMismatchException.class, () -> Checkpoint.load(p, List.of(params, ADAM.init(params)), ops()));
    assertEquals("<root>", e.path().toString());
    assertContains(e.detail(), "template has a list of 2 children", "file has record",
        "TrainState(params, opt)");
  }

  @Test
  @DisplayName("CKPT-08 a dtype mismatch names the path and both dtypes")
  void dtypeMismatch() throws IOException {
    Path p = saved(trained(DType.FLOAT32));
    TrainState template = fresh(DType.FLOAT32);
    @SuppressWarnings("unchecked")
    Map<String, Tensor> params = new java.util.TreeMap<>((Map<String, Tensor>) template.params());
    params.put("w", ops().zeros(Shape.of(4, 3), DType.INT32));
    CheckpointMismatchException e =
        assertThrows(
            CheckpointMismatchException.class,
            () -> Checkpoint.load(p, new TrainState(params, template.opt()), ops()));
    assertEquals(".params['w']", e.path().toString());
    assertEquals(
        "template has a INT32 tensor of shape (4, 3), file has a FLOAT32 tensor of shape (4, 3)",
        e.detail());
  }

  @Test
  @DisplayName("CKPT-09 a shape mismatch names the path and both shapes")
  void shapeMismatch() throws IOException {
    Path p = saved(trained(DType.FLOAT32));
    Map<String, Tensor> params =
        Map.of("w", ops().zeros(Shape.of(3, 4), DType.FLOAT32), "b", ops().zeros(Shape.of(3), DType.FLOAT32));
    CheckpointMismatchException e =
        assertThrows(
            CheckpointMismatchException.class,
            () -> Checkpoint.load(p, new TrainState(params, ADAM.init(params)), ops()));
    assertEquals(".params['w']", e.path().toString());
    assertEquals(
        "template has a FLOAT32 tensor of shape (3, 4), file has a FLOAT32 tensor of shape (4, 3)",
        e.detail());
  }

  // ------------------------------------------------------------------------------------------
  // damaged and foreign files

  @Test
  @DisplayName("CKPT-10 a file truncated at any byte gives a CheckpointException")
  void truncated() throws IOException {
    byte[] full = Files.readAllBytes(saved(trained(DType.FLOAT32)));
    TrainState template = fresh(DType.FLOAT32);
    for (int cut = 0; cut < full.length; cut++) {
      Path q = write("cut.ckpt", Arrays.copyOf(full, cut));
      CheckpointException e = corrupt(q, template, "cut at byte " + cut);
      assertContains(e.getMessage(), cut == 0 ? "is empty" : "truncated at byte " + cut);
    }
  }

  @Test
  @DisplayName("CKPT-11 a flipped byte in the structure or in tensor data is a CRC error naming where")
  void flippedByte() throws IOException {
    Path p = saved(trained(DType.FLOAT32));
    byte[] full = Files.readAllBytes(p);
    TrainState template = fresh(DType.FLOAT32);
    byte[] bad = full.clone();
    bad[60] ^= 0x10;
    assertContains(
        corrupt(write("s.ckpt", bad), template, "structure").getMessage(),
        "is corrupt: CRC mismatch in the structure section");
    List<long[]> ranges = dataRanges(p);
    long[] w = ranges.get(1); // .params['w']
    bad = full.clone();
    bad[(int) (w[0] + 17)] ^= 0x01;
    assertContains(
        corrupt(write("d.ckpt", bad), template, "data").getMessage(),
        "is corrupt: CRC mismatch in the data of the tensor at .params['w'] (bytes " + w[0] + ".."
            + (w[0] + w[1]) + ")");
  }

  @Test
  @DisplayName("CKPT-12 every single-byte corruption gives a CheckpointException")
  void everyFlip() throws IOException {
    byte[] full = Files.readAllBytes(saved(trained(DType.FLOAT32)));
    TrainState template = fresh(DType.FLOAT32);
    for (int i = 0; i < full.length; i++) {
      byte[] bad = full.clone();
      bad[i] ^= (byte) 0xFF;
      corrupt(write("flip.ckpt", bad), template, "byte " + i + " flipped");
    }
  }

  @Test
  @DisplayName("CKPT-13 a file with the wrong magic (zip, Java serialization, text) is rejected")
  void wrongMagic() throws IOException {
    TrainState template = fresh(DType.FLOAT32);
    byte[][] others = {
      {0x50, 0x4B, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0, 0, 0},
      {(byte) 0xAC, (byte) 0xED, 0x00, 0x05, 0x73, 0x72, 0, 0},
      "not a checkpoint at all\n".getBytes(StandardCharsets.US_ASCII),
    };
    for (byte[] other : others) {
      assertContains(
          corrupt(write("other.ckpt", other), template, "foreign").getMessage(),
          "bad magic bytes", "not a diffopt checkpoint");
    }
  }

  @Test
  @DisplayName("CKPT-14 a future format version is rejected naming both versions")
  void futureVersion() throws IOException {
    byte[] b = Files.readAllBytes(saved(trained(DType.FLOAT32)));
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(8, Checkpoint.FORMAT_VERSION + 1);
    fixHeaderCrc(b);
    assertContains(
        corrupt(write("v.ckpt", b), fresh(DType.FLOAT32), "version").getMessage(),
        "format version " + (Checkpoint.FORMAT_VERSION + 1),
        "reads only format version " + Checkpoint.FORMAT_VERSION);
  }

  @Test
  @DisplayName("CKPT-15 an empty file is rejected")
  void emptyFile() throws IOException {
    assertContains(
        corrupt(write("empty.ckpt", new byte[0]), fresh(DType.FLOAT32), "empty").getMessage(),
        "is empty (0 bytes)");
  }

  @Test
  @DisplayName("CKPT-16 huge declared lengths (structure, tensor shape) are rejected without allocating")
  void hugeLengths() throws IOException {
    TrainState template = fresh(DType.FLOAT32);
    byte[] b = Files.readAllBytes(saved(trained(DType.FLOAT32)));
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(24, 1L << 62);
    fixHeaderCrc(b);
    assertContains(
        corrupt(write("s.ckpt", b), template, "structure length").getMessage(),
        "declares a structure section of " + (1L << 62) + " bytes");

    // a valid file whose only leaf claims 2^30 x 2^30 float32 elements, then 2^30 of them
    for (long[] dims : new long[][] {{1L << 30, 1L << 30}, {1L << 30}}) {
      ByteBuffer s = ByteBuffer.allocate(100).order(ByteOrder.LITTLE_ENDIAN);
      s.put((byte) 0).put((byte) 1).putInt(6).put("<root>".getBytes(StandardCharsets.US_ASCII));
      s.put((byte) 1).put((byte) dims.length);
      for (long d : dims) {
        s.putLong(d);
      }
      byte[] structure = Arrays.copyOf(s.array(), s.position());
      CRC32 crc = new CRC32();
      crc.update(structure);
      long length = 44 + structure.length + 4 + 4;
      ByteBuffer f = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
      f.put(Checkpoint.magic()).putInt(1).putInt(0).putLong(length).putLong(structure.length);
      f.putInt(1).putInt(1).putInt(0).put(structure).putInt((int) crc.getValue()).putInt(0);
      byte[] file = f.array();
      fixHeaderCrc(file);
      CheckpointException e =
          corrupt(write("t.ckpt", file), ops().zeros(Shape.of(2), DType.FLOAT32), "huge tensor");
      assertContains(e.getMessage(), "the tensor at <root>");
    }
  }

  @Test
  @DisplayName("CKPT-17 a failed load leaves the file and the template untouched")
  void failedLoadChangesNothing() throws IOException {
    Path p = saved(trained(DType.FLOAT32));
    List<long[]> ranges = dataRanges(p);
    byte[] bad = Files.readAllBytes(p);
    long[] last = ranges.get(ranges.size() - 1); // the counter: read after all the others
    bad[(int) last[0]] ^= 0x40;
    Files.write(p, bad);
    TrainState template = fresh(DType.FLOAT32);
    List<Object> leaves = Trees.leaves(template);
    CheckpointException e = corrupt(p, template, "last tensor corrupt");
    assertContains(e.getMessage(), "CRC mismatch in the data of the tensor at .opt.count");
    assertArrayEquals(bad, Files.readAllBytes(p));
    assertEquals(leaves, Trees.leaves(template));
    for (Object leaf : leaves) {
      Tensor t = (Tensor) leaf;
      assertTrue(!t.isClosed());
      for (double v : ops().toDoubleArray(t)) {
        assertEquals(0.0, v, 0.0);
      }
    }
  }

  @Test
  @DisplayName("CKPT-18 save is atomic: no temporary file remains, and a failed save keeps the old file")
  void atomicSave() throws IOException {
    Path p = dir.resolve("model.ckpt");
    Checkpoint.save(p, trained(DType.FLOAT32));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(p), files.toList());
    }
    byte[] before = Files.readAllBytes(p);
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("ok", ops().ones(Shape.of(1000), DType.FLOAT32));
    tree.put("huge", ops().fromDoubles(new double[] {1L << 60}, Shape.of(1), DType.INT64));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(p, tree));
    assertContains(e.getMessage(), "INT64 tensor at ['huge']", "±(2^53 − 1)");
    assertArrayEquals(before, Files.readAllBytes(p));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(p), files.toList());
    }
    Tensor closed = ops().ones(Shape.of(2), DType.FLOAT32);
    closed.close();
    e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(p, List.of(closed)));
    assertContains(e.getMessage(), "tensor at [0]", "closed");
    assertArrayEquals(before, Files.readAllBytes(p));
  }

  @Test
  @DisplayName("CKPT-19 an INT64 value outside ±(2^53 − 1) in a file is refused on load, naming the path")
  void int64Range() throws IOException {
    Path p = saved(trained(DType.FLOAT32));
    byte[] b = Files.readAllBytes(p);
    List<long[]> ranges = dataRanges(p);
    long[] count = ranges.get(ranges.size() - 1);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong((int) count[0], (1L << 53) + 1);
    fixTensorCrc(b, count);
    CheckpointException e = corrupt(write("big.ckpt", b), fresh(DType.FLOAT32), "int64");
    assertContains(e.getMessage(), "INT64 tensor at .opt.count is 9007199254740993");
    assertEquals(9, Checkpoint.inspect(write("big2.ckpt", b)).leaves().size(), "inspect reads it");
  }
}
