package dev.diffopt.conformance;

import dev.diffopt.spi.Backend;
import dev.diffopt.spi.Capability;
import dev.diffopt.tensor.Scope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of every suite of the kit: gives the backend under test and opens a {@link Scope} around
 * each test, so the tensors a test creates are freed when it ends.
 */
public abstract class BackendSuite {
  private Scope scope;

  /** The backend under test (shared across the tests of one kit subclass). */
  protected abstract Backend backend();

  @BeforeEach
  void openScope() {
    scope = backend().scope();
  }

  @AfterEach
  void closeScope() {
    if (scope != null) {
      scope.close();
    }
  }

  /** Skips the current test, with the reason, unless the backend has {@code capability}. */
  protected void require(Capability capability) {
    Assumptions.assumeTrue(
        backend().has(capability),
        () -> "skipped: backend '" + backend().name() + "' does not report " + capability);
  }
}
