/**
 * The TensorFlow Java diffopt backend: TensorFlow 2.18 through TensorFlow Java 1.1.0, CPU natives
 * from Maven Central. Functions are traced into TensorFlow graphs and re-run with feeds; higher
 * order gradients use the graph gradient machinery with the missing second-order rules registered
 * through one dispatching adapter. {@code dev.diffopt.tensorflow.GraphMinimizer} trains the
 * variables of an ordinary TensorFlow Java graph with any diffopt transformation.
 */
module dev.diffopt.backend.tensorflow {
  requires transitive dev.diffopt.api;
  requires transitive tensorflow;
  requires tensorflow.nativelib;
  requires org.tensorflow.ndarray;
  requires com.sun.jna;

  exports dev.diffopt.tensorflow;

  provides dev.diffopt.spi.BackendProvider with
      dev.diffopt.tensorflow.TfBackendProvider;
}
