package dev.diffopt.cuda;

import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorChecks;
import dev.diffopt.tensor.TensorOps;
import java.util.Arrays;

/**
 * The primitive operations on GPU memory, each one launch of a kernel of {@code ops.cu} (a host
 * copy for creation and read-back). Arguments are validated on the host with {@link TensorChecks}
 * before anything reaches the device. Results are new contiguous tensors owned by the current
 * {@link Scope}; kernels are queued on the default stream, and reading a value back waits for
 * them.
 *
 * <p>{@link #randomNormal} and {@link #randomUniform} draw on the host, as the contract asks (the
 * same numbers on every backend); {@link #philoxNormal} and {@link #philoxUniform} draw on the
 * device with Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC
 * 2011), a counter-based generator: element pair {@code i} depends only on {@code (seed, i)}, so
 * the same seed gives the same numbers on every run and launch geometry.
 */
public final class CudaTensorOps implements TensorOps {
  private static final String MODULE = "ops";

  private final CudaDevice device;

  CudaTensorOps(CudaDevice device) {
    this.device = device;
  }

  CudaDevice device() {
    return device;
  }

  /** {@code t} as a tensor of this backend, checked open. */
  CudaTensor unwrap(Tensor t, String op) {
    TensorChecks.open(t, op);
    if (!(t instanceof CudaTensor c) || c.ops() != this) {
      throw new IllegalArgumentException(
          op + ": tensor " + t + " does not belong to this cuda backend instance");
    }
    return c;
  }

  /** A new uninitialised tensor, owned by the current scope. */
  CudaTensor allocate(Shape shape, DType dtype) {
    if (shape == null || dtype == null) {
      throw new NullPointerException("shape and dtype must not be null");
    }
    DevicePointer p = device.allocate(shape.size() * dtype.byteSize());
    return Scope.adopt(new CudaTensor(this, p, shape, dtype));
  }

  /** Launches element kernel {@code kernel} over {@code n} elements (nothing when 0). */
  private void run(String kernel, long n, KernelArgs args) {
    if (n > 0) {
      device.launch(device.function(MODULE, kernel), Grid.elements(n, device.maxBlocks()), args);
    }
  }

  // ---------------------------------------------------------------- creation and host copies

  @Override
  public Tensor fromDoubles(double[] data, Shape shape, DType dtype) {
    if (data == null) {
      throw new NullPointerException("fromDoubles: data is null");
    }
    TensorChecks.dataSize(data.length, shape);
    CudaTensor out = allocate(shape, dtype);
    device.copyIn(out.pointer(), HostArrays.pointer(HostArrays.pack(data, dtype)),
        out.byteSize());
    return out;
  }

  @Override
  public Tensor full(Shape shape, double value, DType dtype) {
    TensorChecks.notNaN(value, "full: value");
    CudaTensor out = allocate(shape, dtype);
    run("fill_" + HostArrays.suffix(dtype), shape.size(),
        new KernelArgs().i64(shape.size()).f64(value).ptr(out.pointer()));
    return out;
  }

  @Override
  public double[] toDoubleArray(Tensor t) {
    CudaTensor x = unwrap(t, "toDoubleArray");
    Object host = HostArrays.allocate(x.dtype(), Math.toIntExact(x.size()));
    device.copyOut(HostArrays.pointer(host), x.pointer(), x.byteSize());
    return HostArrays.unpack(host);
  }

  /** float32 elements copied in as they are (no detour through doubles). */
  @Override
  public Tensor fromFloats(float[] data, Shape shape) {
    if (data == null) {
      throw new NullPointerException("fromFloats: data is null");
    }
    TensorChecks.dataSize(data.length, shape);
    CudaTensor out = allocate(shape, DType.FLOAT32);
    device.copyIn(out.pointer(), jcuda.Pointer.to(data), out.byteSize());
    return out;
  }

  /** float32 tensors are copied out as they are; other dtypes convert through doubles. */
  @Override
  public float[] toFloatArray(Tensor t) {
    CudaTensor x = unwrap(t, "toFloatArray");
    if (x.dtype() != DType.FLOAT32) {
      return TensorOps.super.toFloatArray(x);
    }
    float[] out = new float[Math.toIntExact(x.size())];
    device.copyOut(jcuda.Pointer.to(out), x.pointer(), x.byteSize());
    return out;
  }

  /**
   * Standard normal samples drawn on the device by Philox4x32-10 with Box-Muller: for large
   * tensors, where {@link #randomNormal} (host draws, the same numbers as every other backend)
   * would copy every value in. Element pair {@code (2i, 2i+1)} depends only on {@code (seed, i)}.
   *
   * @param shape the shape
   * @param dtype FLOAT32 or FLOAT64
   * @param seed any value; the same seed gives the same numbers
   * @return a new tensor owned by the current scope
   * @throws IllegalArgumentException for a non-floating dtype
   */
  public Tensor philoxNormal(Shape shape, DType dtype, long seed) {
    CudaTensor out = philoxTarget(shape, dtype, "philoxNormal");
    run("random_normal_" + HostArrays.suffix(dtype), (shape.size() + 1) / 2,
        new KernelArgs().i64(shape.size()).i32((int) seed).i32((int) (seed >>> 32))
            .ptr(out.pointer()));
    return out;
  }

  /**
   * Uniform samples in {@code [low, high)} drawn on the device by Philox4x32-10 (53 random bits
   * per value); see {@link #philoxNormal}.
   *
   * @throws IllegalArgumentException unless {@code low < high}, both finite, and the dtype is
   *     floating
   */
  public Tensor philoxUniform(Shape shape, DType dtype, double low, double high, long seed) {
    if (!(low < high) || Double.isInfinite(low) || Double.isInfinite(high)) {
      throw new IllegalArgumentException(
          "philoxUniform needs finite low < high, got [" + low + ", " + high + ")");
    }
    CudaTensor out = philoxTarget(shape, dtype, "philoxUniform");
    run("random_uniform_" + HostArrays.suffix(dtype), (shape.size() + 1) / 2,
        new KernelArgs().i64(shape.size()).i32((int) seed).i32((int) (seed >>> 32)).f64(low)
            .f64(high).ptr(out.pointer()));
    return out;
  }

  private CudaTensor philoxTarget(Shape shape, DType dtype, String op) {
    if (dtype == null || !dtype.isFloating()) {
      throw new IllegalArgumentException(
          op + ": needs FLOAT32 or FLOAT64, got " + dtype);
    }
    return allocate(shape, dtype);
  }

  // ---------------------------------------------------------------- element-wise, binary

  private static final int ADD = 0;
  private static final int SUB = 1;
  private static final int MUL = 2;
  private static final int DIV = 3;
  private static final int POW = 4;
  private static final int MAXIMUM = 5;
  private static final int MINIMUM = 6;

  private Tensor binary(String op, int code, Tensor a, Tensor b) {
    Shape shape = TensorChecks.binary(a, b, op);
    TensorChecks.numeric(a, op);
    CudaTensor x = unwrap(a, op);
    CudaTensor y = unwrap(b, op);
    CudaTensor out = allocate(shape, x.dtype());
    run("binary_" + HostArrays.suffix(x.dtype()), shape.size(),
        new KernelArgs().i32(code).i64(shape.size()).ptr(x.pointer()).ptr(y.pointer())
            .ptr(out.pointer()).struct(Layouts.broadcast(shape, x.shape(), y.shape())));
    return out;
  }

  @Override
  public Tensor add(Tensor a, Tensor b) {
    return binary("add", ADD, a, b);
  }

  @Override
  public Tensor sub(Tensor a, Tensor b) {
    return binary("sub", SUB, a, b);
  }

  @Override
  public Tensor mul(Tensor a, Tensor b) {
    return binary("mul", MUL, a, b);
  }

  @Override
  public Tensor div(Tensor a, Tensor b) {
    return binary("div", DIV, a, b);
  }

  @Override
  public Tensor pow(Tensor a, Tensor b) {
    return binary("pow", POW, a, b);
  }

  @Override
  public Tensor maximum(Tensor a, Tensor b) {
    return binary("maximum", MAXIMUM, a, b);
  }

  @Override
  public Tensor minimum(Tensor a, Tensor b) {
    return binary("minimum", MINIMUM, a, b);
  }

  // ---------------------------------------------------------------- element-wise, unary

  private static final int NEG = 0;
  private static final int ABS = 1;
  private static final int RELU = 8;
  private static final int SIGN = 9;

  private Tensor unary(String op, int code, Tensor t) {
    boolean integerOk = code == NEG || code == ABS || code == RELU || code == SIGN;
    if (integerOk) {
      TensorChecks.numeric(t, op);
    } else {
      TensorChecks.floating(t, op);
    }
    CudaTensor x = unwrap(t, op);
    CudaTensor out = allocate(x.shape(), x.dtype());
    run("unary_" + HostArrays.suffix(x.dtype()), x.size(),
        new KernelArgs().i32(code).i64(x.size()).ptr(x.pointer()).ptr(out.pointer()));
    return out;
  }

  @Override
  public Tensor neg(Tensor x) {
    return unary("neg", NEG, x);
  }

  @Override
  public Tensor abs(Tensor x) {
    return unary("abs", ABS, x);
  }

  @Override
  public Tensor sqrt(Tensor x) {
    return unary("sqrt", 2, x);
  }

  @Override
  public Tensor exp(Tensor x) {
    return unary("exp", 3, x);
  }

  @Override
  public Tensor log(Tensor x) {
    return unary("log", 4, x);
  }

  @Override
  public Tensor softplus(Tensor x) {
    return unary("softplus", 5, x);
  }

  @Override
  public Tensor tanh(Tensor x) {
    return unary("tanh", 6, x);
  }

  @Override
  public Tensor sigmoid(Tensor x) {
    return unary("sigmoid", 7, x);
  }

  @Override
  public Tensor relu(Tensor x) {
    return unary("relu", RELU, x);
  }

  @Override
  public Tensor sign(Tensor x) {
    return unary("sign", SIGN, x);
  }

  @Override
  public Tensor sin(Tensor x) {
    return unary("sin", 10, x);
  }

  @Override
  public Tensor cos(Tensor x) {
    return unary("cos", 11, x);
  }

  // ---------------------------------------------------------------- comparisons and selection

  private Tensor compare(String op, int code, Tensor a, Tensor b) {
    Shape shape = TensorChecks.binary(a, b, op);
    CudaTensor x = unwrap(a, op);
    CudaTensor y = unwrap(b, op);
    CudaTensor out = allocate(shape, DType.BOOL);
    run("compare_" + HostArrays.suffix(x.dtype()), shape.size(),
        new KernelArgs().i32(code).i64(shape.size()).ptr(x.pointer()).ptr(y.pointer())
            .ptr(out.pointer()).struct(Layouts.broadcast(shape, x.shape(), y.shape())));
    return out;
  }

  @Override
  public Tensor eq(Tensor a, Tensor b) {
    return compare("eq", 0, a, b);
  }

  @Override
  public Tensor lt(Tensor a, Tensor b) {
    return compare("lt", 1, a, b);
  }

  @Override
  public Tensor le(Tensor a, Tensor b) {
    return compare("le", 2, a, b);
  }

  @Override
  public Tensor where(Tensor cond, Tensor a, Tensor b) {
    Shape shape = TensorChecks.where(cond, a, b);
    CudaTensor c = unwrap(cond, "where");
    CudaTensor x = unwrap(a, "where");
    CudaTensor y = unwrap(b, "where");
    CudaTensor out = allocate(shape, x.dtype());
    run("where_" + HostArrays.suffix(x.dtype()), shape.size(),
        new KernelArgs().i64(shape.size()).ptr(c.pointer()).ptr(x.pointer()).ptr(y.pointer())
            .ptr(out.pointer()).struct(Layouts.broadcast(shape, c.shape(), x.shape(),
                y.shape())));
    return out;
  }

  // ---------------------------------------------------------------- reductions

  private Tensor reduce(String op, int code, Tensor t, int[] axes, boolean keepDims) {
    TensorChecks.numeric(t, op);
    CudaTensor x = unwrap(t, op);
    if (axes == null) {
      throw new NullPointerException(op + ": axes is null");
    }
    int[] all = TensorChecks.reductionAxes(x.shape(), axes, op);
    Shape shape = reducedShape(x.shape(), all, keepDims);
    long outputs = shape.size();
    long m = outputs == 0 ? 0 : x.size() / Math.max(1, outputs);
    if (outputs > 0 && x.size() == 0) {
      m = 0;
    }
    CudaTensor out = allocate(shape, x.dtype());
    if (outputs > 0) {
      byte[][] layouts = Layouts.reduction(x.shape(), all);
      int blocks = (int) Math.min(outputs, device.maxBlocks());
      device.launch(device.function(MODULE, "reduce_" + HostArrays.suffix(x.dtype())),
          new Grid(blocks, Grid.THREADS), new KernelArgs().i32(code).i64(outputs).i64(m)
              .ptr(x.pointer()).ptr(out.pointer()).struct(layouts[0]).struct(layouts[1]));
    }
    return out;
  }

  private static Shape reducedShape(Shape in, int[] axes, boolean keepDims) {
    long[] dims = in.dims();
    boolean[] reduced = new boolean[dims.length];
    for (int a : axes) {
      reduced[a] = true;
    }
    long[] out = new long[keepDims ? dims.length : dims.length - axes.length];
    int j = 0;
    for (int d = 0; d < dims.length; d++) {
      if (!reduced[d]) {
        out[j++] = dims[d];
      } else if (keepDims) {
        out[j++] = 1;
      }
    }
    return Shape.of(out);
  }

  @Override
  public Tensor sum(Tensor x, int[] axes, boolean keepDims) {
    return reduce("sum", 0, x, axes, keepDims);
  }

  @Override
  public Tensor max(Tensor x, int[] axes, boolean keepDims) {
    TensorChecks.nonEmpty(x, "max");
    return reduce("max", 1, x, axes, keepDims);
  }

  @Override
  public Tensor min(Tensor x, int[] axes, boolean keepDims) {
    TensorChecks.nonEmpty(x, "min");
    return reduce("min", 2, x, axes, keepDims);
  }

  // ---------------------------------------------------------------- shape and linear algebra

  @Override
  public Tensor reshape(Tensor t, Shape shape) {
    TensorChecks.reshape(t, shape);
    CudaTensor x = unwrap(t, "reshape");
    CudaTensor out = allocate(shape, x.dtype());
    device.copy(out.pointer(), x.pointer(), x.byteSize());
    return out;
  }

  @Override
  public Tensor transpose(Tensor t, int... perm) {
    CudaTensor x = unwrap(t, "transpose");
    if (perm == null) {
      throw new NullPointerException("transpose: perm is null");
    }
    TensorChecks.permutation(x.shape(), perm, "transpose");
    long[] dims = new long[perm.length];
    for (int i = 0; i < perm.length; i++) {
      dims[i] = x.shape().dim(perm[i]);
    }
    return gather(x, Shape.of(dims), Layouts.transpose(x.shape(), perm.clone()));
  }

  @Override
  public Tensor broadcastTo(Tensor t, Shape shape) {
    TensorChecks.broadcastTo(t, shape);
    CudaTensor x = unwrap(t, "broadcastTo");
    return gather(x, shape, Layouts.broadcast(shape, x.shape()));
  }

  private Tensor gather(CudaTensor x, Shape shape, byte[] layout) {
    CudaTensor out = allocate(shape, x.dtype());
    run("gather_" + HostArrays.width(x.dtype()), shape.size(), new KernelArgs()
        .i64(shape.size()).ptr(x.pointer()).ptr(out.pointer()).struct(layout));
    return out;
  }

  private static final int TILE = 16;

  @Override
  public Tensor matmul(Tensor a, Tensor b) {
    Shape shape = TensorChecks.matmul(a, b);
    TensorChecks.numeric(a, "matmul");
    CudaTensor x = unwrap(a, "matmul");
    CudaTensor y = unwrap(b, "matmul");
    long m = x.shape().rank() == 2 ? x.shape().dim(0) : 1;
    long k = x.shape().dim(-1);
    long n = y.shape().rank() == 2 ? y.shape().dim(1) : 1;
    if (m > Integer.MAX_VALUE || k > Integer.MAX_VALUE || n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "matmul: dimensions above 2^31-1 are not supported, got " + x.shape() + " @ "
              + y.shape());
    }
    CudaTensor out = allocate(shape, x.dtype());
    if (m > 0 && n > 0) {
      device.launch(device.function(MODULE, "matmul_" + HostArrays.suffix(x.dtype())),
          (int) ((n + TILE - 1) / TILE), (int) ((m + TILE - 1) / TILE), TILE, TILE,
          new KernelArgs().i32((int) m).i32((int) n).i32((int) k).ptr(x.pointer())
              .ptr(y.pointer()).ptr(out.pointer()));
    }
    return out;
  }

  @Override
  public Tensor cast(Tensor t, DType dtype) {
    CudaTensor x = unwrap(t, "cast");
    if (dtype == null) {
      throw new NullPointerException("cast: dtype is null");
    }
    CudaTensor out = allocate(x.shape(), dtype);
    if (dtype == x.dtype()) {
      device.copy(out.pointer(), x.pointer(), x.byteSize());
    } else {
      run("cast_" + HostArrays.suffix(x.dtype()) + "_" + HostArrays.suffix(dtype), x.size(),
          new KernelArgs().i64(x.size()).ptr(x.pointer()).ptr(out.pointer()));
    }
    return out;
  }

  // ---------------------------------------------------------------- in-place

  @Override
  public void assign(Tensor target, Tensor value) {
    TensorChecks.assign(target, value);
    CudaTensor to = unwrap(target, "assign");
    CudaTensor from = unwrap(value, "assign");
    if (to != from) {
      device.copy(to.pointer(), from.pointer(), to.byteSize());
    }
  }

  @Override
  public String toString() {
    return "CudaTensorOps(" + device.name() + ")";
  }

  /** The kernels this class launches, for the PTX check (each must be an entry of ops.ptx). */
  static String[] kernelNames() {
    String[] types = {"f32", "f64", "i32", "i64"};
    java.util.List<String> names = new java.util.ArrayList<>();
    for (String t : types) {
      names.addAll(Arrays.asList("binary_" + t, "compare_" + t, "where_" + t, "unary_" + t,
          "fill_" + t, "reduce_" + t, "matmul_" + t));
    }
    names.addAll(Arrays.asList("compare_b8", "where_b8", "fill_b8", "gather_w1", "gather_w4",
        "gather_w8", "random_normal_f32", "random_normal_f64", "random_uniform_f32",
        "random_uniform_f64", "ravel_w1", "ravel_w4", "ravel_w8", "unravel_w1", "unravel_w4",
        "unravel_w8"));
    for (String s : new String[] {"f32", "f64", "i32", "i64", "b8"}) {
      for (String d : new String[] {"f32", "f64", "i32", "i64", "b8"}) {
        names.add("cast_" + s + "_" + d);
      }
    }
    return names.toArray(new String[0]);
  }
}
