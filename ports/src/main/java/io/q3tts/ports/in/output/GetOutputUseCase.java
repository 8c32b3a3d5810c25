package io.q3tts.ports.in.output;

import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.NotFoundException;

/** Use case: one output's metadata. Thread-safe. */
public interface GetOutputUseCase {

    /**
     * @param outputId the id
     * @return the output, never null
     * @throws InvalidArgumentException (field {@code output_id}) if the id is malformed
     * @throws NotFoundException (field {@code output_id}) if there is no such output
     */
    OutputView getOutput(String outputId);
}
