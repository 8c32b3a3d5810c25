package io.q3tts.ports.in.models;

import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.model.NotFoundException;

/**
 * Use case: load a model now. If the resident limit is reached, the least recently used model is
 * evicted first; eviction waits for that model's in-flight work (bounded by the residency
 * policy's eviction timeout). Blocks until the model is loaded. Idempotent. Thread-safe.
 */
public interface LoadModelUseCase {

    /**
     * @param command the validated command, never null
     * @return the model, LOADED, never null
     * @throws NotFoundException (field {@code model}) if not installed
     * @throws ConflictException if the model to evict stayed busy past the eviction timeout
     * @throws ModelException if loading fails
     */
    ModelView loadModel(LoadModelCommand command);
}
