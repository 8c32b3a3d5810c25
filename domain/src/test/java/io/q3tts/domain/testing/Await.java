package io.q3tts.domain.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Bounded waits on explicit signals; the bound only turns a hang into a failure. */
public final class Await {

    private static final long LIMIT_SECONDS = 10;

    private Await() {
    }

    public static void latch(CountDownLatch latch) {
        try {
            if (!latch.await(LIMIT_SECONDS, TimeUnit.SECONDS)) {
                fail("latch not released within " + LIMIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    public static <T> T future(Future<T> f) {
        try {
            return f.get(LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Waits until another thread has reached a state that it signals only through shared state (no latch possible). */
    public static void until(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("condition not reached within " + LIMIT_SECONDS + " s");
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
