package io.q3tts.ports.out.output;

import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.ModelTask;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The metadata of one finished run, stored as the run folder's metadata JSON next to its audio.
 *
 * @param id path-safe id assigned by {@link OutputRepository#begin()} (for the file-system adapter,
 *     the folder name, e.g. {@code 20260101-120000-7f3a}); sorts by creation time
 * @param jobId the job that produced it, never null
 * @param task the generation task, never null
 * @param modelId the model that generated it, never null
 * @param randomWeights whether that model has random weights (the audio is noise)
 * @param text the spoken text, never null
 * @param language the language key used, never null
 * @param speaker the preset speaker ({@link ModelTask#CUSTOM_VOICE}), else null
 * @param instruct the instruct / voice description, else null
 * @param voiceId the saved voice cloned ({@link ModelTask#VOICE_CLONE} with a saved voice), else null
 * @param parameters the effective generation settings as strings (e.g. {@code temperature -> 0.9},
 *     {@code seed -> 42}), never null; for reproducing the run
 * @param sampleRate audio samples per second, &gt; 0
 * @param durationSeconds audio length, &gt;= 0
 * @param frames generated codec frames, &gt;= 0
 * @param finishReason {@code END_OF_SPEECH} or {@code MAX_NEW_TOKENS}, never null
 * @param createdAt when the run finished, never null
 * @param elapsed how long generation took, never null
 * @param pipeline the pipeline that produced the run (plugin id), or null for a single synthesis
 * @param files the run's extra files beside the audio (relative paths such as {@code parts/0001.wav}),
 *     in listing order; empty for a single synthesis, never null
 */
public record OutputRecord(
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

    /** @throws IllegalArgumentException on a missing or out-of-range field */
    public OutputRecord {
        if (!Ids.isSafe(id)) {
            throw new IllegalArgumentException("output id must be path-safe: " + id);
        }
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(language, "language");
        parameters = Map.copyOf(Objects.requireNonNull(parameters, "parameters"));
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be positive: " + sampleRate);
        }
        if (!(durationSeconds >= 0) || frames < 0) {
            throw new IllegalArgumentException("durationSeconds and frames must not be negative");
        }
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(elapsed, "elapsed");
        files = List.copyOf(Objects.requireNonNull(files, "files"));
    }

    /** A single synthesis's record: no pipeline, no extra files; the other fields as in the canonical constructor. */
    public OutputRecord(String id, String jobId, ModelTask task, String modelId, boolean randomWeights, String text,
                        String language, String speaker, String instruct, String voiceId, Map<String, String> parameters,
                        int sampleRate, double durationSeconds, int frames, String finishReason, Instant createdAt,
                        Duration elapsed) {
        this(id, jobId, task, modelId, randomWeights, text, language, speaker, instruct, voiceId, parameters, sampleRate,
                durationSeconds, frames, finishReason, createdAt, elapsed, null, List.of());
    }

    /**
     * @param pipelineId the producing pipeline
     * @param fileNames the extra files
     * @return this record with those set
     */
    public OutputRecord withPipeline(String pipelineId, List<String> fileNames) {
        return new OutputRecord(id, jobId, task, modelId, randomWeights, text, language, speaker, instruct, voiceId,
                parameters, sampleRate, durationSeconds, frames, finishReason, createdAt, elapsed, pipelineId, fileNames);
    }
}
