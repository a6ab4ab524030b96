/**
 * An example diffopt backend, {@code host}: every primitive on plain Java arrays, no native code,
 * no autodiff. It exists to be read: {@code docs/writing-a-backend.md} walks through it.
 */
module dev.diffopt.backend.example {
  requires transitive dev.diffopt.api;

  exports dev.diffopt.example;

  provides dev.diffopt.spi.BackendProvider with
      dev.diffopt.example.HostBackendProvider;
}
