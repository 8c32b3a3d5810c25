package io.q3tts.ports.in.output;

import io.q3tts.ports.model.ModelTask;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One generated audio in the output history, as driving adapters show it.
 *
 * @param id the output id, never null
 * @param jobId the job that produced it, never null
 * @param task the generation task, never null
 * @param modelId the model used, never null
 * @param randomWeights whether that model has random weights (the audio is noise); UIs must say so
 * @param text the spoken text, never null
 * @param language the language key used, never null
 * @param speaker the preset speaker, or null
 * @param instruct the instruct or voice description, or null
 * @param voiceId the saved voice cloned, or null
 * @param parameters the effective generation settings, never null
 * @param sampleRate samples per second
 * @param durationSeconds audio length
 * @param frames generated codec frames
 * @param finishReason {@code END_OF_SPEECH} or {@code MAX_NEW_TOKENS} (the audio may be cut off)
 * @param createdAt when it was made, never null
 * @param elapsed generation time, never null
 * @param pipeline the pipeline that produced it (plugin id), or null
 * @param files extra files of the run (relative paths), never null
 */
public record OutputView(
        String id,
        String jobId,
        ModelTask task,
        String modelId,
        boolean randomWeights,
        String text,
        String language,
        String speaker,
        String instruct,
        String voiceId,
        Map<String, String> parameters,
        int sampleRate,
        double durationSeconds,
        int frames,
        String finishReason,
        Instant createdAt,
        Duration elapsed,
        String pipeline,
        List<String> files) {

    /** @throws NullPointerException if a required field is null */
    public OutputView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(language, "language");
        parameters = Map.copyOf(Objects.requireNonNull(parameters, "parameters"));
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(elapsed, "elapsed");
        files = List.copyOf(Objects.requireNonNull(files, "files"));
    }

    /** A single synthesis's output: no pipeline, no extra files; the other fields as in the canonical constructor. */
    public OutputView(String id, String jobId, ModelTask task, String modelId, boolean randomWeights, String text,
                      String language, String speaker, String instruct, String voiceId, Map<String, String> parameters,
                      int sampleRate, double durationSeconds, int frames, String finishReason, Instant createdAt,
                      Duration elapsed) {
        this(id, jobId, task, modelId, randomWeights, text, language, speaker, instruct, voiceId, parameters, sampleRate,
                durationSeconds, frames, finishReason, createdAt, elapsed, null, List.of());
    }
}
