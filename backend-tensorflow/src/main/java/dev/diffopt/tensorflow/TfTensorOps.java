package dev.diffopt.tensorflow;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorChecks;
import dev.diffopt.tensor.TensorOps;
import java.util.Arrays;
import org.tensorflow.Output;

/**
 * {@link TensorOps} on TensorFlow. Every primitive validates its arguments with {@link
 * TensorChecks} and is defined once as a small graph ({@link EagerKernels.Body}): inside a trace
 * ({@link TfBackend#stage}, gradients) it is added to the traced graph; outside it runs at once
 * through {@link EagerKernels}. Native errors surface as {@link IllegalArgumentException} naming
 * the operation.
 */
final class TfTensorOps implements TensorOps {
  private final TfBackend backend;
  private final EagerKernels kernels;

  TfTensorOps(TfBackend backend, EagerKernels kernels) {
    this.backend = backend;
    this.kernels = kernels;
  }

  /** The TensorFlow tensor of a tensor of this backend, checked open. */
  TfTensor unwrap(Tensor t, String op) {
    TensorChecks.open(t, op);
    if (!(t instanceof TfTensor tf) || tf.ops() != this) {
      throw new IllegalArgumentException(
          op + ": tensor " + t + " does not belong to this tensorflow backend instance");
    }
    return tf;
  }

  /** Adopts a host value just computed as a new eager tensor of the current scope. */
  TfTensor eager(org.tensorflow.Tensor value) {
    Shape shape = Shape.of(value.shape().asArray());
    return Scope.adopt(new TfTensor(this, value, shape, TfTypes.dtype(value.dataType())));
  }

  /**
   * Applies {@code body} to {@code inputs}: adds it to the open trace, or runs it now. {@code key}
   * names the operation and every constant that {@code body} bakes in.
   */
  TfTensor apply(String key, EagerKernels.Body body, Tensor... inputs) {
    TfTensor[] in = new TfTensor[inputs.length];
    for (int i = 0; i < in.length; i++) {
      in[i] = unwrap(inputs[i], key);
    }
    Trace trace = Trace.current();
    if (trace != null) {
      Output<?>[] outs = new Output<?>[in.length];
      for (int i = 0; i < in.length; i++) {
        outs[i] = trace.in(in[i]);
      }
      return trace.symbolic(TfErrors.build(() -> body.build(trace.builder, outs), key));
    }
    for (TfTensor t : in) {
      if (t.isSymbolic()) {
        throw new IllegalStateException(key + ": " + t + " belongs to a staged function that has"
            + " finished; symbolic tensors live only inside the function that made them");
      }
    }
    return eager(kernels.run(key, body, in));
  }

  // ---------------------------------------------------------------- creation and host copies

  @Override
  public Tensor fromDoubles(double[] data, Shape shape, DType dtype) {
    if (data == null) {
      throw new NullPointerException("fromDoubles: data is null");
    }
    TensorChecks.dataSize(data.length, shape);
    Trace trace = Trace.current();
    if (trace != null) {
      return trace.symbolic(trace.builder.constant(data, shape, dtype));
    }
    return eager(TfTypes.tensor(data, shape, dtype));
  }

  /** In a trace a {@code Fill}; eagerly a host tensor (no kernel per distinct value). */
  @Override
  public Tensor full(Shape shape, double value, DType dtype) {
    TensorChecks.notNaN(value, "full: value");
    Trace trace = Trace.current();
    if (trace != null) {
      long[] dims = shape.dims();
      return trace.symbolic(trace.builder.op("Fill", trace.builder.int64s(dims),
          trace.builder.scalar(value, dtype)));
    }
    return eager(TfTypes.filled(shape, value, dtype));
  }

  @Override
  public double[] toDoubleArray(Tensor t) {
    TfTensor x = unwrap(t, "toDoubleArray");
    return TfTypes.toDoubles(x.value(), x.dtype());
  }

  // ---------------------------------------------------------------- element-wise, binary

  private Tensor binary(String op, String tfOp, Tensor a, Tensor b) {
    TensorChecks.binary(a, b, op);
    return apply(op, (g, in) -> g.op(tfOp, in[0], in[1]), a, b);
  }

  @Override
  public Tensor add(Tensor a, Tensor b) {
    return binary("add", "AddV2", a, b);
  }

  @Override
  public Tensor sub(Tensor a, Tensor b) {
    return binary("sub", "Sub", a, b);
  }

  @Override
  public Tensor mul(Tensor a, Tensor b) {
    return binary("mul", "Mul", a, b);
  }

  @Override
  public Tensor div(Tensor a, Tensor b) {
    return binary("div", a.dtype().isFloating() ? "RealDiv" : "Div", a, b);
  }

  @Override
  public Tensor pow(Tensor a, Tensor b) {
    return binary("pow", "Pow", a, b);
  }

  /**
   * {@code where(a > b, a, where(a < b, b, (a + b) / 2))}: TensorFlow's {@code Maximum} sends the
   * whole gradient of a tie to {@code a}; this splits it evenly, as the contract says, with the
   * same values ({@code (a + a) / 2 == a}) and NaN propagated.
   */
  @Override
  public Tensor maximum(Tensor a, Tensor b) {
    TensorChecks.binary(a, b, "maximum");
    return apply("maximum", (g, in) -> extreme(g, in[0], in[1], "Greater", "Less"), a, b);
  }

  /** As {@link #maximum}, mirrored. */
  @Override
  public Tensor minimum(Tensor a, Tensor b) {
    TensorChecks.binary(a, b, "minimum");
    return apply("minimum", (g, in) -> extreme(g, in[0], in[1], "Less", "Greater"), a, b);
  }

  private static Output<?> extreme(GraphBuilder g, Output<?> a, Output<?> b, String wins,
      String loses) {
    DType dtype = TfTypes.dtype(a.dataType());
    if (!dtype.isFloating()) {
      return g.op(wins.equals("Greater") ? "Maximum" : "Minimum", a, b);
    }
    Output<?> tie = g.op("Mul", g.op("AddV2", a, b), g.scalar(0.5, dtype));
    Output<?> inner = g.op("SelectV2", g.op(loses, a, b), b, tie);
    return g.op("SelectV2", g.op(wins, a, b), a, inner);
  }

  // ---------------------------------------------------------------- element-wise, unary

  private Tensor unary(String op, String tfOp, Tensor x, boolean needsFloat) {
    if (needsFloat) {
      TensorChecks.floating(x, op);
    } else if (unwrap(x, op).dtype() == DType.BOOL) {
      throw new IllegalArgumentException(op + ": needs a numeric tensor, got BOOL");
    }
    return apply(op, (g, in) -> g.op(tfOp, in[0]), x);
  }

  @Override
  public Tensor neg(Tensor x) {
    return unary("neg", "Neg", x, false);
  }

  @Override
  public Tensor abs(Tensor x) {
    return unary("abs", "Abs", x, false);
  }

  @Override
  public Tensor sqrt(Tensor x) {
    return unary("sqrt", "Sqrt", x, true);
  }

  @Override
  public Tensor exp(Tensor x) {
    return unary("exp", "Exp", x, true);
  }

  @Override
  public Tensor log(Tensor x) {
    return unary("log", "Log", x, true);
  }

  @Override
  public Tensor softplus(Tensor x) {
    return unary("softplus", "Softplus", x, true);
  }

  @Override
  public Tensor tanh(Tensor x) {
    return unary("tanh", "Tanh", x, true);
  }

  @Override
  public Tensor sigmoid(Tensor x) {
    return unary("sigmoid", "Sigmoid", x, true);
  }

  @Override
  public Tensor relu(Tensor x) {
    return unary("relu", "Relu", x, true);
  }

  @Override
  public Tensor sign(Tensor x) {
    return unary("sign", "Sign", x, false);
  }

  @Override
  public Tensor sin(Tensor x) {
    return unary("sin", "Sin", x, true);
  }

  @Override
  public Tensor cos(Tensor x) {
    return unary("cos", "Cos", x, true);
  }

  // ---------------------------------------------------------------- comparisons and selection

  @Override
  public Tensor eq(Tensor a, Tensor b) {
    return binary("eq", "Equal", a, b);
  }

  @Override
  public Tensor lt(Tensor a, Tensor b) {
    return binary("lt", "Less", a, b);
  }

  @Override
  public Tensor le(Tensor a, Tensor b) {
    return binary("le", "LessEqual", a, b);
  }

  @Override
  public Tensor where(Tensor cond, Tensor a, Tensor b) {
    TensorChecks.where(cond, a, b);
    return apply("where", (g, in) -> g.op("SelectV2", in[0], in[1], in[2]), cond, a, b);
  }

  // ---------------------------------------------------------------- reductions

  private Tensor reduce(String op, String tfOp, Tensor x, int[] axes, boolean keepDims) {
    TensorChecks.numeric(x, op);
    int[] all = TensorChecks.reductionAxes(x.shape(), axes, op);
    return apply(op + Arrays.toString(all) + keepDims,
        (g, in) -> g.reduce(tfOp, in[0], all, keepDims), x);
  }

  @Override
  public Tensor sum(Tensor x, int[] axes, boolean keepDims) {
    return reduce("sum", "Sum", x, axes, keepDims);
  }

  @Override
  public Tensor max(Tensor x, int[] axes, boolean keepDims) {
    TensorChecks.nonEmpty(x, "max");
    return reduce("max", "Max", x, axes, keepDims);
  }

  @Override
  public Tensor min(Tensor x, int[] axes, boolean keepDims) {
    TensorChecks.nonEmpty(x, "min");
    return reduce("min", "Min", x, axes, keepDims);
  }

  // ---------------------------------------------------------------- shape and linear algebra

  @Override
  public Tensor reshape(Tensor x, Shape shape) {
    TensorChecks.reshape(x, shape);
    long[] dims = shape.dims();
    return apply("reshape" + Arrays.toString(dims), (g, in) -> g.reshape(in[0], dims), x);
  }

  @Override
  public Tensor transpose(Tensor x, int... perm) {
    unwrap(x, "transpose");
    TensorChecks.permutation(x.shape(), perm, "transpose");
    int[] p = perm.clone();
    return apply("transpose" + Arrays.toString(p), (g, in) -> g.op("Transpose", in[0],
        g.int32s(p)), x);
  }

  @Override
  public Tensor broadcastTo(Tensor x, Shape shape) {
    TensorChecks.broadcastTo(x, shape);
    long[] dims = shape.dims();
    return apply("broadcastTo" + Arrays.toString(dims),
        (g, in) -> g.op("BroadcastTo", in[0], g.int64s(dims)), x);
  }

  @Override
  public Tensor matmul(Tensor a, Tensor b) {
    TensorChecks.matmul(a, b);
    int ra = a.shape().rank();
    int rb = b.shape().rank();
    return apply("matmul", (g, in) -> {
      // 1-d operands become a row (left) or a column (right), and the extra axis goes afterwards
      Output<?> x = ra == 1 ? g.reshape(in[0], 1, -1) : in[0];
      Output<?> y = rb == 1 ? g.reshape(in[1], -1, 1) : in[1];
      Output<?> p = g.op("MatMul", x, y);
      if (ra == 2 && rb == 2) {
        return p;
      }
      return ra == 1 && rb == 1 ? g.reshape(p) : g.reshape(p, -1);
    }, a, b);
  }

  @Override
  public Tensor cast(Tensor x, DType dtype) {
    unwrap(x, "cast");
    if (dtype == null) {
      throw new NullPointerException("cast: dtype is null");
    }
    // Identity when the dtype is unchanged: every result must be a new tensor
    return apply("cast" + dtype, (g, in) -> x.dtype() == dtype ? g.op("Identity", in[0])
        : g.cast(in[0], dtype), x);
  }

  // ---------------------------------------------------------------- in-place

  @Override
  public void assign(Tensor target, Tensor value) {
    TensorChecks.assign(target, value);
    TfTensor dst = unwrap(target, "assign");
    TfTensor src = unwrap(value, "assign");
    if (dst.isSymbolic() || src.isSymbolic() || Trace.current() != null) {
      throw new IllegalStateException("assign: not available inside a staged function or "
          + "gradient (graphs here are pure); return the new values from the function and assign"
          + " them afterwards");
    }
    // a copy, so that closing the value later leaves the target intact
    dst.replace(kernels.run("copy", (g, in) -> g.op("Identity", in[0]), src));
  }
}
