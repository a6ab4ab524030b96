package dev.diffopt.conformance.golden;

import com.google.gson.JsonObject;
import dev.diffopt.conformance.BackendSuite;
import dev.diffopt.conformance.reference.Tolerance;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;

/**
 * Base of the golden suites: one dynamic test per case id and precision ({@code "<id> in
 * float64"}, {@code "<id> in float32"}), each in its own {@link Scope}, from the kit's resources
 * or the {@code -Ddiffopt.golden.dir} folder ({@link GoldenData}); a missing file is one skipped
 * test that says so.
 */
abstract class GoldenCaseSuite extends BackendSuite {
  private static final List<DType> DTYPES = List.of(DType.FLOAT64, DType.FLOAT32);

  /** One dynamic test per case of {@code file}.json and dtype, running {@code run}. */
  Stream<DynamicTest> cases(String file, BiConsumer<JsonObject, DType> run) {
    Optional<List<JsonObject>> cases = GoldenData.cases(file);
    if (cases.isEmpty()) {
      return Stream.of(DynamicTest.dynamicTest(file + ": no cases", () -> Assumptions.abort(
          "skipped: " + GoldenData.origin() + " has no " + file + ".json")));
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonObject c : cases.get()) {
      String id = c.get("id").getAsString();
      for (DType dtype : DTYPES) {
        tests.add(DynamicTest.dynamicTest(
            id + " in " + dtype.name().toLowerCase(Locale.ROOT), () -> {
              if (dtype == DType.FLOAT64) {
                require(Capability.FLOAT64);
              }
              try (Scope scope = backend().scope()) {
                run.accept(c, dtype);
              }
            }));
      }
    }
    return tests.stream();
  }

  /** A case's own tolerance in float64, the README's float32 tolerance in float32. */
  static Tolerance tolerance(JsonObject c, DType dtype) {
    return dtype == DType.FLOAT64 ? GoldenTrees.tolerance(c) : GoldenTrees.FLOAT32;
  }
}
