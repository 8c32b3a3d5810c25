package io.q3tts.ports.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CancellationTokenTest {

    @Test
    void givenCallbacks_whenCancelledTwice_thenEachRunsOnceAndFailuresAreIsolated() {
        CancellationToken token = CancellationToken.create();
        AtomicInteger runs = new AtomicInteger();
        token.onCancel(() -> {
            throw new IllegalStateException("boom");
        });
        token.onCancel(runs::incrementAndGet);
        CancellationToken.Registration removed = token.onCancel(runs::incrementAndGet);
        removed.close();
        token.throwIfCancelled();
        token.cancel();
        token.cancel();
        assertEquals(1, runs.get());
        assertTrue(token.isCancelled());
        CancelledException e = assertThrows(CancelledException.class, token::throwIfCancelled);
        assertEquals(ErrorType.CANCELLED, e.errorType());
        token.onCancel(runs::incrementAndGet);
        assertEquals(2, runs.get(), "a callback registered after cancellation runs at once");
    }

    @Test
    void givenNone_whenUsed_thenNeverCancelled() {
        CancellationToken none = CancellationToken.none();
        none.onCancel(() -> { }).close();
        assertFalse(none.isCancelled());
        assertThrows(IllegalStateException.class, none::cancel);
    }

    @Test
    void givenErrorTypes_whenThrown_thenEachSubclassCarriesItsType() {
        assertEquals(ErrorType.NOT_FOUND, new NotFoundException("x").errorType());
        assertEquals(ErrorType.UNSUPPORTED, new UnsupportedException("x").errorType());
        assertEquals(ErrorType.OVERLOADED, new OverloadedException("x").errorType());
        assertEquals(ErrorType.MODEL_ERROR, new ModelException("x", new RuntimeException()).errorType());
        assertEquals("speaker", new InvalidArgumentException("speaker", "x").field());
    }
}
