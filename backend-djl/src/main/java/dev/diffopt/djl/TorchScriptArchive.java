package dev.diffopt.djl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a minimal TorchScript archive (the zip format of {@code torch.jit.save}) for a module
 * given as TorchScript source, so that diffopt ships readable source instead of a binary blob.
 *
 * <p>The archive holds {@code NAME/version} (format 3), {@code NAME/code/__torch__.py} (the class
 * source), {@code NAME/constants.pkl} (an empty tuple) and {@code NAME/data.pkl}: a protocol-2
 * pickle that builds an instance of {@code __torch__.CLASS} whose only attribute is {@code training =
 * True}. The module must therefore declare no parameters, buffers or attributes besides {@code
 * training}.
 */
final class TorchScriptArchive {
  private static final int PICKLE_PROTO = 0x80;
  private static final int PICKLE_GLOBAL = 'c';
  private static final int PICKLE_EMPTY_TUPLE = ')';
  private static final int PICKLE_NEWOBJ = 0x81;
  private static final int PICKLE_EMPTY_DICT = '}';
  private static final int PICKLE_BINUNICODE = 'X';
  private static final int PICKLE_NEWTRUE = 0x88;
  private static final int PICKLE_SETITEM = 's';
  private static final int PICKLE_BUILD = 'b';
  private static final int PICKLE_STOP = '.';

  private TorchScriptArchive() {}

  /** The archive bytes for class {@code className} defined by {@code source}. */
  static byte[] of(String className, String source) {
    String dir = className.toLowerCase(java.util.Locale.ROOT);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      put(zip, dir + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
      put(zip, dir + "/code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
      put(zip, dir + "/data.pkl", modulePickle(className));
      put(zip, dir + "/constants.pkl", new byte[] {(byte) PICKLE_PROTO, 2, PICKLE_EMPTY_TUPLE, PICKLE_STOP});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static byte[] modulePickle(String className) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(PICKLE_PROTO);
    p.write(2);
    p.write(PICKLE_GLOBAL);
    p.writeBytes(("__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII));
    p.write(PICKLE_EMPTY_TUPLE);
    p.write(PICKLE_NEWOBJ);
    p.write(PICKLE_EMPTY_DICT);
    byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
    p.write(PICKLE_BINUNICODE);
    p.writeBytes(new byte[] {(byte) key.length, 0, 0, 0});
    p.writeBytes(key);
    p.write(PICKLE_NEWTRUE);
    p.write(PICKLE_SETITEM);
    p.write(PICKLE_BUILD);
    p.write(PICKLE_STOP);
    return p.toByteArray();
  }

  private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setCrc(crc.getValue());
    zip.putNextEntry(e);
    zip.write(data);
    zip.closeEntry();
  }
}
