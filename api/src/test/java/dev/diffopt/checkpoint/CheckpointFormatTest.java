package dev.diffopt.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.diffopt.checkpoint.RawCheckpoint.Bytes;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The byte layout of docs/checkpoint-format.md and the reader's defences: truncation at every
 * byte, every single-byte corruption, bad magic, other versions, and hostile lengths with valid
 * CRCs. Uses scalar leaves and hand-built tensor sections (no backend is needed to read them).
 */
class CheckpointFormatTest {
  @TempDir Path dir;

  record Pair(Object first, Object second) {}

  private static final Object TREE =
      List.of(
          Map.of("lr", 1e-3, "name", "adam"),
          new Pair(7L, Optional.of(true)),
          new LinkedHashMap<>(Map.of(3, 2.5f)));

  private Path write(String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  private static CheckpointException rejects(Path p) {
    return assertThrows(CheckpointException.class, () -> Checkpoint.inspect(p));
  }

  private static void assertContains(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), () -> "expected <" + part + "> in:\n" + message);
    }
  }

  @Test
  void aRootDoubleIsLaidOutByteForByteAsDocumented() throws IOException {
    Path p = dir.resolve("one.ckpt");
    Checkpoint.save(p, 1.0);
    byte[] structure =
        new Bytes().u8(0).u8(2).str("<root>").i64(Double.doubleToRawLongBits(1.0)).toByteArray();
    assertEquals(20, structure.length);
    byte[] expected = RawCheckpoint.file(structure, 1);
    assertArrayEquals(expected, Files.readAllBytes(p));
    assertEquals(44 + 20 + 4, expected.length);
    assertEquals(1.0, Checkpoint.load(p, 0.0));
  }

  @Test
  void aTensorLeafIsLaidOutAsDocumented() throws IOException {
    // a FLOAT32 tensor of shape (2,) under key 'w' of a sorted map, built by hand
    byte[] structure =
        new Bytes().u8(3).u32(1).u8(1).str("w").tensorLeaf("['w']", 1, 2).toByteArray();
    byte[] data =
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-0f).array();
    Path p = write("t.ckpt", RawCheckpoint.file(structure, 1, data));
    CheckpointInfo info = Checkpoint.inspect(p);
    assertEquals(1, info.formatVersion());
    assertEquals(Files.size(p), info.fileSize());
    assertEquals("{w=*}", info.structure());
    assertEquals(
        List.of(new CheckpointInfo.Entry("['w']", DType.FLOAT32, Shape.of(2), null)),
        info.leaves());
  }

  @Test
  void headerFieldsAreWhereTheDocumentSays() throws IOException {
    Path p = dir.resolve("h.ckpt");
    Checkpoint.save(p, TREE);
    byte[] b = Files.readAllBytes(p);
    ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    assertArrayEquals(RawCheckpoint.MAGIC, Arrays.copyOf(b, 8));
    assertArrayEquals(RawCheckpoint.MAGIC, Checkpoint.magic());
    assertEquals(Checkpoint.FORMAT_VERSION, h.getInt(8));
    assertEquals(0, h.getInt(12));
    assertEquals(b.length, h.getLong(16));
    long s = h.getLong(24);
    assertEquals(b.length, 44 + s + 4, "scalar leaves only: no data section");
    assertEquals(5, h.getInt(32));
    assertEquals(0, h.getInt(36));
    assertEquals(RawCheckpoint.crc(Arrays.copyOf(b, 40)), Integer.toUnsignedLong(h.getInt(40)));
    byte[] section = Arrays.copyOfRange(b, 44, 44 + (int) s);
    assertEquals(RawCheckpoint.crc(section), Integer.toUnsignedLong(h.getInt(44 + (int) s)));
  }

  @Test
  void emptyFileIsRejected() throws IOException {
    assertContains(rejects(write("e.ckpt", new byte[0])).getMessage(), "is empty (0 bytes)");
  }

  @Test
  void everyTruncationIsACheckpointException() throws IOException {
    Path p = dir.resolve("full.ckpt");
    Checkpoint.save(p, TREE);
    byte[] full = Files.readAllBytes(p);
    for (int cut = 1; cut < full.length; cut++) {
      Path q = write("cut.ckpt", Arrays.copyOf(full, cut));
      CheckpointException e = rejects(q);
      assertContains(e.getMessage(), "truncated at byte " + cut);
      Exception l = assertThrows(Exception.class, () -> Checkpoint.load(q, TREE));
      assertEquals(CheckpointException.class, l.getClass(), "cut at " + cut);
    }
  }

  @Test
  void everySingleByteCorruptionIsACheckpointException() throws IOException {
    Path p = dir.resolve("full.ckpt");
    Checkpoint.save(p, TREE);
    byte[] full = Files.readAllBytes(p);
    int structureEnd = full.length - 4;
    for (int i = 0; i < full.length; i++) {
      for (int mask : new int[] {0x01, 0x80, 0xFF}) {
        byte[] bad = full.clone();
        bad[i] ^= (byte) mask;
        Path q = write("flip.ckpt", bad);
        Exception e = assertThrows(Exception.class, () -> Checkpoint.load(q, TREE));
        assertEquals(CheckpointException.class, e.getClass(), "byte " + i + " ^ " + mask);
        String m = e.getMessage();
        if (i < 8) {
          assertContains(m, "bad magic");
        } else if (i < 12) {
          assertContains(m, "format version");
        } else if (i < 44) {
          assertContains(m, "CRC mismatch in the header");
        } else if (i < structureEnd + 4) {
          assertContains(m, "CRC mismatch in the structure section (bytes 44.." + structureEnd + ")");
        }
      }
    }
  }

  @Test
  void trailingBytesAreRejected() throws IOException {
    Path p = dir.resolve("t.ckpt");
    Checkpoint.save(p, TREE);
    byte[] full = Files.readAllBytes(p);
    byte[] longer = Arrays.copyOf(full, full.length + 3);
    assertContains(
        rejects(write("long.ckpt", longer)).getMessage(),
        "3 unexpected bytes after byte " + full.length);
  }

  @Test
  void otherFilesHaveBadMagic() throws IOException {
    byte[][] others = {
      {0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0, 0, 0, 0, 0}, // zip (torch.save)
      {(byte) 0xAC, (byte) 0xED, 0x00, 0x05, 0x73, 0x72}, // Java serialization
      "{\"params\": [1, 2, 3]}".getBytes(StandardCharsets.UTF_8),
      {(byte) 0x89},
    };
    for (byte[] other : others) {
      CheckpointException e = rejects(write("other.ckpt", other));
      if (other.length == 1) {
        assertContains(e.getMessage(), "truncated at byte 1");
      } else {
        assertContains(e.getMessage(), "bad magic bytes", "89 44 4F 50 54 0D 0A 1A", "not a diffopt");
      }
    }
  }

  @Test
  void futureVersionIsRejectedNamingBothVersions() throws IOException {
    Path p = dir.resolve("v.ckpt");
    Checkpoint.save(p, TREE);
    byte[] b = Files.readAllBytes(p);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 2);
    RawCheckpoint.fixHeaderCrc(b);
    assertContains(
        rejects(write("v2.ckpt", b)).getMessage(),
        "has format version 2",
        "reads only format version 1",
        "newer diffopt");
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(8, -1);
    assertContains(rejects(write("vmax.ckpt", b)).getMessage(), "format version 4294967295");
  }

  @Test
  void unknownFlagsAreRejected() throws IOException {
    byte[] structure = new Bytes().u8(1).toByteArray(); // None
    byte[] b = RawCheckpoint.file(structure, 0);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(12, 4);
    RawCheckpoint.fixHeaderCrc(b);
    assertContains(rejects(write("f.ckpt", b)).getMessage(), "header flags 0x00000004");
  }

  @Test
  void noneRootRoundTrips() throws IOException {
    byte[] b = RawCheckpoint.file(new Bytes().u8(1).toByteArray(), 0);
    Path p = write("none.ckpt", b);
    assertEquals("None", Checkpoint.inspect(p).structure());
    assertEquals(null, Checkpoint.load(p, (Object) null));
    Path q = dir.resolve("none2.ckpt");
    Checkpoint.save(q, null);
    assertArrayEquals(b, Files.readAllBytes(q));
  }

  @Test
  void hugeStructureLengthIsRejectedWithoutAllocating() throws IOException {
    byte[] structure = new Bytes().u8(1).toByteArray();
    byte[] b = RawCheckpoint.file(structure, 0);
    for (long huge : new long[] {1L << 62, -1L, Integer.MAX_VALUE, b.length - 44 - 3}) {
      ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(24, huge);
      RawCheckpoint.fixHeaderCrc(b);
      assertContains(
          rejects(write("huge.ckpt", b)).getMessage(),
          "declares a structure section of " + Long.toUnsignedString(huge) + " bytes",
          "only 1 bytes follow the header");
    }
  }

  @Test
  void hugeFileLengthIsTruncation() throws IOException {
    byte[] b = RawCheckpoint.file(new Bytes().u8(1).toByteArray(), 0);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(16, Long.MAX_VALUE);
    RawCheckpoint.fixHeaderCrc(b);
    assertContains(
        rejects(write("huge.ckpt", b)).getMessage(),
        "truncated at byte " + b.length,
        "declares " + Long.MAX_VALUE + " bytes");
  }

  private CheckpointException rejectsStructure(Bytes structure, int leaves, byte[]... data)
      throws IOException {
    return rejects(write("crafted.ckpt", RawCheckpoint.file(structure.toByteArray(), leaves, data)));
  }

  @Test
  void hugeCountsAndLengthsInTheStructureAreBounded() throws IOException {
    assertContains(
        rejectsStructure(new Bytes().u8(2).u32(-1), 0).getMessage(),
        "malformed structure section",
        "list length 4294967295 exceeds the 0 bytes left",
        "at byte 45");
    assertContains(
        rejectsStructure(new Bytes().u8(3).u32(Integer.MAX_VALUE).u8(1), 0).getMessage(),
        "map size 2147483647 exceeds the 1 bytes left");
    assertContains(
        rejectsStructure(new Bytes().u8(5).u32(-2).raw(new byte[10]), 0).getMessage(),
        "record type name length 4294967294 exceeds the 10 bytes left");
    assertContains(
        rejectsStructure(new Bytes().u8(0).u8(7).str("<root>").u32(1 << 30), 1).getMessage(),
        "String leaf length 1073741824 exceeds the 0 bytes left");
    assertContains(
        rejectsStructure(new Bytes().u8(0).u8(2).str("<root>").u32(7), 1).getMessage(),
        "Double needs 8 bytes but the section has 4 left");
  }

  @Test
  void hugeTensorsAreBoundedByTheFileSize() throws IOException {
    CheckpointException e =
        rejectsStructure(new Bytes().tensorLeaf("<root>", 1, 1L << 31, 1L << 31), 1, new byte[0]);
    assertContains(e.getMessage(), "has shape (2147483648, 2147483648)", "more than the");
    e = rejectsStructure(new Bytes().tensorLeaf("<root>", 1, Long.MAX_VALUE, 4), 1, new byte[0]);
    assertContains(e.getMessage(), "more than the");
    e = rejectsStructure(new Bytes().tensorLeaf("<root>", 2, 1 << 30), 1, new byte[16]);
    assertContains(
        e.getMessage(),
        "the data of the tensor at <root> (shape (1073741824,), FLOAT64, 8589934592 bytes)",
        "but the file has");
    e = rejectsStructure(new Bytes().tensorLeaf("<root>", 1, -5), 1, new byte[0]);
    assertContains(e.getMessage(), "dimension 0 of the tensor at <root> is 18446744073709551611");
    e = rejectsStructure(new Bytes().tensorLeaf("<root>", 1, 2), 1, new byte[12]);
    assertContains(e.getMessage(), "its tensors end at byte", "but the file has");
  }

  @Test
  void deepNestingIsRejectedWithoutStackOverflow() throws IOException {
    Bytes s = new Bytes();
    for (int i = 0; i < 100_000; i++) {
      s.u8(2).u32(1); // a list of one child, 100000 deep
    }
    s.u8(1);
    assertContains(rejectsStructure(s, 0).getMessage(), "nested more than 1000 levels deep");
  }

  @Test
  void unknownTagsAndCodesAreRejected() throws IOException {
    assertContains(
        rejectsStructure(new Bytes().u8(9), 0).getMessage(), "unknown node tag 9 (at byte 44");
    assertContains(
        rejectsStructure(new Bytes().u8(0).u8(8).str("<root>"), 1).getMessage(),
        "unknown leaf tag 8");
    assertContains(
        rejectsStructure(new Bytes().tensorLeaf("<root>", 6), 1, new byte[0]).getMessage(),
        "unknown dtype code 6");
    assertContains(
        rejectsStructure(new Bytes().u8(3).u32(1).u8(5).u8(1), 0).getMessage(),
        "unknown map key tag 5");
    assertContains(
        rejectsStructure(new Bytes().u8(7).u8(2), 0).getMessage(),
        "Optional presence byte 2 is neither 0 nor 1");
    assertContains(
        rejectsStructure(new Bytes().u8(0).u8(6).str("<root>").u8(2), 1).getMessage(),
        "Boolean leaf <root> has byte 2");
    assertContains(
        rejectsStructure(new Bytes().u8(1).u8(1), 0).getMessage(),
        "1 unexpected bytes after the root node");
    Bytes badUtf8 = new Bytes().u8(0).u8(7).u32(2).raw(new byte[] {(byte) 0xC3, 0x28});
    assertContains(rejectsStructure(badUtf8, 1).getMessage(), "leaf path is not valid UTF-8");
  }

  @Test
  void leafCountsMustMatchTheHeader() throws IOException {
    byte[] b = RawCheckpoint.file(new Bytes().u8(0).u8(5).str("<root>").u32(3).toByteArray(), 1);
    assertEquals(3, Checkpoint.load(write("ok.ckpt", b), 0));
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(32, 2);
    RawCheckpoint.fixHeaderCrc(b);
    assertContains(
        rejects(write("n.ckpt", b)).getMessage(),
        "header declares 2 leaves (0 tensors), the structure has 1 (0 tensors)");
  }

  @Test
  void tensorDataIsCrcCheckedAndBoolBytesValidated() throws IOException {
    byte[] structure = new Bytes().u8(2).u32(1).tensorLeaf("[0]", 5, 3).toByteArray();
    byte[] file = RawCheckpoint.file(structure, 1, new byte[] {1, 0, 1});
    assertEquals(
        List.of(new CheckpointInfo.Entry("[0]", DType.BOOL, Shape.of(3), null)),
        Checkpoint.inspect(write("b.ckpt", file)).leaves());
    byte[] corrupt = file.clone();
    corrupt[file.length - 6] = 7; // second data byte
    long start = 44 + structure.length + 4;
    assertContains(
        rejects(write("c.ckpt", corrupt)).getMessage(),
        "CRC mismatch in the data of the tensor at [0] (bytes " + start + ".." + (start + 3) + ")");
    byte[] hostile = RawCheckpoint.file(structure, 1, new byte[] {1, 7, 1});
    assertContains(
        rejects(write("h.ckpt", hostile)).getMessage(),
        "element 1 of the BOOL tensor at [0] has byte value 7, not 0 or 1");
  }

  @Test
  void aTensorFileNeedsTensorsInTheTemplate() throws IOException {
    byte[] structure = new Bytes().u8(2).u32(1).tensorLeaf("[0]", 1, 2).toByteArray();
    Path p = write("t.ckpt", RawCheckpoint.file(structure, 1, new byte[8]));
    CheckpointMismatchException e =
        assertThrows(CheckpointMismatchException.class, () -> Checkpoint.load(p, List.of(0.5)));
    assertEquals("[0]", e.path().toString());
    assertEquals(
        "template has a Double leaf, file has a FLOAT32 tensor of shape (2,)", e.detail());
  }

  @Test
  void missingFileIsAnIoExceptionNotACheckpointException() {
    Path p = dir.resolve("nope.ckpt");
    IOException e = assertThrows(IOException.class, () -> Checkpoint.inspect(p));
    if (e instanceof CheckpointException) {
      fail("a missing file is not a corrupt checkpoint: " + e);
    }
  }
}
