package dev.diffopt.spi;

/** Thrown when a feature is used on a backend that does not have the {@link Capability} it needs. */
public final class UnsupportedCapabilityException extends UnsupportedOperationException {
  private static final long serialVersionUID = 1L;

  private final transient Capability capability;

  /** A backend named {@code backend} lacks {@code capability}. */
  public UnsupportedCapabilityException(String backend, Capability capability, String hint) {
    super("backend '" + backend + "' does not support " + capability
        + (hint == null || hint.isEmpty() ? "" : ": " + hint));
    this.capability = capability;
  }

  /** The missing capability. */
  public Capability capability() {
    return capability;
  }
}
