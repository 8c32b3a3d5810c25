package io.q3tts.ports.in.output;

/** Use case: one extra file of an output (a pipeline's per-step audio, manifest or zip). Thread-safe. */
public interface GetOutputFileUseCase {

    /**
     * @param outputId the id
     * @param relativePath one of {@link OutputView#files()}
     * @return the content, never null
     * @throws io.q3tts.ports.model.InvalidArgumentException if the id or path is malformed
     * @throws io.q3tts.ports.model.NotFoundException (field {@code output_id} or {@code file}) if absent
     */
    byte[] getOutputFile(String outputId, String relativePath);
}
