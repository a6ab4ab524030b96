package dev.diffopt.tensor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ScopeTest {
  /** A tensor that only records whether it was closed. */
  private static final class Handle implements Tensor {
    private boolean closed;

    static Handle create() {
      return Scope.adopt(new Handle());
    }

    @Override
    public Shape shape() {
      return Shape.scalar();
    }

    @Override
    public DType dtype() {
      return DType.FLOAT32;
    }

    @Override
    public TensorOps ops() {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isClosed() {
      return closed;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void closesWhatWasCreatedInside() {
    Handle a;
    try (Scope s = Scope.open()) {
      a = Handle.create();
      assertSame(s, Scope.current());
      assertFalse(a.isClosed());
    }
    assertTrue(a.isClosed());
    assertNull(Scope.current());
  }

  @Test
  void keepMovesEveryTensorOfATreeToTheParent() {
    Handle kept1;
    Handle kept2;
    Handle dropped;
    try (Scope outer = Scope.open()) {
      try (Scope inner = Scope.open()) {
        kept1 = Handle.create();
        kept2 = Handle.create();
        dropped = Handle.create();
        inner.keep(Map.of("a", List.of(kept1), "b", kept2));
      }
      assertTrue(dropped.isClosed());
      assertFalse(kept1.isClosed());
      assertFalse(kept2.isClosed());
      assertTrue(outer.size() == 2, "the parent owns the kept tensors");
    }
    assertTrue(kept1.isClosed() && kept2.isClosed());
  }

  @Test
  void keepAtTheOutermostScopeHandsOwnershipToTheCaller() {
    Handle h;
    try (Scope s = Scope.open()) {
      h = s.keep(Handle.create());
    }
    assertFalse(h.isClosed());
  }

  @Test
  void detachHandsOwnershipToTheCallerEvenInsideNestedScopes() {
    Handle h;
    try (Scope outer = Scope.open()) {
      try (Scope inner = Scope.open()) {
        h = inner.detach(Handle.create());
      }
      assertTrue(outer.size() == 0, "the parent does not receive a detached tensor");
    }
    assertFalse(h.isClosed());
  }

  @Test
  void outsideAnyScopeNothingIsClosed() {
    assertFalse(Handle.create().isClosed());
  }

  @Test
  void closingAnOuterScopeFirstIsAnError() {
    Scope outer = Scope.open();
    Scope inner = Scope.open();
    IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
    assertTrue(e.getMessage().contains("innermost first"), e.getMessage());
    inner.close();
    outer.close();
  }

  @Test
  void aScopeBelongsToItsThread() throws Exception {
    try (Scope s = Scope.open()) {
      AtomicReference<Throwable> error = new AtomicReference<>();
      Thread t = new Thread(() -> {
        try {
          s.keep(List.of());
        } catch (Throwable e) {
          error.set(e);
        }
      });
      t.start();
      t.join();
      assertTrue(error.get() instanceof IllegalStateException, String.valueOf(error.get()));
      assertTrue(error.get().getMessage().contains("belongs to thread"), error.get().getMessage());
    }
  }
}
