package io.q3tts.ports.in.models;

import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.NotFoundException;

/** Use case: one installed model. Thread-safe. */
public interface GetModelUseCase {

    /**
     * @param modelId the id
     * @return the model, never null
     * @throws InvalidArgumentException (field {@code model}) if malformed
     * @throws NotFoundException (field {@code model}) if not installed
     */
    ModelView getModel(String modelId);
}
