/** Runnable diffopt programs. */
module dev.diffopt.examples {
  requires dev.diffopt.api;

  exports dev.diffopt.examples;
}
