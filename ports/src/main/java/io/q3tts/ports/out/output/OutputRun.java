package io.q3tts.ports.out.output;

import io.q3tts.ports.model.EncodedAudio;
import java.nio.file.Path;

/**
 * One run being recorded: a folder that is invisible to {@link OutputRepository#list} until
 * {@link #complete} publishes it, and that {@link #close()} removes if it was never completed
 * (failed or cancelled runs leave nothing behind).
 *
 * <p>Not thread-safe: one job uses it from its worker thread. Use with try-with-resources.
 */
public interface OutputRun extends AutoCloseable {

    /** @return the id the output will have, path-safe, never null */
    String id();

    /**
     * Stores an input of the run (e.g. the uploaded clone reference, normalized to WAV) inside the
     * run folder, so the inference adapter can read it by path and the run stays reproducible.
     *
     * @param name a file name without folders, e.g. {@code "reference.wav"}
     * @param audio the content
     * @return the file's path, valid while the run and, after completion, the output exist
     */
    Path writeInput(String name, EncodedAudio audio);

    /**
     * Stores an extra file of the run (a pipeline's per-step audio, manifest, zip), published with
     * the output by {@link #complete}.
     *
     * @param relativePath path-safe segments separated by {@code /}, e.g. {@code parts/0001.wav};
     *     not {@code audio.wav} or {@code metadata.json}
     * @param content the bytes
     * @throws IllegalArgumentException if the path is unsafe or reserved
     */
    void writeFile(String relativePath, byte[] content);

    /**
     * Writes the audio and the metadata JSON and publishes the output. At most once.
     *
     * @param record the metadata; {@code record.id()} equals {@link #id()}
     * @param audio the generated audio, {@code AudioFormat.WAV}
     * @return the stored record
     * @throws IllegalStateException if already completed or closed
     */
    OutputRecord complete(OutputRecord record, EncodedAudio audio);

    /** Discards the folder unless {@link #complete} succeeded. Idempotent, never throws. */
    @Override
    void close();
}
