package io.q3tts.ports.model;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A cooperative cancellation flag shared by the caller (who {@linkplain #cancel() cancels}) and
 * the worker (who {@linkplain #throwIfCancelled() polls} between steps).
 *
 * <p>Workers that block inside a native call can also {@linkplain #onCancel(Runnable) register}
 * a callback that interrupts it (for example by terminating an inference run), so cancellation
 * does not have to wait for the next poll.
 *
 * <p>Thread-safe. Cancellation is one-way and idempotent.
 */
public final class CancellationToken {

    private static final CancellationToken NEVER = new CancellationToken(false);

    private final boolean cancellable;
    private volatile boolean cancelled;
    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();

    private CancellationToken(boolean cancellable) {
        this.cancellable = cancellable;
    }

    /** @return a new token that is not cancelled yet */
    public static CancellationToken create() {
        return new CancellationToken(true);
    }

    /** @return a shared token that can never be cancelled, for callers without a cancel path */
    public static CancellationToken none() {
        return NEVER;
    }

    /**
     * Requests cancellation and runs the registered callbacks once, on the calling thread.
     * A callback that throws does not stop the others.
     *
     * @throws IllegalStateException on {@link #none()}, which cannot be cancelled
     */
    public void cancel() {
        if (!cancellable) {
            throw new IllegalStateException("CancellationToken.none() cannot be cancelled");
        }
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
        }
        for (Runnable callback : callbacks) {
            try {
                callback.run();
            } catch (RuntimeException ignored) {
                // One failing hook must not keep the others from stopping their work.
            }
        }
        callbacks.clear();
    }

    /** @return whether {@link #cancel()} has been called */
    public boolean isCancelled() {
        return cancelled;
    }

    /** @throws CancelledException if this token has been cancelled */
    public void throwIfCancelled() {
        if (cancelled) {
            throw new CancelledException();
        }
    }

    /**
     * Registers a callback to run when the token is cancelled; runs it immediately if it already is.
     * Callbacks should be quick and must not block.
     *
     * @param callback never null
     * @return a handle that unregisters the callback when closed; close it once the guarded work is
     *     over so long-lived tokens do not accumulate callbacks
     */
    public Registration onCancel(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        if (!cancellable) {
            return () -> { };
        }
        boolean runNow;
        synchronized (this) {
            runNow = cancelled;
            if (!runNow) {
                callbacks.add(callback);
            }
        }
        if (runNow) {
            callback.run();
            return () -> { };
        }
        return () -> callbacks.remove(callback);
    }

    /** Unregisters a cancellation callback. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        /** Unregisters the callback; idempotent, never throws. */
        @Override
        void close();
    }
}
