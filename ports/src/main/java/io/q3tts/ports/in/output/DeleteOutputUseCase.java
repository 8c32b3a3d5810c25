package io.q3tts.ports.in.output;

import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.NotFoundException;

/** Use case: delete one output (its folder: audio, metadata, inputs). Thread-safe. */
public interface DeleteOutputUseCase {

    /**
     * @param outputId the id
     * @throws InvalidArgumentException (field {@code output_id}) if the id is malformed
     * @throws NotFoundException (field {@code output_id}) if there is no such output
     */
    void deleteOutput(String outputId);
}
