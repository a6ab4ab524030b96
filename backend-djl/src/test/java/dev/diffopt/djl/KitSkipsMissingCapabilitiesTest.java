package dev.diffopt.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.diffopt.Backends;
import dev.diffopt.autodiff.Autodiff;
import dev.diffopt.conformance.ConformanceKit;
import dev.diffopt.spi.Backend;
import dev.diffopt.spi.Capability;
import dev.diffopt.spi.UnsupportedCapabilityException;
import dev.diffopt.tensor.TensorOps;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The kit skips what a backend lacks, saying why, and still runs the rest: the real DJL backend
 * with {@code AUTODIFF}, {@code HIGHER_ORDER} and {@code FLOAT64} hidden goes through the whole kit.
 */
class KitSkipsMissingCapabilitiesTest {

  /** DJL with some capabilities hidden; autodiff() then fails as the SPI requires. */
  record MaskedBackend(Backend delegate, Set<Capability> hidden) implements Backend {
    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public Set<Capability> capabilities() {
      Set<Capability> c = EnumSet.noneOf(Capability.class);
      c.addAll(delegate.capabilities());
      c.removeAll(hidden);
      return c;
    }

    @Override
    public TensorOps ops() {
      return delegate.ops();
    }

    @Override
    public Autodiff autodiff() {
      if (hidden.contains(Capability.AUTODIFF)) {
        throw new UnsupportedCapabilityException(name(), Capability.AUTODIFF, "hidden by the test");
      }
      return delegate.autodiff();
    }

    @Override
    public java.util.Optional<dev.diffopt.spi.FusedUpdates> fusedUpdates() {
      return hidden.contains(Capability.FUSED_UPDATES)
          ? java.util.Optional.empty() : delegate.fusedUpdates();
    }

    @Override
    public void close() {}
  }

  /** The kit on the masked backend; run only through the engine test kit below. */
  static class MaskedKit extends ConformanceKit {
    @Override
    protected Backend createBackend() {
      return new MaskedBackend(
          Backends.get("djl"),
          EnumSet.of(Capability.AUTODIFF, Capability.HIGHER_ORDER, Capability.FLOAT64));
    }
  }

  @Test
  void suitesNeedingHiddenCapabilitiesAreSkippedWithTheReason() {
    EngineExecutionResults results =
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(MaskedKit.class)).execute();
    // a JUnit assumption that fails aborts the case; Surefire reports it as skipped
    List<Event> skipped = results.testEvents().aborted().list();
    assertEquals(0, results.testEvents().failed().count(), () -> "failures: "
        + results.testEvents().failed().list().stream().map(Event::toString)
            .collect(Collectors.joining("\n")));
    assertTrue(results.testEvents().succeeded().count() > 100, "the rest of the kit still runs");

    List<String> reasons = skipped.stream()
        .map(e -> e.getPayload(TestExecutionResult.class)
            .flatMap(TestExecutionResult::getThrowable).map(Throwable::getMessage).orElse(""))
        .toList();
    List<String> unexplained = reasons.stream()
        .filter(r -> !r.matches(".*skipped: backend 'djl' does not report "
            + "(AUTODIFF|HIGHER_ORDER|FLOAT64)$"))
        .toList();
    assertTrue(!reasons.isEmpty() && unexplained.isEmpty(),
        () -> "every skip must name the missing capability; these do not: " + unexplained);
    Set<String> names = skipped.stream()
        .map(e -> e.getTestDescriptor().getDisplayName())
        .collect(Collectors.toSet());
    assertTrue(names.stream().anyMatch(n -> n.startsWith("AD-MAML-01")), "autodiff is skipped");
    assertTrue(names.stream().anyMatch(n -> n.startsWith("MEM-01")), "double backward is skipped");
    assertTrue(names.stream().anyMatch(n -> n.startsWith("OPS-ADD-") && n.endsWith("float64")),
        "float64 op cases are skipped");
    assertTrue(results.testEvents().succeeded().list().stream()
        .anyMatch(e -> e.getTestDescriptor().getDisplayName().startsWith("SPI-04")),
        "SPI-04 checks that autodiff() refuses when AUTODIFF is missing");
  }
}
