package dev.diffopt.conformance.golden;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The golden case files: by default the copies shipped in this kit's resources ({@code
 * /golden/NAME.json}, produced by TorchOpt 0.7.3 and {@code torch.optim}), or the files of the
 * folder named by {@value #DIR_PROPERTY} instead (further case sets in the same format).
 *
 * <p>Each file is {@code {"source": ..., "seed": ..., "cases": [...]}}; every case has a stable
 * {@code id} and a {@code tolerance} ({@code rtol}, {@code atol}).
 */
public final class GoldenData {
  /** System property naming a folder of case files to run instead of the shipped ones. */
  public static final String DIR_PROPERTY = "diffopt.golden.dir";

  private GoldenData() {}

  /**
   * The cases of {@code NAME.json}, or empty when a folder is configured and has no such file.
   *
   * @param name the file's base name, e.g. {@code optimizers}
   * @return the cases, or empty
   * @throws UncheckedIOException if the file cannot be read or parsed
   */
  public static Optional<List<JsonObject>> cases(String name) {
    String dir = System.getProperty(DIR_PROPERTY);
    try {
      if (dir != null && !dir.isBlank()) {
        Path file = Path.of(dir, name + ".json");
        if (!Files.isRegularFile(file)) {
          return Optional.empty();
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          return Optional.of(parse(r, file.toString()));
        }
      }
      String resource = "/golden/" + name + ".json";
      try (InputStream in = GoldenData.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("the kit is missing its resource " + resource);
        }
        return Optional.of(parse(new InputStreamReader(in, StandardCharsets.UTF_8), resource));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read golden file " + name + ".json", e);
    }
  }

  /** Where the cases come from, for skip messages. */
  static String origin() {
    String dir = System.getProperty(DIR_PROPERTY);
    return dir == null || dir.isBlank() ? "the kit's resources" : "folder " + dir;
  }

  private static List<JsonObject> parse(Reader reader, String where) {
    JsonElement root;
    try {
      root = JsonParser.parseReader(reader);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("golden file " + where + " is not valid JSON: "
          + e.getMessage(), e);
    }
    if (!root.isJsonObject() || !root.getAsJsonObject().has("cases")) {
      throw new IllegalArgumentException("golden file " + where + " has no \"cases\" array");
    }
    List<JsonObject> cases = new ArrayList<>();
    for (JsonElement c : root.getAsJsonObject().getAsJsonArray("cases")) {
      cases.add(c.getAsJsonObject());
    }
    return cases;
  }
}
