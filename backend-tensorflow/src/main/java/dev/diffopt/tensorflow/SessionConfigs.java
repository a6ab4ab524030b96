package dev.diffopt.tensorflow;

import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;

/**
 * Session settings: a pinned number of intra-op threads, one inter-op thread, and TensorFlow's
 * graph optimizer (Grappler) off. Measured on the meta-step benchmark (25 tasks × 5 unrolled
 * steps): Grappler made the first run 17 s instead of 3.6 s and the later runs slower (55 ms
 * instead of 48 ms), and its arithmetic rewrites and constant folding change rounding, so staged
 * numbers would no longer equal eager ones bit for bit.
 */
final class SessionConfigs {
  private SessionConfigs() {}

  static ConfigProto of(int threads) {
    return ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(threads)
        .setInterOpParallelismThreads(1)
        .setAllowSoftPlacement(true)
        .setGraphOptions(GraphOptions.newBuilder()
            .setRewriteOptions(RewriterConfig.newBuilder().setDisableMetaOptimizer(true)))
        .build();
  }
}
