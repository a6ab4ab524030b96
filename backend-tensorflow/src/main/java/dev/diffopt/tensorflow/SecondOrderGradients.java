package dev.diffopt.tensorflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.internal.c_api.TFJ_GradFuncAdapter;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.op.RawCustomGradient;

/**
 * The gradients TensorFlow's C++ registry lacks: the gradients of the first-order gradient ops
 * ({@code TanhGrad}, {@code ReluGrad}, ...), needed for second order, and a few first-order
 * ones. The rules follow TensorFlow's Python {@code *_grad.py}.
 *
 * <p>Every op type is registered with <em>one</em> native callback, a dispatching adapter that
 * looks the rule up by the op's type: each JavaCPP callback object takes one of a handful of
 * native thunks, and {@code TensorFlow.registerCustomGradient} spends one per op type, so the
 * eleventh registration crashes the JVM when first used. Registration happens once per process
 * ({@link #registerOnce}), under a lock, and skips types that already have a gradient.
 *
 * <p>A rule that fails inside the native callback cannot throw through TensorFlow's C++ code:
 * the failure is kept for the thread and rethrown by {@link #rethrowPending} after {@code
 * addGradients} returns, and the rule returns zeros meanwhile.
 *
 * <p>A rule must not read static shapes ({@code Output.shape()}): {@code addGradients} holds the
 * graph's native lock while it calls the rules, and {@code TF_GraphGetTensorNumDims} takes that
 * lock again, so the thread deadlocks. Rules get shapes from {@code Shape} ops instead.
 */
final class SecondOrderGradients {
  /** The gradient of an op with respect to each of its inputs. */
  interface Rule {
    Output<?>[] apply(GraphBuilder b, GraphOperation op, List<Output<?>> gradsOfOutputs);
  }

  private static final Map<String, Rule> RULES = new TreeMap<>();
  private static final ThreadLocal<RuntimeException> PENDING = new ThreadLocal<>();
  /** The one native callback, strongly held for the life of the process. */
  private static TFJ_GradFuncAdapter adapter;
  private static List<String> registered = List.of();

  static {
    RULES.put("OnesLike", (b, op, g) -> new Output<?>[] {zeros(b, op.output(0))});
    RULES.put("TanhGrad", (b, op, g) -> {
      // TanhGrad(y, dy) = dy (1 - y²): d/dy = -2 y dy, d/d(dy) = 1 - y²
      Output<?> y = op.input(0);
      Output<?> dy = op.input(1);
      Output<?> gy = b.op("Mul", g.get(0), b.op("Mul", dy, b.op("Mul", y, constLike(b, -2, y))));
      return new Output<?>[] {gy, b.op("TanhGrad", y, g.get(0))};
    });
    RULES.put("SigmoidGrad", (b, op, g) -> {
      // SigmoidGrad(y, dy) = dy y (1 - y): d/dy = dy (1 - 2y), d/d(dy) = y (1 - y)
      Output<?> y = op.input(0);
      Output<?> dy = op.input(1);
      Output<?> oneMinus2y = b.op("Sub", constLike(b, 1, y), b.op("Mul", constLike(b, 2, y), y));
      Output<?> gy = b.op("Mul", g.get(0), b.op("Mul", dy, oneMinus2y));
      return new Output<?>[] {gy, b.op("SigmoidGrad", y, g.get(0))};
    });
    RULES.put("ReluGrad", (b, op, g) -> new Output<?>[] {
        // ReluGrad(dy, x) = dy [x > 0]: linear in dy, piecewise constant in x
        b.op("ReluGrad", g.get(0), op.input(1)), zeros(b, op.input(1))});
    RULES.put("SqrtGrad", (b, op, g) -> {
      // SqrtGrad(y, dy) = dy / (2y): d/dy = -dy / (2y²), d/d(dy) = 1 / (2y)
      Output<?> y = op.input(0);
      Output<?> dy = op.input(1);
      Output<?> half = b.op("RealDiv", g.get(0), b.op("Mul", constLike(b, 2, y), y));
      return new Output<?>[] {b.op("Neg", b.op("RealDiv", b.op("Mul", half, dy), y)), half};
    });
    RULES.put("RsqrtGrad", (b, op, g) -> {
      // RsqrtGrad(y, dy) = -dy y³ / 2: d/dy = -3 dy y² / 2, d/d(dy) = -y³ / 2
      Output<?> y = op.input(0);
      Output<?> dy = op.input(1);
      Output<?> y2 = b.op("Mul", y, y);
      Output<?> gy = b.op("Mul", g.get(0), b.op("Mul", constLike(b, -1.5, y), b.op("Mul", dy, y2)));
      Output<?> gdy = b.op("Mul", g.get(0), b.op("Mul", constLike(b, -0.5, y), b.op("Mul", y2, y)));
      return new Output<?>[] {gy, gdy};
    });
    RULES.put("ReciprocalGrad", (b, op, g) -> {
      // ReciprocalGrad(y, dy) = -dy y²: d/dy = -2 dy y, d/d(dy) = -y²
      Output<?> y = op.input(0);
      Output<?> dy = op.input(1);
      Output<?> gy = b.op("Mul", g.get(0), b.op("Mul", constLike(b, -2, y), b.op("Mul", dy, y)));
      Output<?> gdy = b.op("Neg", b.op("Mul", g.get(0), b.op("Mul", y, y)));
      return new Output<?>[] {gy, gdy};
    });
    RULES.put("SoftplusGrad", (b, op, g) -> {
      // SoftplusGrad(dy, x) = dy σ(x): d/d(dy) = σ(x), d/dx = dy σ(x) (1 - σ(x))
      Output<?> dy = op.input(0);
      Output<?> x = op.input(1);
      Output<?> s = b.op("Sigmoid", x);
      Output<?> gx = b.op("Mul", g.get(0),
          b.op("Mul", dy, b.op("Mul", s, b.op("Sub", constLike(b, 1, x), s))));
      return new Output<?>[] {b.op("SoftplusGrad", g.get(0), x), gx};
    });
    RULES.put("EluGrad", (b, op, g) -> {
      // EluGrad(dy, y) = dy (y > 0 ? 1 : y + 1): d/d(dy) = EluGrad(g, y), d/dy = [y < 0] g dy
      Output<?> dy = op.input(0);
      Output<?> y = op.input(1);
      Output<?> negative = b.op("Less", y, constLike(b, 0, y));
      Output<?> gy = b.op("SelectV2", negative, b.op("Mul", g.get(0), dy), zeros(b, y));
      return new Output<?>[] {b.op("EluGrad", g.get(0), y), gy};
    });
    RULES.put("BiasAddGrad", (b, op, g) -> {
      // BiasAddGrad sums dy over every axis but the channel axis: its gradient broadcasts g back
      // along that axis, which is BiasAdd(0, g) in the same data format (rank-agnostic, and no
      // static shape is read: see the class comment)
      Output<?> dy = op.input(0);
      String format = op.attributes().getAttrString("data_format");
      return new Output<?>[] {
          b.op("BiasAdd", x -> x.setAttr("data_format", format), zeros(b, dy), g.get(0))};
    });
    RULES.put("MaxPoolGrad", (b, op, g) -> new Output<?>[] {
        zeros(b, op.input(0)), zeros(b, op.input(1)),
        b.op("MaxPoolGradGrad", x -> copyPoolAttrs(x, op, true), op.input(0), op.input(1),
            g.get(0))});
    RULES.put("MaxPoolGradV2", (b, op, g) -> new Output<?>[] {
        zeros(b, op.input(0)), zeros(b, op.input(1)),
        b.op("MaxPoolGradGradV2", x -> copyPoolAttrs(x, op, false), op.input(0), op.input(1),
            g.get(0), op.input(3), op.input(4)),
        zeros(b, op.input(3)), zeros(b, op.input(4))});
    RULES.put("AvgPoolGrad", (b, op, g) -> new Output<?>[] {
        zeros(b, op.input(0)),
        b.op("AvgPool", x -> copyPoolAttrs(x, op, true), g.get(0))});
    RULES.put("Conv2DBackpropFilter", (b, op, g) -> new Output<?>[] {
        b.op("Conv2DBackpropInput", x -> copyConvAttrs(x, op), b.op("Shape", op.input(0)),
            g.get(0), op.input(2)),
        zeros(b, op.input(1)),
        b.op("Conv2D", x -> copyConvAttrs(x, op), op.input(0), g.get(0))});
    RULES.put("StridedSliceGrad", (b, op, g) -> new Output<?>[] {
        zeros(b, op.input(0)), zeros(b, op.input(1)), zeros(b, op.input(2)),
        zeros(b, op.input(3)),
        b.op("StridedSlice", x -> copySliceAttrs(x, op), g.get(0), op.input(1), op.input(2),
            op.input(3))});
    RULES.put("SparseSoftmaxCrossEntropyWithLogits", (b, op, g) -> {
      // loss_i = logsumexp(x_i) - x_i[label_i]: d loss_i / d x_i = softmax(x_i) - onehot(label_i),
      // rebuilt from differentiable ops so that it can be differentiated again
      Output<?> logits = op.input(0);
      Output<?> labels = op.input(1);
      // the class count from the Shape op: logits.shape() would deadlock, see the class comment
      Output<?> classes = b.op("StridedSlice", x -> x.setAttr("shrink_axis_mask", 1L),
          b.op("Shape", logits), b.int32s(-1), b.int32s(0), b.int32s(1));
      Output<?> oneHot = b.op("OneHot", x -> x.setAttr("axis", -1L), labels, classes,
          constLike(b, 1, logits), constLike(b, 0, logits));
      Output<?> probabilities = b.op("Softmax", logits);
      Output<?> column = b.op("ExpandDims", g.get(0), b.int32s(-1));
      Output<?> gLogits = b.op("Mul", column, b.op("Sub", probabilities, oneHot));
      // output 1, the backprop softmax - onehot, when it is used: its vector-Jacobian product is
      // p (G - sum(G p, -1)); an unused output arrives as ZerosLike
      Output<?> gradBackprop = g.size() > 1 ? g.get(1) : null;
      if (gradBackprop != null && !gradBackprop.op().type().equals("ZerosLike")) {
        Output<?> dot = b.op("Sum", x -> x.setAttr("keep_dims", true),
            b.op("Mul", gradBackprop, probabilities), b.int32s(-1));
        gLogits = b.op("Add", gLogits,
            b.op("Mul", probabilities, b.op("Sub", gradBackprop, dot)));
      }
      return new Output<?>[] {gLogits, zeros(b, labels)};
    });
  }

  private SecondOrderGradients() {}

  private static org.tensorflow.OperationBuilder copyPoolAttrs(
      org.tensorflow.OperationBuilder x, GraphOperation op, boolean withWindow) {
    org.tensorflow.OperationAttributeInspector a = op.attributes();
    if (withWindow) {
      x.setAttr("ksize", a.getAttrIntList("ksize")).setAttr("strides", a.getAttrIntList("strides"));
    }
    return x.setAttr("padding", a.getAttrString("padding"))
        .setAttr("data_format", a.getAttrString("data_format"));
  }

  private static org.tensorflow.OperationBuilder copyConvAttrs(
      org.tensorflow.OperationBuilder x, GraphOperation op) {
    org.tensorflow.OperationAttributeInspector a = op.attributes();
    return x.setAttr("strides", a.getAttrIntList("strides"))
        .setAttr("padding", a.getAttrString("padding"))
        .setAttr("data_format", a.getAttrString("data_format"))
        .setAttr("dilations", a.getAttrIntList("dilations"))
        .setAttr("use_cudnn_on_gpu", a.getAttrBool("use_cudnn_on_gpu"))
        .setAttr("explicit_paddings", a.getAttrIntList("explicit_paddings"));
  }

  private static org.tensorflow.OperationBuilder copySliceAttrs(
      org.tensorflow.OperationBuilder x, GraphOperation op) {
    org.tensorflow.OperationAttributeInspector a = op.attributes();
    for (String mask : new String[] {"begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask",
        "shrink_axis_mask"}) {
      x.setAttr(mask, a.getAttrInt(mask));
    }
    return x;
  }

  private static Output<?> zeros(GraphBuilder b, Output<?> like) {
    return b.op("ZerosLike", like);
  }

  /** A scalar constant with {@code like}'s dtype. */
  private static Output<?> constLike(GraphBuilder b, double value, Output<?> like) {
    return b.scalar(value, TfTypes.dtype(like.dataType()));
  }

  /**
   * Registers every rule whose op type has no gradient yet, through one native callback; later
   * calls do nothing.
   *
   * @return the op types registered by this process
   */
  static synchronized List<String> registerOnce() {
    if (adapter == null) {
      NativeLogging.quiet();
      adapter = RawCustomGradient.adapter(SecondOrderGradients::dispatch);
      List<String> done = new ArrayList<>();
      for (String type : RULES.keySet()) {
        if (!tensorflow.TFJ_HasGradient(type) && tensorflow.TFJ_RegisterCustomGradient(type, adapter)) {
          done.add(type);
        }
      }
      registered = List.copyOf(done);
    }
    return registered;
  }

  /** The op types this class has rules for. */
  static List<String> ruleTypes() {
    return List.copyOf(RULES.keySet());
  }

  private static List<Operand<?>> dispatch(
      org.tensorflow.op.Ops tf, GraphOperation op, List<Output<?>> gradsOfOutputs) {
    GraphBuilder b = new GraphBuilder((Graph) tf.scope().env(), tf.scope());
    List<Operand<?>> out = new ArrayList<>();
    try {
      Rule rule = RULES.get(op.type());
      if (rule == null) {
        throw new IllegalStateException("no diffopt gradient rule for op type " + op.type());
      }
      Output<?>[] grads = rule.apply(b, op, gradsOfOutputs);
      for (Output<?> g : grads) {
        out.add(g);
      }
    } catch (RuntimeException e) {
      PENDING.set(new IllegalStateException(
          "the gradient rule for " + op.type() + " (" + op.name() + ") failed: " + e.getMessage(),
          e));
      out.clear();
      for (int i = 0; i < op.numInputs(); i++) {
        out.add(b.op("ZerosLike", op.input(i)));
      }
    }
    return out;
  }

  /** Throws, once, the failure of a rule that ran on this thread since the last call. */
  static void rethrowPending() {
    RuntimeException e = PENDING.get();
    if (e != null) {
      PENDING.remove();
      throw e;
    }
  }
}
