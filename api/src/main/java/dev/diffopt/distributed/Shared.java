package dev.diffopt.distributed;

import java.io.Serializable;

/**
 * A value every worker reads, made available once per run instead of once per part: {@link
 * TaskRuntime#share}. Locally it is the value itself; on Spark a broadcast variable, fetched once
 * per executor.
 *
 * @param <V> the value's type
 */
public interface Shared<V> extends Serializable {
  /** The value (on a cluster, the executor's copy). */
  V get();

  /** Frees the workers' copies once no run needs the value; the default does nothing. */
  default void release() {}
}
