package dev.diffopt.djl;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Scope;
import dev.diffopt.tensor.Shape;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorChecks;
import dev.diffopt.tensor.TensorOps;
import java.util.function.Supplier;

/**
 * {@link TensorOps} on DJL's PyTorch engine: each primitive validates its arguments with {@link
 * TensorChecks} and then makes one libtorch call. Native errors surface as {@link
 * IllegalArgumentException} naming the operation.
 */
final class DjlTensorOps implements TensorOps {
  /** Above this libtorch's softplus returns its input unchanged. */
  private static final double SOFTPLUS_THRESHOLD = 20.0;
  /** Every element: the index of a whole-tensor assignment. */
  private static final ai.djl.ndarray.index.NDIndex ALL = new ai.djl.ndarray.index.NDIndex("...");

  private final DjlBackend backend;
  private final PtNDManager manager;
  private final TorchScriptModule torchScript;

  DjlTensorOps(DjlBackend backend, PtNDManager manager, TorchScriptModule torchScript) {
    this.backend = backend;
    this.manager = manager;
    this.torchScript = torchScript;
  }

  /** Wraps an array this backend just created; it joins the current scope. */
  DjlTensor wrap(NDArray array) {
    return Scope.adopt(new DjlTensor(backend, (PtNDArray) array));
  }

  /** The DJL array of a tensor of this backend. */
  PtNDArray unwrap(Tensor t, String op) {
    TensorChecks.open(t, op);
    if (!(t instanceof DjlTensor d) || d.backend() != backend) {
      throw new IllegalArgumentException(
          op + ": tensor " + t + " does not belong to this djl backend instance");
    }
    return d.ndArray();
  }

  private Tensor run(String op, Supplier<NDArray> body) {
    try {
      return wrap(body.get());
    } catch (EngineException e) {
      throw new IllegalArgumentException(op + " failed in libtorch: " + e.getMessage(), e);
    }
  }

  private static ai.djl.ndarray.types.Shape djl(Shape shape) {
    return new ai.djl.ndarray.types.Shape(shape.dims());
  }

  // ---------------------------------------------------------------- creation and host copies

  @Override
  public Tensor fromDoubles(double[] data, Shape shape, DType dtype) {
    if (data == null) {
      throw new NullPointerException("fromDoubles: data is null");
    }
    TensorChecks.dataSize(data.length, shape);
    ai.djl.ndarray.types.Shape s = djl(shape);
    return run("fromDoubles", () -> switch (dtype) {
      case FLOAT64 -> manager.create(data, s);
      case FLOAT32 -> {
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
          f[i] = (float) data[i];
        }
        yield manager.create(f, s);
      }
      case INT32 -> {
        int[] v = new int[data.length];
        for (int i = 0; i < v.length; i++) {
          v[i] = (int) data[i];
        }
        yield manager.create(v, s);
      }
      case INT64 -> {
        long[] v = new long[data.length];
        for (int i = 0; i < v.length; i++) {
          v[i] = (long) data[i];
        }
        yield manager.create(v, s);
      }
      case BOOL -> {
        boolean[] v = new boolean[data.length];
        for (int i = 0; i < v.length; i++) {
          v[i] = data[i] != 0;
        }
        yield manager.create(v, s);
      }
    });
  }

  @Override
  public Tensor fromFloats(float[] data, Shape shape) {
    if (data == null) {
      throw new NullPointerException("fromFloats: data is null");
    }
    TensorChecks.dataSize(data.length, shape);
    return run("fromFloats", () -> manager.create(data, djl(shape)));
  }

  @Override
  public Tensor full(Shape shape, double value, DType dtype) {
    TensorChecks.notNaN(value, "full: value");
    return run(
        "full",
        () -> JniUtils.full(
            manager, djl(shape), value, DjlTypes.toDjl(dtype), Device.cpu(), SparseFormat.DENSE));
  }

  @Override
  public double[] toDoubleArray(Tensor t) {
    PtNDArray a = unwrap(t, "toDoubleArray");
    if (a.getDataType() == ai.djl.ndarray.types.DataType.FLOAT64) {
      return a.toDoubleArray();
    }
    try (NDArray d = a.toType(ai.djl.ndarray.types.DataType.FLOAT64, true)) {
      return d.toDoubleArray();
    }
  }

  @Override
  public float[] toFloatArray(Tensor t) {
    PtNDArray a = unwrap(t, "toFloatArray");
    if (a.getDataType() == ai.djl.ndarray.types.DataType.FLOAT32) {
      return a.toFloatArray();
    }
    try (NDArray d = a.toType(ai.djl.ndarray.types.DataType.FLOAT32, true)) {
      return d.toFloatArray();
    }
  }

  // ---------------------------------------------------------------- element-wise, binary

  private Tensor binary(String op, Tensor a, Tensor b, java.util.function.BinaryOperator<NDArray> f) {
    TensorChecks.binary(a, b, op);
    PtNDArray x = unwrap(a, op);
    PtNDArray y = unwrap(b, op);
    return run(op, () -> f.apply(x, y));
  }

  @Override
  public Tensor add(Tensor a, Tensor b) {
    return binary("add", a, b, NDArray::add);
  }

  @Override
  public Tensor sub(Tensor a, Tensor b) {
    return binary("sub", a, b, NDArray::sub);
  }

  @Override
  public Tensor mul(Tensor a, Tensor b) {
    return binary("mul", a, b, NDArray::mul);
  }

  @Override
  public Tensor div(Tensor a, Tensor b) {
    return binary("div", a, b, NDArray::div);
  }

  @Override
  public Tensor pow(Tensor a, Tensor b) {
    return binary("pow", a, b, NDArray::pow);
  }

  @Override
  public Tensor maximum(Tensor a, Tensor b) {
    return binary("maximum", a, b, NDArray::maximum);
  }

  @Override
  public Tensor minimum(Tensor a, Tensor b) {
    return binary("minimum", a, b, NDArray::minimum);
  }

  // ---------------------------------------------------------------- element-wise, unary

  private Tensor unary(String op, Tensor x, boolean needsFloat, java.util.function.UnaryOperator<NDArray> f) {
    if (needsFloat) {
      TensorChecks.floating(x, op);
    }
    PtNDArray a = unwrap(x, op);
    if (!needsFloat && a.getDataType() == ai.djl.ndarray.types.DataType.BOOLEAN) {
      throw new IllegalArgumentException(op + ": needs a numeric tensor, got BOOL");
    }
    return run(op, () -> f.apply(a));
  }

  @Override
  public Tensor neg(Tensor x) {
    return unary("neg", x, false, NDArray::neg);
  }

  @Override
  public Tensor abs(Tensor x) {
    return unary("abs", x, false, NDArray::abs);
  }

  @Override
  public Tensor sqrt(Tensor x) {
    return unary("sqrt", x, true, NDArray::sqrt);
  }

  @Override
  public Tensor exp(Tensor x) {
    return unary("exp", x, true, NDArray::exp);
  }

  @Override
  public Tensor log(Tensor x) {
    return unary("log", x, true, NDArray::log);
  }

  @Override
  public Tensor softplus(Tensor x) {
    return unary("softplus", x, true, a -> {
      PtNDArray sp = JniUtils.softPlus((PtNDArray) a);
      if (a.getDataType() != ai.djl.ndarray.types.DataType.FLOAT64) {
        return sp;
      }
      // libtorch returns x itself above its threshold of 20, which is 1e-9 short in float64:
      // add log1p(e^-x) ≈ e^-x there (clamped below so the unused branch stays finite).
      try (NDArray threshold = manager.create(SOFTPLUS_THRESHOLD);
          NDArray above = a.gt(threshold);
          NDArray clamped = a.maximum(threshold);
          NDArray tail = clamped.neg().exp();
          NDArray zero = manager.create(0.0);
          NDArray correction = JniUtils.where((PtNDArray) above, (PtNDArray) tail, (PtNDArray) zero)) {
        NDArray result = sp.add(correction);
        sp.close();
        return result;
      }
    });
  }

  @Override
  public Tensor tanh(Tensor x) {
    return unary("tanh", x, true, NDArray::tanh);
  }

  @Override
  public Tensor sigmoid(Tensor x) {
    return unary("sigmoid", x, true, a -> JniUtils.sigmoid((PtNDArray) a));
  }

  @Override
  public Tensor relu(Tensor x) {
    return unary("relu", x, true, a -> JniUtils.relu((PtNDArray) a));
  }

  @Override
  public Tensor sign(Tensor x) {
    return unary("sign", x, false, NDArray::sign);
  }

  @Override
  public Tensor sin(Tensor x) {
    return unary("sin", x, true, NDArray::sin);
  }

  @Override
  public Tensor cos(Tensor x) {
    return unary("cos", x, true, NDArray::cos);
  }

  // ---------------------------------------------------------------- comparisons and selection

  @Override
  public Tensor eq(Tensor a, Tensor b) {
    return binary("eq", a, b, NDArray::eq);
  }

  @Override
  public Tensor lt(Tensor a, Tensor b) {
    return binary("lt", a, b, NDArray::lt);
  }

  @Override
  public Tensor le(Tensor a, Tensor b) {
    return binary("le", a, b, NDArray::lte);
  }

  @Override
  public Tensor where(Tensor cond, Tensor a, Tensor b) {
    TensorChecks.where(cond, a, b);
    PtNDArray c = unwrap(cond, "where");
    PtNDArray x = unwrap(a, "where");
    PtNDArray y = unwrap(b, "where");
    return run("where", () -> JniUtils.where(c, x, y));
  }

  // ---------------------------------------------------------------- reductions

  private PtNDArray numeric(Tensor x, String op) {
    TensorChecks.numeric(x, op);
    return unwrap(x, op);
  }

  @Override
  public Tensor sum(Tensor x, int[] axes, boolean keepDims) {
    PtNDArray a = numeric(x, "sum");
    int[] all = TensorChecks.reductionAxes(x.shape(), axes, "sum");
    if (axes.length == 0 && !keepDims) {
      return run("sum", a::sum);
    }
    if (all.length == 0) {
      return run("sum", () -> JniUtils.clone(a));
    }
    return run("sum", () -> a.sum(all, keepDims));
  }

  @Override
  public Tensor max(Tensor x, int[] axes, boolean keepDims) {
    return extreme("max", x, axes, keepDims, true);
  }

  @Override
  public Tensor min(Tensor x, int[] axes, boolean keepDims) {
    return extreme("min", x, axes, keepDims, false);
  }

  private Tensor extreme(String op, Tensor x, int[] axes, boolean keepDims, boolean isMax) {
    PtNDArray a = numeric(x, op);
    TensorChecks.nonEmpty(x, op);
    int[] all = TensorChecks.reductionAxes(x.shape(), axes, op);
    if (axes.length == 0 && !keepDims) {
      return run(op, isMax ? a::max : a::min);
    }
    if (all.length == 0) {
      return run(op, () -> JniUtils.clone(a));
    }
    return run(op, () -> {
      NDArray current = a;
      // reduce the highest axis first so the remaining axis numbers stay valid
      for (int i = all.length - 1; i >= 0; i--) {
        int[] one = {all[i]};
        NDArray next = isMax ? current.max(one, keepDims) : current.min(one, keepDims);
        if (current != a) {
          current.close();
        }
        current = next;
      }
      return current;
    });
  }

  // ---------------------------------------------------------------- shape and linear algebra

  @Override
  public Tensor reshape(Tensor x, Shape shape) {
    TensorChecks.reshape(x, shape);
    PtNDArray a = unwrap(x, "reshape");
    return run("reshape", () -> a.reshape(djl(shape)));
  }

  @Override
  public Tensor transpose(Tensor x, int... perm) {
    PtNDArray a = unwrap(x, "transpose");
    TensorChecks.permutation(x.shape(), perm, "transpose");
    return run("transpose", () -> a.transpose(perm));
  }

  @Override
  public Tensor broadcastTo(Tensor x, Shape shape) {
    TensorChecks.broadcastTo(x, shape);
    PtNDArray a = unwrap(x, "broadcastTo");
    return run("broadcastTo", () -> a.broadcast(djl(shape)));
  }

  @Override
  public Tensor matmul(Tensor a, Tensor b) {
    TensorChecks.matmul(a, b);
    PtNDArray x = unwrap(a, "matmul");
    PtNDArray y = unwrap(b, "matmul");
    return run("matmul", () -> x.matMul(y));
  }

  @Override
  public Tensor cast(Tensor x, DType dtype) {
    PtNDArray a = unwrap(x, "cast");
    if (x.dtype().isFloating() && dtype.isFloating() && x.dtype() != dtype) {
      // DJL's toType is not recorded by autograd (its gradient comes out as 0), while a cast
      // between floating types must be differentiable: Tensor.to(dtype) in TorchScript is.
      String method = dtype == DType.FLOAT32 ? "to_float32" : "to_float64";
      return run("cast", () -> torchScript.runOnTensorLists(manager, method, new PtNDArray[] {a})[0]);
    }
    // copy=true also when the dtype is unchanged: every result must be a new handle
    return run("cast", () -> a.toType(DjlTypes.toDjl(dtype), true));
  }

  // ---------------------------------------------------------------- in-place

  @Override
  public void assign(Tensor target, Tensor value) {
    TensorChecks.assign(target, value);
    PtNDArray dst = unwrap(target, "assign");
    PtNDArray src = unwrap(value, "assign");
    // index_put_ over "..." copies (NDArray.set(Buffer) would make the target alias the buffer);
    // the source is detached first so that the target never joins an autograd graph
    try (NDArray detached = src.stopGradient()) {
      dst.set(ALL, detached);
    } catch (EngineException e) {
      throw new IllegalArgumentException("assign failed in libtorch: " + e.getMessage(), e);
    }
  }
}
