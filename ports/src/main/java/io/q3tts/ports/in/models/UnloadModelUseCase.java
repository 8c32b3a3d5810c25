package io.q3tts.ports.in.models;

import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.NotFoundException;

/**
 * Use case: unload a model. New work on it waits (and reloads it afterwards); in-flight work is
 * allowed to finish first, bounded by the eviction timeout. Idempotent: unloading a model that is
 * not loaded returns it unchanged. Thread-safe.
 */
public interface UnloadModelUseCase {

    /**
     * @param command the validated command, never null
     * @return the model, AVAILABLE, never null
     * @throws NotFoundException (field {@code model}) if not installed
     * @throws ConflictException if its in-flight work did not finish within the eviction timeout
     */
    ModelView unloadModel(UnloadModelCommand command);
}
