package dev.diffopt.conformance;

/** Placeholder while the suite is written. */
public abstract class BadInputSuite extends BackendSuite {}
