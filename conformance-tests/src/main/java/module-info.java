/**
 * The diffopt conformance kit: abstract JUnit 5 suites that every backend runs by extending
 * {@link dev.diffopt.conformance.ConformanceKit} once in its tests.
 */
module dev.diffopt.conformance {
  requires transitive dev.diffopt.api;
  requires transitive org.junit.jupiter.api;

  exports dev.diffopt.conformance;
  exports dev.diffopt.conformance.reference;
  exports dev.diffopt.conformance.reference.optim;

  opens dev.diffopt.conformance to org.junit.platform.commons;
}
