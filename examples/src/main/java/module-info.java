/** Runnable diffopt programs, and the MAML sinusoid pieces the benchmarks share. */
module dev.diffopt.examples {
  requires dev.diffopt.api;
  requires dev.diffopt.distributed.spark;
  requires java.desktop;

  exports dev.diffopt.examples;
}
