/**
 * The diffopt conformance kit: abstract JUnit 5 suites that every backend runs by extending
 * {@link dev.diffopt.conformance.ConformanceKit} once in its tests.
 */
module dev.diffopt.conformance {
  requires transitive dev.diffopt.api;
  requires transitive org.junit.jupiter.api;
  requires com.google.gson;

  exports dev.diffopt.conformance;
  exports dev.diffopt.conformance.reference;
  exports dev.diffopt.conformance.reference.optim;
  exports dev.diffopt.conformance.golden;

  opens dev.diffopt.conformance to org.junit.platform.commons;
  opens dev.diffopt.conformance.golden to org.junit.platform.commons;
}
