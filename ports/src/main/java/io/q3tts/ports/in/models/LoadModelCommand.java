package io.q3tts.ports.in.models;

import io.q3tts.ports.model.Ids;

/**
 * Make a model resident now (rather than on first use).
 *
 * @param modelId the model, path-safe (field {@code model})
 */
public record LoadModelCommand(String modelId) {

    /** @throws io.q3tts.ports.model.InvalidArgumentException (field {@code model}) if malformed */
    public LoadModelCommand {
        Ids.requireSafe(modelId, "model");
    }
}
