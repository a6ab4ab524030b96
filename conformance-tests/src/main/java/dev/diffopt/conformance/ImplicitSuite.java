package dev.diffopt.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.autodiff.ValueAndGrad;
import dev.diffopt.implicit.ImplicitDiff;
import dev.diffopt.implicit.ImplicitMetaGradientModule;
import dev.diffopt.implicit.ImplicitSolver;
import dev.diffopt.linalg.Cg;
import dev.diffopt.linalg.Inv;
import dev.diffopt.linalg.LinearSolver;
import dev.diffopt.linalg.Neumann;
import dev.diffopt.linalg.NormalCg;
import dev.diffopt.linalg.SolverOptions;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Linear solvers over trees ({@code LINALG-*}) and implicit differentiation ({@code IMPL-*}).
 * Every solver is checked on random systems built from a known float64 solution ({@code b = A
 * x_true}, so the reference needs no solver of its own) over a tree of two leaves, with a ridge, an
 * initial guess, a preconditioner and a one-element system; bad options and arguments give clear
 * exceptions. Implicit meta-gradients of small inner problems equal the gradient through 300
 * unrolled gradient-descent steps and central finite differences through a converged inner solve.
 * Float64 cases need {@link Capability#FLOAT64}; anything through a VJP needs {@link
 * Capability#AUTODIFF}, and an optimality condition taken as the gradient of an objective needs
 * {@link Capability#HIGHER_ORDER}.
 */
public abstract class ImplicitSuite extends BackendSuite {
  /** Solutions solved to {@code tol} 1e-12 of well-conditioned systems are good to about 1e-10. */
  private static final double RTOL = 1e-8;
  private static final double ATOL = 1e-10;
  /** Central differences at h = 1e-6 through an exact inner solve. */
  private static final double FD_RTOL = 1e-6;
  private static final double FD_ATOL = 1e-8;

  private TensorOps ops;

  @BeforeEach
  void setUp() {
    ops = backend().ops();
  }

  private static SolverOptions.Builder tight() {
    return SolverOptions.builder().tol(1e-12);
  }

  // ------------------------------------------------------------------ dense systems over a tree

  /**
   * A dense {@code n × n} matrix acting on trees {@code {a: (3), b: (2, 2)}} (n = 7) through
   * block matmuls, plus host helpers.
   */
  private final class Dense {
    private static final long[][] SHAPES = {{3}, {2, 2}};
    private static final String[] KEYS = {"a", "b"};
    static final int N = 7;
    final double[][] a;
    final DType dtype;
    private final Tensor[][] blocks = new Tensor[2][2];

    Dense(double[][] a, DType dtype) {
      this.a = a;
      this.dtype = dtype;
      int[] at = {0, 3, 7};
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
          int rows = at[i + 1] - at[i];
          int cols = at[j + 1] - at[j];
          double[] d = new double[rows * cols];
          for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
              d[r * cols + c] = a[at[i] + r][at[j] + c];
            }
          }
          blocks[i][j] = ops.fromDoubles(d, Shape.of(rows, cols), dtype);
        }
      }
    }

    Map<String, Tensor> matvec(Map<String, Tensor> v) {
      Tensor[] out = new Tensor[2];
      for (int i = 0; i < 2; i++) {
        Tensor sum = null;
        for (int j = 0; j < 2; j++) {
          Tensor vj = v.get(KEYS[j]);
          Tensor term = ops.matmul(blocks[i][j], ops.reshape(vj, Shape.of(vj.shape().size())));
          sum = sum == null ? term : ops.add(sum, term);
        }
        out[i] = ops.reshape(sum, Shape.of(SHAPES[i]));
      }
      return Map.of(KEYS[0], out[0], KEYS[1], out[1]);
    }

    /** {@code v ↦ Aᵀ v}. */
    Map<String, Tensor> rmatvec(Map<String, Tensor> v) {
      return new Dense(transpose(a), dtype).matvec(v);
    }

    Map<String, Tensor> tree(double[] flat) {
      return Map.of(
          KEYS[0], ops.fromDoubles(Arrays.copyOfRange(flat, 0, 3), Shape.of(3), dtype),
          KEYS[1], ops.fromDoubles(Arrays.copyOfRange(flat, 3, 7), Shape.of(2, 2),
              dtype));
    }
  }

  private static List<double[]> leaves(double[] flat) {
    return List.of(Arrays.copyOfRange(flat, 0, 3), Arrays.copyOfRange(flat, 3, 7));
  }

  private static double[] times(double[][] a, double[] x) {
    double[] y = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < x.length; j++) {
        y[i] += a[i][j] * x[j];
      }
    }
    return y;
  }

  private static double[][] transpose(double[][] a) {
    double[][] t = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        t[j][i] = a[i][j];
      }
    }
    return t;
  }

  private static double[][] random(int rows, int cols, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] m = new double[rows][cols];
    for (double[] row : m) {
      for (int j = 0; j < cols; j++) {
        row[j] = r.nextGaussian();
      }
    }
    return m;
  }

  private static double[] vector(int n, long seed) {
    return random(1, n, seed)[0];
  }

  /** {@code BᵀB / rows + shift·I} with {@code B} random {@code rows × n}. */
  private static double[][] spd(int n, int rows, double shift, long seed) {
    double[][] b = random(rows, n, seed);
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        for (int k = 0; k < rows; k++) {
          a[i][j] += b[k][i] * b[k][j] / rows;
        }
      }
      a[i][i] += shift;
    }
    return a;
  }

  /** {@code scale·I + R} with {@code R} random: nonsymmetric and well conditioned. */
  private static double[][] general(int n, double scale, double spread, long seed) {
    double[][] a = random(n, n, seed);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        a[i][j] *= spread;
      }
      a[i][i] += scale;
    }
    return a;
  }

  private static double[][] plusRidge(double[][] a, double ridge) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
      out[i][i] += ridge;
    }
    return out;
  }

  /**
   * Solves {@code (A + ridge·I) x = A_r x_true} over the tree with {@code solver} and checks the
   * solution against {@code x_true}.
   */
  private void checkSolve(LinearSolver solver, double[][] a, double ridge, long seed, String what) {
    require(Capability.FLOAT64);
    Known k = known(a, ridge, seed, DType.FLOAT64);
    FiniteDifferences.assertClose(ops, solver.solve(k.system()::matvec, k.b()), leaves(k.xTrue()),
        RTOL, ATOL, what + " (" + solver + ")");
  }

  /** A system over the tree with a known solution: {@code b = (A + ridge·I) x_true}. */
  private record Known(Dense system, double[] xTrue, Map<String, Tensor> b) {}

  private Known known(double[][] a, double ridge, long seed, DType dtype) {
    Dense system = new Dense(a, dtype);
    double[] xTrue = vector(Dense.N, seed);
    return new Known(system, xTrue, system.tree(times(plusRidge(a, ridge), xTrue)));
  }

  /** Counts the calls of a matvec. */
  private static <T> Function<T, T> counted(Function<T, T> f, AtomicInteger calls) {
    return v -> {
      calls.incrementAndGet();
      return f.apply(v);
    };
  }

  // ------------------------------------------------------------------ solvers

  @Test
  @DisplayName("LINALG-CG-01 CG on a random SPD system over a tree equals the float64 solution")
  void cg() {
    checkSolve(Cg.of(tight().build()), spd(Dense.N, 12, 0.5, 1), 0, 2, "CG");
  }

  @Test
  @DisplayName("LINALG-CG-02 CG with a ridge solves (A + ρI) x = b for a singular PSD A")
  void cgRidge() {
    checkSolve(Cg.of(tight().ridge(0.7).build()), spd(Dense.N, 3, 0, 3), 0.7, 4, "CG, ridge 0.7");
  }

  @Test
  @DisplayName("LINALG-CG-03 CG from an initial guess: stops at once at the solution, converges")
  void cgInit() {
    require(Capability.FLOAT64);
    Known k = known(spd(Dense.N, 12, 0.5, 5), 0, 6, DType.FLOAT64);
    AtomicInteger calls = new AtomicInteger();
    Map<String, Tensor> x = Cg.of(tight().init(k.system().tree(k.xTrue())).build())
        .solve(counted(k.system()::matvec, calls), k.b());
    FiniteDifferences.assertClose(ops, x, leaves(k.xTrue()), RTOL, ATOL,
        "CG from the solution");
    assertEquals(1, calls.get(), "from the exact solution CG computes the residual and stops");
    Map<String, Tensor> guess = k.system().tree(vector(Dense.N, 7));
    FiniteDifferences.assertClose(ops, Cg.of(tight().build()).solve(k.system()::matvec, k.b(), guess),
        leaves(k.xTrue()), RTOL, ATOL, "CG from a random guess");
  }

  @Test
  @DisplayName("LINALG-CG-04 preconditioned CG (Jacobi) on a badly scaled SPD system")
  void cgPreconditioned() {
    require(Capability.FLOAT64);
    double[][] a = spd(Dense.N, 12, 0.5, 8);
    for (int i = 0; i < Dense.N; i++) {       // D A D with D spanning four orders of magnitude
      for (int j = 0; j < Dense.N; j++) {
        a[i][j] *= Math.pow(10, 2.0 * i / (Dense.N - 1)) * Math.pow(10, 2.0 * j / (Dense.N - 1));
      }
    }
    Dense diag = new Dense(new double[Dense.N][Dense.N], DType.FLOAT64);
    double[] inverse = new double[Dense.N];
    for (int i = 0; i < Dense.N; i++) {
      inverse[i] = 1 / a[i][i];
    }
    Map<String, Tensor> m = diag.tree(inverse);
    Function<Map<String, Tensor>, Map<String, Tensor>> jacobi = r -> Map.of(
        "a", ops.mul(r.get("a"), m.get("a")), "b", ops.mul(r.get("b"), m.get("b")));
    checkSolve(Cg.of(tight().preconditioner(jacobi).build()), a, 0, 9, "Jacobi-preconditioned CG");
  }

  @Test
  @DisplayName("LINALG-CG-05 a one-element system: 4x = 2 gives 0.5 (TorchOpt #222 gives 0)")
  void cgScalar() {
    require(Capability.FLOAT64);
    for (Shape shape : List.of(Shape.scalar(), Shape.of(1))) {
      Tensor four = ops.full(shape, 4, DType.FLOAT64);
      Tensor two = ops.full(shape, 2, DType.FLOAT64);
      for (SolverOptions o : List.of(SolverOptions.defaults(),
          SolverOptions.builder().tol(0).maxIter(5).build())) {
        Tensor x = Cg.of(o).solve(v -> ops.mul(four, v), two);
        assertEquals(shape, x.shape());
        assertEquals(0.5, ops.toDoubleArray(x)[0], 1e-15, "shape " + shape + ", " + o);
      }
    }
  }

  @Test
  @DisplayName("LINALG-CG-06 tol = 0 runs exactly maxIter iterations, no host reads, staged")
  void cgFixedIterations() {
    require(Capability.FLOAT64);
    Known k = known(spd(Dense.N, 12, 0.5, 10), 0, 11, DType.FLOAT64);
    Cg cg = Cg.of(SolverOptions.builder().tol(0).maxIter(3 * Dense.N).build());
    AtomicInteger calls = new AtomicInteger();
    Map<String, Tensor> eager = cg.solve(counted(k.system()::matvec, calls), k.b());
    assertEquals(3 * Dense.N, calls.get(), "one matvec per iteration, maxIter iterations");
    FiniteDifferences.assertClose(ops, eager, leaves(k.xTrue()), RTOL, ATOL, "CG, tol 0");
    Function<Map<String, Tensor>, Map<String, Tensor>> staged =
        backend().stage(rhs -> cg.solve(k.system()::matvec, rhs));
    FiniteDifferences.assertClose(ops, staged.apply(k.b()), leaves(k.xTrue()), RTOL, ATOL,
        "staged CG, tol 0");
  }

  @Test
  @DisplayName("LINALG-CG-07 CG in float32 on an SPD system over a tree")
  void cgFloat32() {
    Known k = known(spd(Dense.N, 12, 1, 12), 0, 13, DType.FLOAT32);
    Map<String, Tensor> x = Cg.of(SolverOptions.builder().tol(1e-6).build())
        .solve(k.system()::matvec, k.b());
    assertEquals(DType.FLOAT32, x.get("a").dtype());
    FiniteDifferences.assertClose(ops, x, leaves(k.xTrue()), 1e-4, 1e-5, "float32 CG");
  }

  @Test
  @DisplayName("LINALG-NCG-01 normal CG on a nonsymmetric system, Aᵀ by a VJP of the matvec")
  void normalCgVjp() {
    require(Capability.AUTODIFF);
    checkSolve(NormalCg.of(tight().build(), backend().autodiff()), general(Dense.N, 3, 0.5, 14),
        0, 15, "normal CG, Aᵀ by VJP");
  }

  @Test
  @DisplayName("LINALG-NCG-02 normal CG, explicit rmatvec and ridge: (AᵀA + ρI) x = Aᵀb")
  void normalCgRmatvec() {
    require(Capability.FLOAT64);
    double[][] a = general(Dense.N, 3, 0.5, 16);
    Dense system = new Dense(a, DType.FLOAT64);
    double ridge = 0.3;
    double[] b = vector(Dense.N, 17);
    Map<String, Tensor> x = NormalCg.of(tight().ridge(ridge).build(), null)
        .solve(system::matvec, system::rmatvec, system.tree(b), null);
    double[] xs = flat(x);
    double[][] at = transpose(a);
    double[] lhs = times(at, times(a, xs));
    double[] rhs = times(at, b);
    double[] residual = new double[Dense.N];
    for (int i = 0; i < Dense.N; i++) {
      residual[i] = lhs[i] + ridge * xs[i] - rhs[i];
    }
    FiniteDifferences.assertClose(ops, system.tree(residual), leaves(new double[Dense.N]), 0,
        1e-9, "the normal equations' residual");
  }

  private double[] flat(Map<String, Tensor> x) {
    double[] out = new double[Dense.N];
    System.arraycopy(ops.toDoubleArray(x.get("a")), 0, out, 0, 3);
    System.arraycopy(ops.toDoubleArray(x.get("b")), 0, out, 3, 4);
    return out;
  }

  @Test
  @DisplayName("LINALG-NEUMANN-01 the Neumann series converges and equals its partial sums")
  void neumann() {
    double[][] e = random(Dense.N, Dense.N, 18);
    double[][] a = new double[Dense.N][Dense.N];
    for (int i = 0; i < Dense.N; i++) {
      for (int j = 0; j < Dense.N; j++) {
        a[i][j] = 0.05 * (e[i][j] + e[j][i]) + (i == j ? 1 : 0);
      }
    }
    checkSolve(Neumann.of(SolverOptions.builder().tol(0).maxIter(80).build(), 1.0), a, 0, 19,
        "Neumann, 80 terms");
    // x = α Σ_{k=0}^{3} (I − α(A + ρI))ᵏ b exactly, with α = 0.8, ρ = 0.1
    Dense system = new Dense(a, DType.FLOAT64);
    double alpha = 0.8;
    double ridge = 0.1;
    double[] term = vector(Dense.N, 20);
    Map<String, Tensor> b = system.tree(term);
    double[] sum = term.clone();
    for (int k = 1; k <= 3; k++) {
      double[] at = times(plusRidge(a, ridge), term);
      for (int i = 0; i < Dense.N; i++) {
        term[i] -= alpha * at[i];
        sum[i] += term[i];
      }
    }
    for (int i = 0; i < Dense.N; i++) {
      sum[i] *= alpha;
    }
    Neumann three =
        Neumann.of(SolverOptions.builder().tol(0).maxIter(3).ridge(ridge).build(), alpha);
    FiniteDifferences.assertClose(ops, three.solve(system::matvec, b), leaves(sum), 1e-12, 1e-12,
        "Neumann partial sum of 4 terms");
    assertEquals(Neumann.DEFAULT_MAX_ITER, 10);
    assertEquals(0.0, Neumann.defaults().options().tol(), "TorchOpt's series has no stopping test");
  }

  @Test
  @DisplayName("LINALG-INV-01 dense solve, nonsymmetric with a ridge; singular systems fail")
  void inv() {
    checkSolve(Inv.of(SolverOptions.builder().ridge(0.2).build()), general(Dense.N, 1, 1, 21), 0.2,
        22, "Inv, ridge 0.2");
    Dense zero = new Dense(new double[Dense.N][Dense.N], DType.FLOAT64);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Inv.defaults().solve(zero::matvec, zero.tree(vector(Dense.N, 23))));
    assertTrue(e.getMessage().contains("singular"), e.getMessage());
  }

  private static void assertMessage(Class<? extends Throwable> type, Runnable r, String... parts) {
    Throwable e = assertThrows(type, r::run);
    for (String part : parts) {
      assertTrue(e.getMessage() != null && e.getMessage().contains(part),
          "message should contain '" + part + "': " + e.getMessage());
    }
  }

  @Test
  @DisplayName("LINALG-ERR-01 bad solver options give exceptions naming the option and value")
  void badOptions() {
    assertMessage(IllegalArgumentException.class,
        () -> SolverOptions.builder().ridge(-1).build(), "ridge", "-1.0");
    assertMessage(IllegalArgumentException.class,
        () -> SolverOptions.builder().tol(Double.NaN).build(), "tol", "NaN");
    assertMessage(IllegalArgumentException.class,
        () -> SolverOptions.builder().maxIter(-3).build(), "maxIter", "-3");
    assertMessage(IllegalArgumentException.class,
        () -> Neumann.of(SolverOptions.defaults(), 0), "alpha", "0.0");
    assertMessage(NullPointerException.class, () -> Cg.of(null), "options");
  }

  @Test
  @DisplayName("LINALG-ERR-02 mismatched trees, shapes, dtypes, a missing Aᵀ: clear exceptions")
  void badArguments() {
    Tensor v = ops.ones(Shape.of(3), DType.FLOAT32);
    Cg cg = Cg.defaults();
    assertMessage(IllegalArgumentException.class,
        () -> cg.solve(x -> ops.reshape(x, Shape.of(3, 1)), v), "matvec's result", "(3, 1)");
    assertMessage(IllegalArgumentException.class,
        () -> cg.solve(x -> x, List.of(v, v), List.of(v)), "init", "structure");
    assertMessage(IllegalArgumentException.class,
        () -> cg.solve(x -> x, List.of(v, ops.ones(Shape.of(3), DType.INT32))), "one dtype");
    assertMessage(IllegalArgumentException.class,
        () -> cg.solve(x -> x, ops.ones(Shape.of(3), DType.INT32)), "floating-point");
    assertMessage(IllegalArgumentException.class,
        () -> Cg.of(SolverOptions.builder().preconditioner((Tensor x) -> ops.sum(x)).build())
            .solve(x -> x, v), "preconditioner");
    assertMessage(IllegalStateException.class,
        () -> NormalCg.of(SolverOptions.defaults(), null).solve(x -> x, v), "rmatvec");
  }

  // ------------------------------------------------------------------ implicit differentiation

  private Tensor matrix(double[][] m, DType dtype) {
    double[] d = new double[m.length * m[0].length];
    for (int i = 0; i < m.length; i++) {
      System.arraycopy(m[i], 0, d, i * m[0].length, m[0].length);
    }
    return ops.fromDoubles(d, Shape.of(m.length, m[0].length), dtype);
  }

  /** {@code XᵀX}. */
  private static double[][] gram(double[][] x) {
    double[][] g = new double[x[0].length][x[0].length];
    for (double[] row : x) {
      for (int i = 0; i < row.length; i++) {
        for (int j = 0; j < row.length; j++) {
          g[i][j] += row[i] * row[j];
        }
      }
    }
    return g;
  }

  /** The largest eigenvalue of a symmetric positive semi-definite matrix, by power iteration. */
  private static double largestEigenvalue(double[][] a) {
    double[] v = vector(a.length, 99);
    double lambda = 0;
    for (int k = 0; k < 500; k++) {
      double[] w = times(a, v);
      double norm = 0;
      for (double x : w) {
        norm += x * x;
      }
      norm = Math.sqrt(norm);
      lambda = norm;
      for (int i = 0; i < w.length; i++) {
        v[i] = w[i] / norm;
      }
    }
    return lambda;
  }

  @Test
  @DisplayName("IMPL-01 ridge regression: implicit dL/dλ = 100 unrolled GD steps = finite differences")
  void ridgeRegression() {
    require(Capability.AUTODIFF);
    require(Capability.FLOAT64);
    Autodiff ad = backend().autodiff();
    double[][] xHost = random(20, 3, 24);
    Tensor x = matrix(xHost, DType.FLOAT64);
    Tensor xt = ops.transpose(x, 1, 0);
    Tensor y = ops.randomNormal(Shape.of(20), DType.FLOAT64, 25);
    Tensor xv = ops.randomNormal(Shape.of(8, 3), DType.FLOAT64, 26);
    Tensor yv = ops.randomNormal(Shape.of(8), DType.FLOAT64, 27);
    Tensor xty = ops.matmul(xt, y);
    BiFunction<Tensor, Tensor, Tensor> optimality =
        (w, lam) -> ops.add(ops.matmul(xt, ops.sub(ops.matmul(x, w), y)), ops.mul(w, lam));
    Function<Tensor, Tensor> inner = lam -> Inv.defaults().solve(
        v -> ops.add(ops.matmul(xt, ops.matmul(x, v)), ops.mul(v, lam)), xty);
    BiFunction<Tensor, Tensor, Tensor> outer = (w, lam) -> ops.add(
        ops.mul(ops.sum(ops.square(ops.sub(ops.matmul(xv, w), yv))), 0.5),
        ops.mul(ops.square(lam), 0.01));
    ImplicitSolver<Tensor, Tensor> ridge =
        ImplicitDiff.customRoot(ad, optimality, Cg.of(tight().build())).of(inner);
    Tensor lam = ops.scalar(0.3, DType.FLOAT64);
    ValueAndGrad<Tensor> implicit = ridge.valueAndGrad(outer, lam);

    double lr = 1 / (largestEigenvalue(gram(xHost)) + 0.3);
    Tensor unrolled = ad.grad(l -> {
      Tensor w = ops.zeros(Shape.of(3), DType.FLOAT64);
      for (int k = 0; k < 100; k++) {
        w = ops.sub(w, ops.mul(optimality.apply(w, l), lr));
      }
      return outer.apply(w, l);
    }, lam);
    FiniteDifferences.assertClose(ops, implicit.grad(), List.of(ops.toDoubleArray(unrolled)),
        FD_RTOL, FD_ATOL, "implicit vs unrolled meta-gradient");
    FiniteDifferences.assertClose(ops, implicit.grad(),
        FiniteDifferences.gradient(ops, l -> outer.apply(inner.apply(l), l), lam),
        FD_RTOL, FD_ATOL, "implicit meta-gradient vs finite differences");
    assertEquals(outer.apply(inner.apply(lam), lam).item(), implicit.value().item(), 1e-12,
        "the outer loss at the inner solution");
  }

  /** f(x, θ) = ½xᵀQx + ½e^s‖x − a‖², θ = {a: (3), s: ()}; solved exactly. */
  private final class Quadratic extends ImplicitMetaGradientModule<Tensor, Map<String, Tensor>> {
    private final Tensor q;

    Quadratic(Autodiff ad, LinearSolver solver) {
      super(ad, solver);
      q = matrix(spd(3, 6, 0.5, 28), DType.FLOAT64);
    }

    @Override
    protected Tensor objective(Tensor x, Map<String, Tensor> theta) {
      Tensor quad = ops.mul(ops.vdot(x, ops.matmul(q, x)), 0.5);
      Tensor d = ops.sub(x, theta.get("a"));
      return ops.add(quad, ops.mul(ops.mul(ops.vdot(d, d), ops.exp(theta.get("s"))), 0.5));
    }

    @Override
    protected Tensor solve(Map<String, Tensor> theta) {
      Tensor es = ops.exp(theta.get("s"));
      return Inv.defaults().solve(v -> ops.add(ops.matmul(q, v), ops.mul(v, es)),
          ops.mul(theta.get("a"), es));
    }
  }

  @Test
  @DisplayName("IMPL-02 module from an objective (F = ∇ₓf), tree θ: meta-gradient = finite differences")
  void moduleFromObjective() {
    require(Capability.AUTODIFF);
    require(Capability.HIGHER_ORDER);
    require(Capability.FLOAT64);
    Autodiff ad = backend().autodiff();
    assertTrue(new Quadratic(ad, null).linearSolver() instanceof Cg,
        "an objective's Hessian is symmetric: CG by default");
    Quadratic module = new Quadratic(ad, Cg.of(tight().build()));
    Tensor target = ops.fromDoubles(new double[] {0.3, -0.2, 0.5}, Shape.of(3), DType.FLOAT64);
    BiFunction<Tensor, Map<String, Tensor>, Tensor> outer = (x, theta) -> ops.add(
        ops.mul(ops.sum(ops.square(ops.sub(x, target))), 0.5),
        ops.mul(ops.sum(ops.square(theta.get("a"))), 0.05));
    Map<String, Tensor> theta = Map.of(
        "a", ops.fromDoubles(new double[] {1.0, -0.5, 2.0}, Shape.of(3), DType.FLOAT64),
        "s", ops.scalar(0.2, DType.FLOAT64));
    ValueAndGrad<Map<String, Tensor>> vg = module.metaGradient(outer, theta);
    FiniteDifferences.assertClose(ops, vg.grad(), FiniteDifferences.gradient(
        ops, t -> outer.apply(module.solution(t), t), theta), FD_RTOL, FD_ATOL,
        "module meta-gradient vs finite differences");
  }

  /** F(x, θ) = Bx − sin(θ) with B nonsymmetric: x* = B⁻¹ sin θ. */
  private final class Linear extends ImplicitMetaGradientModule<Tensor, Tensor> {
    private final Tensor b;

    Linear(Autodiff ad, LinearSolver solver) {
      super(ad, solver);
      b = matrix(general(3, 2, 0.7, 29), DType.FLOAT64);
    }

    @Override
    protected Tensor optimality(Tensor x, Tensor theta) {
      return ops.sub(ops.matmul(b, x), ops.sin(theta));
    }

    @Override
    protected Tensor solve(Tensor theta) {
      return Inv.defaults().solve(v -> ops.matmul(b, v), ops.sin(theta));
    }
  }

  @Test
  @DisplayName("IMPL-03 module from a nonsymmetric F: normal CG and Inv = finite differences")
  void moduleFromOptimality() {
    require(Capability.AUTODIFF);
    require(Capability.FLOAT64);
    Autodiff ad = backend().autodiff();
    assertTrue(new Linear(ad, null).linearSolver() instanceof NormalCg,
        "an optimality condition need not be symmetric: normal CG by default");
    Tensor theta = ops.fromDoubles(new double[] {0.4, -1.1, 0.7}, Shape.of(3), DType.FLOAT64);
    BiFunction<Tensor, Tensor, Tensor> outer = (x, t) ->
        ops.add(ops.sum(ops.mul(ops.square(x), ops.cos(x))), ops.sum(t));
    List<double[]> fd = FiniteDifferences.gradient(
        ops, t -> outer.apply(new Linear(ad, null).solution(t), t), theta);
    for (LinearSolver solver : List.of(NormalCg.of(tight().build(), ad), Inv.defaults())) {
      ValueAndGrad<Tensor> vg = new Linear(ad, solver).metaGradient(outer, theta);
      FiniteDifferences.assertClose(ops, vg.grad(), fd, FD_RTOL, FD_ATOL,
          "meta-gradient with " + solver);
    }
  }

  @Test
  @DisplayName("IMPL-04 a module with neither objective nor optimality, null arguments: clear errors")
  void badModule() {
    require(Capability.AUTODIFF);
    Autodiff ad = backend().autodiff();
    ImplicitMetaGradientModule<Tensor, Tensor> empty =
        new ImplicitMetaGradientModule<>(ad, Cg.defaults()) {
          @Override
          protected Tensor solve(Tensor theta) {
            return theta;
          }
        };
    Tensor theta = ops.ones(Shape.of(2), DType.FLOAT32);
    Throwable e = assertThrows(RuntimeException.class,
        () -> empty.metaGradient((x, t) -> ops.sum(x), theta));
    List<String> messages = new ArrayList<>();
    for (Throwable t = e; t != null; t = t.getCause()) {
      messages.add(String.valueOf(t.getMessage()));
    }
    assertTrue(messages.stream().anyMatch(
        m -> m.contains("must override objective(x, theta) or optimality(x, theta)")),
        () -> "messages: " + messages);
    assertMessage(NullPointerException.class,
        () -> ImplicitDiff.customRoot(ad, null, Cg.defaults()), "optimality");
    assertMessage(IllegalArgumentException.class,
        () -> ImplicitDiff.<Tensor, Tensor>customRoot(ad, (x, t) -> x, Cg.defaults())
            .of(t -> null).valueAndGrad((x, t) -> ops.sum(t), theta), "inner solver", "null");
  }
}
