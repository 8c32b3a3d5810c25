package io.q3tts.domain.testing;

import io.q3tts.ports.model.CancellationToken;
import java.util.concurrent.CountDownLatch;

/** A worker-side pause: the worker signals {@link #entered} and waits for {@link #open()} (or its token). */
public final class Gate {

    public final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch open = new CountDownLatch(1);

    /** Called by the worker: blocks until opened, or until the token fires when {@code honourCancel}. */
    public void pass(CancellationToken token, boolean honourCancel) {
        entered.countDown();
        try (CancellationToken.Registration _ = honourCancel ? token.onCancel(open::countDown) : () -> { }) {
            open.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (honourCancel) {
            token.throwIfCancelled();
        }
    }

    public void open() {
        open.countDown();
    }
}
