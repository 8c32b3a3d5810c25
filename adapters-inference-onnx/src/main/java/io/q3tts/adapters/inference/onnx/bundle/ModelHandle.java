package io.q3tts.adapters.inference.onnx.bundle;

import io.q3tts.ports.model.ModelException;
import java.util.Objects;

/**
 * A usage-counted owner of a {@link Bundle}: work {@linkplain #acquire() acquires} a lease for its
 * duration, and {@link #close()} (unload) refuses new leases, waits until every running lease has
 * been released, then closes the bundle. Native memory is therefore never freed under a running
 * inference.
 *
 * <p>Thread-safe.
 */
public final class ModelHandle implements AutoCloseable {

    private final Bundle bundle;
    private int users;
    private boolean closing;

    /** @param bundle the bundle to own; closed by {@link #close()} */
    public ModelHandle(Bundle bundle) {
        this.bundle = Objects.requireNonNull(bundle, "bundle");
    }

    /** @return the manifest (no lease needed: it holds no native memory) */
    public Manifest manifest() {
        return bundle.manifest();
    }

    /**
     * Starts a piece of work on the model.
     *
     * @return a lease; close it when the work ends
     * @throws ModelException if the model is being or has been unloaded
     */
    public synchronized Lease acquire() {
        if (closing) {
            throw new ModelException("Model '" + bundle.manifest().name() + "' is being unloaded");
        }
        users++;
        return new Lease();
    }

    /** @return the number of leases currently held */
    public synchronized int users() {
        return users;
    }

    private synchronized void release() {
        users--;
        if (users == 0) {
            notifyAll();
        }
    }

    /**
     * Unloads: refuses new leases, waits for the held ones, closes the bundle. Idempotent. If the
     * waiting thread is interrupted it stops waiting, keeps the interrupt flag, and leaves the
     * bundle to the last lease, which closes it on release.
     */
    @Override
    public void close() {
        synchronized (this) {
            closing = true;
            while (users > 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        bundle.close();
    }

    /** Permission to use the bundle until {@link #close()}; not thread-safe, use from one task. */
    public final class Lease implements AutoCloseable {
        private boolean released;

        private Lease() { }

        /** @return the bundle, valid until this lease is closed */
        public Bundle bundle() {
            if (released) {
                throw new IllegalStateException("lease already released");
            }
            return bundle;
        }

        /** Releases the lease. Idempotent. */
        @Override
        public void close() {
            if (released) {
                return;
            }
            released = true;
            boolean lastAfterInterruptedUnload;
            synchronized (ModelHandle.this) {
                release();
                lastAfterInterruptedUnload = closing && users == 0;
            }
            if (lastAfterInterruptedUnload) {
                bundle.close();
            }
        }
    }
}
