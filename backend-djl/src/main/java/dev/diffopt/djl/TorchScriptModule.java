package dev.diffopt.djl;

import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;

/**
 * A TorchScript module compiled from source shipped as a resource, whose methods run in
 * <em>training</em> mode so their results stay differentiable.
 *
 * <p>DJL's public {@code IValueUtils.runMethod} runs methods in inference mode, whose results carry
 * no autograd graph; the training-mode entry point of DJL's JNI library is not public, so it is
 * reached by reflection here, in this one place. {@link DjlBackend} runs a self-test through it when
 * it starts, so a DJL upgrade that breaks this route fails loudly at start-up, not with wrong
 * gradients.
 */
final class TorchScriptModule implements AutoCloseable {
  private static final Method RUN_METHOD;
  private static final Object LIBRARY;
  private static final Constructor<IValue> IVALUE;

  static {
    try {
      Class<?> lib = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
      Field field = lib.getDeclaredField("LIB");
      field.setAccessible(true);
      LIBRARY = field.get(null);
      RUN_METHOD =
          lib.getDeclaredMethod(
              "moduleRunMethod", long.class, String.class, long[].class, boolean.class,
              boolean.class);
      RUN_METHOD.setAccessible(true);
      IVALUE = IValue.class.getDeclaredConstructor(long.class);
      IVALUE.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new ExceptionInInitializerError(
          new IllegalStateException(
              "this DJL version does not expose PyTorchLibrary.moduleRunMethod(long, String, long[],"
                  + " boolean, boolean); diffopt-backend-djl needs DJL 0.36", e));
    }
  }

  private final PtSymbolBlock block;

  private TorchScriptModule(PtSymbolBlock block) {
    this.block = block;
  }

  /** Compiles the class {@code className} from the resource {@code resource} next to this class. */
  static TorchScriptModule load(PtNDManager manager, String className, String resource) {
    String source;
    try (InputStream in = TorchScriptModule.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource + " in diffopt-backend-djl");
      }
      source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] archive = TorchScriptArchive.of(className, source);
    try {
      return new TorchScriptModule(
          JniUtils.loadModule(manager, new ByteArrayInputStream(archive), true, false));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs {@code method} in training mode. The caller owns (and must close) both the arguments and
   * the result.
   */
  IValue run(String method, IValue... args) {
    long[] handles = new long[args.length];
    for (int i = 0; i < args.length; i++) {
      handles[i] = args[i].getHandle();
    }
    try {
      long result = (long) RUN_METHOD.invoke(LIBRARY, block.getHandle(), method, handles, true, false);
      return IVALUE.newInstance(result);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("TorchScript method " + method + " failed", cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot call TorchScript method " + method, e);
    }
  }

  /** Runs {@code method} on lists of tensors and returns its list of tensors. */
  PtNDArray[] runOnTensorLists(PtNDManager manager, String method, PtNDArray[]... lists) {
    IValue[] args = new IValue[lists.length];
    try {
      for (int i = 0; i < lists.length; i++) {
        args[i] = IValue.listFrom(lists[i]);
      }
      try (IValue result = run(method, args)) {
        return result.toTensorArray(manager);
      }
    } finally {
      for (IValue a : args) {
        if (a != null) {
          a.close();
        }
      }
    }
  }

  /** Runs {@code method} on a list of tensors and returns its list of booleans. */
  boolean[] runToBooleans(String method, PtNDArray[] tensors) {
    try (IValue arg = IValue.listFrom(tensors);
        IValue result = run(method, arg)) {
      return result.toBooleanArray();
    }
  }

  @Override
  public void close() {
    block.close();
  }
}
