package dev.diffopt.conformance.golden;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.diffopt.autodiff.ValueAndGrad;
import dev.diffopt.conformance.reference.Tolerance;
import dev.diffopt.implicit.ImplicitDiff;
import dev.diffopt.implicit.ImplicitSolver;
import dev.diffopt.linalg.Cg;
import dev.diffopt.linalg.LinearSolver;
import dev.diffopt.linalg.Neumann;
import dev.diffopt.linalg.NormalCg;
import dev.diffopt.linalg.SolverOptions;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The golden cases of TorchOpt's linear solvers ({@code linalg.json}: {@code cg}, {@code
 * normal_cg}, {@code neumann}) and of implicit differentiation ({@code implicit.json}: ridge
 * regression through {@code custom_root}): one dynamic test per case id and precision, named
 * {@code "<id> in float64"}, float64 at the case's tolerance and float32 (inputs cast) at rtol
 * 1e-4, atol 1e-5. {@code -Ddiffopt.golden.dir=PATH} runs that folder's files instead; a case that sets
 * an option this mapping does not read fails.
 *
 * <p>The references solve to convergence (the expected values are exact solutions), so CG runs
 * here with {@code tol} 1e-12 (float64) or 1e-6 (float32) unless a case sets {@code tol}; the
 * Neumann series has no stopping test in TorchOpt ({@code tol = 0}).
 */
public abstract class GoldenLinalgSuite extends GoldenCaseSuite {

  private static double convergedTol(DType dtype) {
    return dtype == DType.FLOAT64 ? 1e-12 : 1e-6;
  }

  private Tensor tensor(JsonObject c, String name, DType dtype) {
    JsonElement e = c.get(name);
    if (e == null) {
      throw new IllegalArgumentException(c.get("id").getAsString() + ": missing \"" + name + "\"");
    }
    return (Tensor) GoldenTrees.decode(e, backend().ops(), dtype);
  }

  /** The solver a case names, with its options mapped from TorchOpt's names. */
  private LinearSolver solver(JsonObject c, DType dtype) {
    String id = c.get("id").getAsString();
    String name = c.get("solver").getAsString();
    GoldenOptions o = new GoldenOptions(c.getAsJsonObject("options"));
    SolverOptions.Builder common = SolverOptions.builder()
        .ridge(o.number("ridge", 0))
        .maxIter((int) o.integer("maxiter", 0));
    LinearSolver solver = switch (name) {
      case "cg" -> Cg.of(common.tol(o.number("tol", convergedTol(dtype))).build());
      case "normal_cg" -> {
        require(Capability.AUTODIFF);
        yield NormalCg.of(common.tol(o.number("tol", convergedTol(dtype))).build(),
            backend().autodiff());
      }
      case "neumann" -> Neumann.of(common.tol(0).build(), o.number("alpha", Neumann.DEFAULT_ALPHA));
      default -> throw new IllegalArgumentException(id + ": unknown solver \"" + name + "\"");
    };
    o.requireAllRead(id + " (" + name + ")");
    return solver;
  }

  @TestFactory
  @DisplayName("GOLD-LINALG TorchOpt linear solvers: the solution of A x = b")
  Stream<DynamicTest> linalg() {
    return cases("linalg", (c, dtype) -> {
      Tolerance tolerance = tolerance(c, dtype);
      TensorOps ops = backend().ops();
      LinearSolver solver = solver(c, dtype);
      Tensor a = tensor(c, "A", dtype);
      Tensor x = solver.solve(v -> ops.matmul(a, v), tensor(c, "b", dtype));
      GoldenTrees.assertClose(x, tensor(c, "expected", dtype), tolerance,
          c.get("id").getAsString() + " (" + solver + ")");
    });
  }

  @TestFactory
  @DisplayName("GOLD-IMPLICIT ridge regression: inner solution, outer loss, d(outer)/d(lam)")
  Stream<DynamicTest> implicit() {
    return cases("implicit", (c, dtype) -> {
      Tolerance tolerance = tolerance(c, dtype);
      require(Capability.AUTODIFF);
      String id = c.get("id").getAsString();
      String problem = c.get("problem").getAsString();
      if (!problem.startsWith("ridge:")) {
        throw new IllegalArgumentException(id + ": unknown problem \"" + problem + "\"");
      }
      new GoldenOptions(c.getAsJsonObject("options")).requireAllRead(id);
      TensorOps ops = backend().ops();
      Tensor x = tensor(c, "X", dtype);
      Tensor y = tensor(c, "y", dtype);
      Tensor xv = tensor(c, "Xv", dtype);
      Tensor yv = tensor(c, "yv", dtype);
      Tensor xt = ops.transpose(x, 1, 0);
      Tensor xty = ops.matmul(xt, y);
      // F(w, λ) = ∇_w [½‖Xw − y‖² + ½λ‖w‖²] = Xᵀ(Xw − y) + λw; its Jacobian in w is symmetric
      BiFunction<Tensor, Tensor, Tensor> optimality =
          (w, lam) -> ops.add(ops.matmul(xt, ops.sub(ops.matmul(x, w), y)), ops.mul(w, lam));
      Cg cg = Cg.of(SolverOptions.builder().tol(convergedTol(dtype)).build());
      ImplicitSolver<Tensor, Tensor> ridge = ImplicitDiff.customRoot(
          backend().autodiff(), optimality, cg).of(lam -> cg.solve(
              v -> ops.add(ops.matmul(xt, ops.matmul(x, v)), ops.mul(v, lam)), xty));
      Tensor lam = ops.scalar(c.get("lam").getAsDouble(), dtype);
      GoldenTrees.assertClose(ridge.solve(lam), tensor(c, "expected_solution", dtype), tolerance,
          id + " inner solution");
      ValueAndGrad<Tensor> outer = ridge.valueAndGrad(
          (w, l) -> ops.mul(ops.sum(ops.square(ops.sub(ops.matmul(xv, w), yv))), 0.5), lam);
      GoldenTrees.assertClose(outer.value(),
          ops.scalar(c.get("expected_outer_loss").getAsDouble(), dtype), tolerance,
          id + " outer loss");
      GoldenTrees.assertClose(outer.grad(),
          ops.scalar(c.get("expected_douter_dlam").getAsDouble(), dtype), tolerance,
          id + " d(outer)/d(lam) through implicit differentiation");
    });
  }
}
