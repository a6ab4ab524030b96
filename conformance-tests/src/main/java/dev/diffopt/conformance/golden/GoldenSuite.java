package dev.diffopt.conformance.golden;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.diffopt.conformance.BackendSuite;
import dev.diffopt.conformance.reference.Tolerance;
import dev.diffopt.schedule.Schedule;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Step;
import dev.diffopt.transform.Updates;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The golden cases of {@code torch.optim} and TorchOpt ({@code optimizers.json}, {@code
 * schedules.json}, {@code transforms.json}): one dynamic test per case id and precision, named
 * {@code "<id> in float64"}. Float64 runs use each case's own tolerance; float32 runs cast the
 * inputs and use rtol 1e-4, atol 1e-5. With {@code -Ddiffopt.golden.dir=PATH} the files of that
 * folder run instead.
 */
public abstract class GoldenSuite extends BackendSuite {
  private static final List<DType> DTYPES = List.of(DType.FLOAT64, DType.FLOAT32);

  private Stream<DynamicTest> cases(String file, BiConsumer<JsonObject, DType> run) {
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

  private static Tolerance tolerance(JsonObject c, DType dtype) {
    return dtype == DType.FLOAT64 ? GoldenTrees.tolerance(c) : GoldenTrees.FLOAT32;
  }

  @TestFactory
  @DisplayName("GOLD-OPT torch.optim trajectories: params after every step")
  Stream<DynamicTest> optimizers() {
    return cases("optimizers", (c, dtype) -> {
      TensorOps ops = backend().ops();
      String id = c.get("id").getAsString();
      GradientTransformation opt = GoldenCatalog.optimizer(
          c.get("optimizer").getAsString(), c.getAsJsonObject("options"));
      Object params = GoldenTrees.decode(c.get("params"), ops, dtype);
      Object state = opt.init(params);
      JsonArray grads = c.getAsJsonArray("grads");
      JsonArray expected = c.getAsJsonArray("expected");
      for (int k = 0; k < grads.size(); k++) {
        Object g = GoldenTrees.decode(grads.get(k), ops, dtype);
        Step<Object> out = opt.update(g, state, params);
        params = Updates.apply(params, out.updates());
        state = out.state();
        GoldenTrees.assertClose(params, GoldenTrees.decode(expected.get(k), ops, dtype),
            tolerance(c, dtype), id + " (" + opt + ") after step " + (k + 1));
      }
    });
  }

  @TestFactory
  @DisplayName("GOLD-SCHED TorchOpt schedules: the value at every listed step")
  Stream<DynamicTest> schedules() {
    return cases("schedules", (c, dtype) -> {
      TensorOps ops = backend().ops();
      Schedule s = GoldenCatalog.schedule(
          c.get("schedule").getAsString(), c.getAsJsonObject("options"));
      Tolerance tol = tolerance(c, dtype);
      JsonArray steps = c.getAsJsonArray("steps");
      JsonArray values = c.getAsJsonArray("values");
      for (int i = 0; i < steps.size(); i++) {
        long step = steps.get(i).getAsLong();
        double expected = values.get(i).getAsDouble();
        double actual = s.valueAt(ops, step, dtype);
        if (!tol.accepts(expected, actual)) {
          throw new AssertionError(c.get("id").getAsString() + ": value at step " + step + " is "
              + actual + ", expected " + expected);
        }
      }
    });
  }

  @TestFactory
  @DisplayName("GOLD-TR TorchOpt transforms: one update")
  Stream<DynamicTest> transforms() {
    return cases("transforms", (c, dtype) -> {
      TensorOps ops = backend().ops();
      GradientTransformation t = GoldenCatalog.transform(
          c.get("transform").getAsString(), c.getAsJsonObject("options"));
      Object updates = GoldenTrees.decode(c.get("updates"), ops, dtype);
      JsonElement p = c.get("params");
      Object params = p == null || p.isJsonNull() ? null : GoldenTrees.decode(p, ops, dtype);
      Step<Object> out = t.update(updates, t.init(params == null ? updates : params), params);
      GoldenTrees.assertClose(out.updates(), GoldenTrees.decode(c.get("expected"), ops, dtype),
          tolerance(c, dtype), c.get("id").getAsString() + " (" + t + ")");
    });
  }
}
