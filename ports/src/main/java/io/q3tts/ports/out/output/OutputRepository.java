package io.q3tts.ports.out.output;

import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.StorageException;
import java.util.List;
import java.util.Optional;

/**
 * Driven port: the history of generated audio, one folder per run holding the audio
 * ({@code audio.wav}), the metadata JSON ({@code metadata.json}, the fields of {@link OutputRecord})
 * and any inputs of the run (a clone reference).
 *
 * <p>Implementations are thread-safe. All methods throw {@link StorageException} on I/O failure.
 */
public interface OutputRepository {

    /**
     * Starts recording a run: reserves an id and a (hidden) folder.
     *
     * @return the run; the caller closes it
     */
    OutputRun begin();

    /**
     * @param query paging and filter, never null
     * @return completed outputs, newest first; never null
     */
    List<OutputRecord> list(OutputQuery query);

    /**
     * @param outputId an id
     * @return the output's metadata, or empty
     */
    Optional<OutputRecord> find(String outputId);

    /**
     * @param outputId an id
     * @return the stored audio (WAV)
     * @throws NotFoundException (field {@code output_id}) if there is no such output
     */
    EncodedAudio readAudio(String outputId);

    /**
     * @param outputId an id
     * @param relativePath one of the record's {@link OutputRecord#files()}
     * @return the file's content
     * @throws NotFoundException (field {@code output_id} or {@code file}) if the output or the file does not exist
     */
    byte[] readFile(String outputId, String relativePath);

    /**
     * Deletes an output's folder.
     *
     * @param outputId an id
     * @return whether something was deleted
     */
    boolean delete(String outputId);
}
