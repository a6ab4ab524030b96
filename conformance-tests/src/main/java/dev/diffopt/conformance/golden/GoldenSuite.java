package dev.diffopt.conformance.golden;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.diffopt.autodiff.ValueAndGrad;
import dev.diffopt.conformance.Mlp;
import dev.diffopt.conformance.reference.Tolerance;
import dev.diffopt.meta.MetaOptimizer;
import dev.diffopt.schedule.Schedule;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.Step;
import dev.diffopt.transform.Updates;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
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
public abstract class GoldenSuite extends GoldenCaseSuite {
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
  @DisplayName("GOLD-META MAML meta-gradients through differentiable inner optimizers")
  Stream<DynamicTest> meta() {
    return cases("meta", (c, dtype) -> {
      require(Capability.HIGHER_ORDER);
      TensorOps ops = backend().ops();
      String id = c.get("id").getAsString();
      JsonObject model = c.getAsJsonObject("model");
      if (!model.get("kind").getAsString().equals("mlp")) {
        throw new IllegalArgumentException(id + ": unknown model kind " + model.get("kind"));
      }
      UnaryOperator<Tensor> activation = activation(ops, model.get("activation").getAsString());
      String lossName = c.get("loss").getAsString();
      GradientTransformation inner = GoldenCatalog.optimizer(
          c.get("inner_optimizer").getAsString(), c.getAsJsonObject("inner_options"));
      int steps = c.get("inner_steps").getAsInt();
      @SuppressWarnings("unchecked")
      List<Tensor> params = (List<Tensor>) GoldenTrees.decode(c.get("params"), ops, dtype);
      JsonObject support = c.getAsJsonObject("support");
      JsonObject query = c.getAsJsonObject("query");
      Tensor xs = (Tensor) GoldenTrees.decode(support.get("x"), ops, dtype);
      Tensor ys = (Tensor) GoldenTrees.decode(support.get("y"), ops, dtype);
      Tensor xq = (Tensor) GoldenTrees.decode(query.get("x"), ops, dtype);
      Tensor yq = (Tensor) GoldenTrees.decode(query.get("y"), ops, dtype);
      ValueAndGrad<List<Tensor>> metaStep = backend().autodiff().valueAndGrad(theta -> {
        MetaOptimizer<List<Tensor>> opt = MetaOptimizer.of(backend(), inner, theta);
        for (int k = 0; k < steps; k++) {
          opt.step(p -> loss(ops, lossName, Mlp.forward(ops, p, xs, activation), ys));
        }
        return loss(ops, lossName, Mlp.forward(ops, opt.params(), xq, activation), yq);
      }, params, false);
      Tolerance lossTolerance = tolerance(c, dtype);
      // float32 meta-gradients: rtol 1e-3 (the golden README)
      Tolerance gradTolerance = dtype == DType.FLOAT64 ? lossTolerance
          : new Tolerance(1e-3, GoldenTrees.FLOAT32.atol());
      GoldenTrees.assertClose(metaStep.value(),
          ops.scalar(c.get("expected_query_loss").getAsDouble(), dtype), lossTolerance,
          id + " query loss after " + steps + " inner steps");
      GoldenTrees.assertClose(metaStep.grad(), GoldenTrees.decode(
          c.get("expected_meta_gradient"), ops, dtype), gradTolerance, id + " meta-gradient");
    });
  }

  /** The golden models' activations, applied on every layer but the last. */
  private static UnaryOperator<Tensor> activation(TensorOps ops, String name) {
    return switch (name) {
      case "tanh" -> ops::tanh;
      case "relu" -> ops::relu;
      case "sigmoid" -> ops::sigmoid;
      default -> throw new IllegalArgumentException("unknown activation " + name);
    };
  }

  /** {@code mse}: mean squared error; {@code cross_entropy}: mean over rows of −Σ y·log_softmax. */
  private static Tensor loss(TensorOps ops, String name, Tensor out, Tensor y) {
    return switch (name) {
      case "mse" -> Mlp.mse(ops, out, y);
      case "cross_entropy" -> Mlp.crossEntropy(ops, out, y);
      default -> throw new IllegalArgumentException("unknown loss " + name);
    };
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
