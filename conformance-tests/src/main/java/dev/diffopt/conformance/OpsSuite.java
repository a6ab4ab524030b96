package dev.diffopt.conformance;

/** Placeholder while the suite is written. */
public abstract class OpsSuite extends BackendSuite {}
