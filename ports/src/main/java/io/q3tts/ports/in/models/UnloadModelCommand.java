package io.q3tts.ports.in.models;

import io.q3tts.ports.model.Ids;

/**
 * Free a model's memory.
 *
 * @param modelId the model, path-safe (field {@code model})
 */
public record UnloadModelCommand(String modelId) {

    /** @throws io.q3tts.ports.model.InvalidArgumentException (field {@code model}) if malformed */
    public UnloadModelCommand {
        Ids.requireSafe(modelId, "model");
    }
}
