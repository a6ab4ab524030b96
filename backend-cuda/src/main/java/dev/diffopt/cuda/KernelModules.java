package dev.diffopt.cuda;

import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;

/**
 * The kernels this backend ships as PTX resources ({@code dev/diffopt/cuda/NAME.ptx}, compiled from
 * {@code src/main/cuda/NAME.cu}), loaded into the device's context on first use (the driver
 * JIT-compiles PTX for the device) and looked up by name once.
 */
final class KernelModules implements AutoCloseable {
  /** The PTX resources, by module name. */
  static final String[] MODULES = {"ops", "fused"};

  private final CudaDevice device;
  private final Map<String, CUmodule> modules = new HashMap<>();
  private final Map<String, CUfunction> functions = new HashMap<>();

  KernelModules(CudaDevice device) {
    this.device = device;
  }

  /** The resource path of module {@code name}. */
  static String resource(String name) {
    return "/dev/diffopt/cuda/" + name + ".ptx";
  }

  /** The PTX text of module {@code name}. */
  static byte[] ptx(String name) {
    try (InputStream in = KernelModules.class.getResourceAsStream(resource(name))) {
      if (in == null) {
        throw new IllegalStateException("the kernel module " + resource(name)
            + " is missing from the diffopt-backend-cuda jar");
      }
      byte[] text = in.readAllBytes();
      byte[] terminated = new byte[text.length + 1];
      System.arraycopy(text, 0, terminated, 0, text.length);
      return terminated;
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + resource(name), e);
    }
  }

  synchronized CUfunction function(String module, String kernel) {
    String key = module + "/" + kernel;
    CUfunction f = functions.get(key);
    if (f != null) {
      return f;
    }
    CUmodule m = modules.get(module);
    if (m == null) {
      m = new CUmodule();
      device.makeCurrent();
      CudaCalls.check(cuModuleLoadData(m, ptx(module)), "cuModuleLoadData(" + module + ".ptx)");
      modules.put(module, m);
    }
    f = new CUfunction();
    CudaCalls.check(cuModuleGetFunction(f, m, kernel), "cuModuleGetFunction(" + key + ")");
    functions.put(key, f);
    return f;
  }

  @Override
  public synchronized void close() {
    for (CUmodule m : modules.values()) {
      cuModuleUnload(m);
    }
    modules.clear();
    functions.clear();
  }
}
