package dev.diffopt.distributed;

import dev.diffopt.Backends;
import dev.diffopt.spi.Backend;
import dev.diffopt.tensor.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * The embedded {@link TaskRuntime}: {@code n} worker threads in this JVM, each with its own
 * backend instance created on first use ({@link Backends#create}, so e.g. two DJL backends with
 * one libtorch thread each, or one CUDA backend per GPU with per-worker options), and no
 * dependency beyond the api. Part {@code p} goes to worker
 * {@code p mod n}; each worker runs its parts in order, every part in its own {@link Scope}. The
 * parts' results are combined in task order on the calling thread, so with the same partition the
 * result is the same bit for bit however the threads interleave.
 *
 * <p>A part that throws fails the run with a {@link TaskFailedException} naming its tasks and the
 * worker; the parts not yet started are cancelled and no partial result is returned.
 */
public final class LocalRuntime implements TaskRuntime {
  private final int workers;
  private final String description;
  private final ExecutorService[] threads;
  private final Backend[] backends;
  private final IntFunction<Backend> factory;
  private volatile boolean closed;

  private LocalRuntime(int workers, String description, IntFunction<Backend> factory) {
    this.workers = workers;
    this.description = description;
    this.factory = factory;
    this.threads = new ExecutorService[workers];
    this.backends = new Backend[workers];
    for (int w = 0; w < workers; w++) {
      int index = w;
      threads[w] = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "diffopt-worker-" + index);
        t.setDaemon(true);
        return t;
      });
    }
  }

  /**
   * {@code workers} workers, each with a new instance of the named backend.
   *
   * @param workers at least 1
   * @param backend a backend name, e.g. {@code djl}
   * @param options the backend's options (e.g. {@code threads=1})
   * @throws IllegalArgumentException if {@code workers < 1} or the backend is unknown
   */
  public static LocalRuntime create(int workers, String backend, Map<String, String> options) {
    if (options == null) {
      throw new NullPointerException("options is null");
    }
    Map<String, String> copy = Map.copyOf(options);
    return create(workers, backend, worker -> copy);
  }

  /**
   * {@code workers} workers whose backends get options of their own, e.g. one GPU each: {@code
   * create(4, "cuda", w -> Map.of("device", String.valueOf(w)))}.
   *
   * @param workers at least 1
   * @param backend a backend name
   * @param optionsOf the options of worker {@code w} (0-based), called once per worker
   * @throws IllegalArgumentException if {@code workers < 1} or the backend is unknown
   */
  public static LocalRuntime create(int workers, String backend,
      IntFunction<Map<String, String>> optionsOf) {
    if (workers < 1) {
      throw new IllegalArgumentException("a local runtime needs workers >= 1, got " + workers);
    }
    if (backend == null || optionsOf == null) {
      throw new NullPointerException("backend and optionsOf must not be null");
    }
    Backends.registry().providers().stream()
        .filter(p -> p.name().equalsIgnoreCase(backend)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown diffopt backend '" + backend
            + "'. Installed:" + Backends.registry().describeInstalled()));
    return new LocalRuntime(workers, backend,
        worker -> Backends.create(backend, Map.copyOf(optionsOf.apply(worker))));
  }

  @Override
  public int workers() {
    return workers;
  }

  private Backend backend(int worker) {
    if (backends[worker] == null) {
      backends[worker] = factory.apply(worker);
    }
    return backends[worker];
  }

  private String name(int worker) {
    return "local worker " + worker + " (" + description + ")";
  }

  @Override
  public <T, R> R run(List<T> tasks, Partitioner partitioner, PartFunction<T, R> fn,
      Reducer<R> reducer) {
    if (closed) {
      throw new IllegalStateException("the local runtime is closed");
    }
    if (tasks == null || partitioner == null || fn == null || reducer == null) {
      throw new NullPointerException("tasks, partitioner, fn and reducer must not be null");
    }
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("no tasks to run");
    }
    List<T> snapshot = List.copyOf(tasks);
    List<int[]> parts = Partitioners.validate(partitioner.split(snapshot.size(), workers),
        snapshot.size());
    List<Future<R>> results = new ArrayList<>(parts.size());
    for (int p = 0; p < parts.size(); p++) {
      int worker = p % workers;
      int[] indices = parts.get(p);
      List<T> part = new ArrayList<>(indices.length);
      for (int i : indices) {
        part.add(snapshot.get(i));
      }
      results.add(threads[worker].submit(() -> {
        try (Scope scope = Scope.open()) {
          return fn.apply(backend(worker), List.copyOf(part));
        }
      }));
    }
    R total = null;
    try {
      for (int p = 0; p < parts.size(); p++) {
        R r;
        try {
          r = results.get(p).get();
        } catch (ExecutionException e) {
          throw new TaskFailedException(parts.get(p), snapshot.size(), name(p % workers),
              e.getCause());
        }
        if (r == null) {
          throw new TaskFailedException(parts.get(p), snapshot.size(), name(p % workers),
              new NullPointerException("the part function returned null"));
        }
        total = total == null ? r : reducer.combine(total, r);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the workers", e);
    } finally {
      for (Future<R> f : results) {
        f.cancel(false);
      }
    }
    return reducer.finish(total, snapshot.size());
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (int w = 0; w < workers; w++) {
      int index = w;
      try {
        threads[w].submit(() -> {
          if (backends[index] != null) {
            backends[index].close();
          }
        }).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        // closing a backend that failed to start: nothing more to free
      }
      threads[w].shutdown();
    }
  }

  @Override
  public String toString() {
    return "LocalRuntime(" + workers + " workers, " + description + ")";
  }
}
