package dev.diffopt.tensorflow;

import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;

/**
 * Session settings: a pinned number of intra-op and inter-op threads, and whether TensorFlow's
 * graph optimizer (Grappler) runs. Grappler pays for itself on a staged function that runs many
 * times and not on a graph that runs once or holds one operation; its passes that change rounding
 * stay off.
 */
final class SessionConfigs {
  private SessionConfigs() {}

  static ConfigProto of(int threads, boolean optimize) {
    ConfigProto.Builder b = ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(threads)
        .setInterOpParallelismThreads(1)
        .setAllowSoftPlacement(true);
    RewriterConfig.Builder rewrites = optimize
        // no rewrite that changes rounding: the staged numbers must equal the eager ones bit for
        // bit (the arithmetic optimizer reorders sums and products, constant folding pushes
        // constants through products, the remapper fuses ops)
        ? RewriterConfig.newBuilder()
            .setArithmeticOptimization(RewriterConfig.Toggle.OFF)
            .setConstantFolding(RewriterConfig.Toggle.OFF)
            .setRemapping(RewriterConfig.Toggle.OFF)
        : RewriterConfig.newBuilder().setDisableMetaOptimizer(true);
    b.setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(rewrites));
    return b.build();
  }
}
