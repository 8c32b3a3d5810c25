package io.q3tts.ports.out.job;

import io.q3tts.ports.model.ErrorType;
import java.time.Instant;
import java.util.Objects;

/**
 * One asynchronous job as kept on disk: enough to show it after a restart and to send it again.
 * Plain values only (the driven ports do not depend on the driving ports' types).
 *
 * @param id the job's id (path-safe)
 * @param kind its kind, a {@code JobKind} name
 * @param modelId the model it was admitted for
 * @param randomWeights whether that model has random weights
 * @param summary its job-list description
 * @param request the request as the client sent it (JSON text), never null
 * @param state its last recorded state, a {@code JobState} name
 * @param submittedAt when it was admitted
 * @param startedAt when it started, or null
 * @param finishedAt when it ended, or null
 * @param outputId the stored output when it is done, else null
 * @param voiceId the saved voice of a done design-then-clone job, else null
 * @param errorType why it failed or was cancelled, else null
 * @param errorMessage the user-facing message with {@code errorType}, else null
 * @param errorField the request field to blame, or null
 * @param worker in cluster mode, the worker process that ran the job, else null
 */
public record StoredJob(String id, String kind, String modelId, boolean randomWeights, String summary, String request,
                        String state, Instant submittedAt, Instant startedAt, Instant finishedAt, String outputId,
                        String voiceId, ErrorType errorType, String errorMessage, String errorField, String worker) {

    /** A job that ran in this process (no worker). */
    public StoredJob(String id, String kind, String modelId, boolean randomWeights, String summary, String request,
                     String state, Instant submittedAt, Instant startedAt, Instant finishedAt, String outputId,
                     String voiceId, ErrorType errorType, String errorMessage, String errorField) {
        this(id, kind, modelId, randomWeights, summary, request, state, submittedAt, startedAt, finishedAt, outputId,
                voiceId, errorType, errorMessage, errorField, null);
    }

    /** @throws NullPointerException if a required field is missing */
    public StoredJob {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(submittedAt, "submittedAt");
    }
}
