package dev.diffopt.djl.fused;

import ai.djl.pytorch.engine.PtNDArray;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Whether a libtorch tensor is contiguous, and a contiguous copy of one that is not. DJL does not
 * expose either; both are calls into its own JNI library ({@code torchIsContiguous}, {@code
 * torchToContiguous}), reached once by reflection. Needed because {@code toByteBuffer(true)} of a
 * non-contiguous array silently returns a view of a fresh contiguous <em>copy</em> (and leaks it),
 * so writing through it would not reach the tensor. When the reflective access fails (another DJL
 * version, a module that is not open) {@link #problem()} says why and no fused kernel runs.
 */
final class TorchLayout {
  private static final MethodHandle IS_CONTIGUOUS;
  private static final MethodHandle TO_CONTIGUOUS;
  private static final String PROBLEM;

  static {
    MethodHandle is = null;
    MethodHandle to = null;
    String problem = null;
    try {
      Class<?> lib = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
      Field field = lib.getDeclaredField("LIB");
      field.setAccessible(true);
      Object instance = field.get(null);
      Method isContiguous = lib.getDeclaredMethod("torchIsContiguous", long.class);
      isContiguous.setAccessible(true);
      Method toContiguous = lib.getDeclaredMethod("torchToContiguous", long.class);
      toContiguous.setAccessible(true);
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      is = lookup.unreflect(isContiguous).bindTo(instance)
          .asType(MethodType.methodType(boolean.class, long.class));
      to = lookup.unreflect(toContiguous).bindTo(instance)
          .asType(MethodType.methodType(long.class, long.class));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      problem = "cannot reach DJL's torchIsContiguous/torchToContiguous (" + e + ")";
    }
    IS_CONTIGUOUS = is;
    TO_CONTIGUOUS = to;
    PROBLEM = problem;
  }

  private TorchLayout() {}

  /** Why the layout cannot be queried, or null when it can. */
  static String problem() {
    return PROBLEM;
  }

  /** Whether {@code array}'s elements lie contiguously in row-major order in its storage. */
  static boolean isContiguous(PtNDArray array) {
    try {
      return (boolean) IS_CONTIGUOUS.invokeExact(handle(array));
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("torchIsContiguous failed", t);
    }
  }

  /** A new contiguous copy of {@code array} on its manager; the caller closes it. */
  static PtNDArray contiguousCopy(PtNDArray array) {
    long copy;
    try {
      copy = (long) TO_CONTIGUOUS.invokeExact(handle(array));
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("torchToContiguous failed", t);
    }
    return new PtNDArray(array.getManager(), copy);
  }

  private static long handle(PtNDArray array) {
    return array.getHandle();
  }
}
