package io.q3tts.domain.residency;

import io.q3tts.ports.out.catalog.LoadedModel;

/**
 * The right to use a resident model until {@link #close()}: while any lease is open the model is
 * never unloaded. Hold one lease at a time per thread and close it before acquiring another.
 *
 * <p>Not thread-safe; {@link #close()} is idempotent.
 */
public final class ModelLease implements AutoCloseable {

    private final ModelResidencyManager manager;
    private final ModelResidencyManager.Entry entry;
    private boolean closed;

    ModelLease(ModelResidencyManager manager, ModelResidencyManager.Entry entry) {
        this.manager = manager;
        this.entry = entry;
    }

    /** @return the model's id */
    public String modelId() {
        return entry.descriptor.id();
    }

    /**
     * @return the loaded model
     * @throws IllegalStateException after {@link #close()}
     */
    public LoadedModel model() {
        if (closed) {
            throw new IllegalStateException("lease on " + modelId() + " is closed");
        }
        return entry.model;
    }

    /** Releases the lease. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.release(entry);
        }
    }
}
