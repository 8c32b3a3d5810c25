package io.q3tts.ports.plugin;

import io.q3tts.ports.in.job.JobView;
import io.q3tts.ports.in.output.DeleteOutputUseCase;
import io.q3tts.ports.in.synthesis.SynthesisOutcome;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.OverloadedException;
import io.q3tts.ports.web.WebResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Small pieces every pipeline plugin needs, kept here so the plugins (which may not depend on each
 * other) answer in one shape and wait for the GPU queue the same way.
 */
public final class PipelineSupport {

    /** The longest single wait before asking the GPU queue again. */
    static final Duration MAX_WAIT = Duration.ofSeconds(5);

    private PipelineSupport() {
    }

    /**
     * The answer to a pipeline submission: 202 with the job's id, state and where to follow it
     * ({@code GET /api/v1/jobs/{id}}, server-sent events at {@code /api/v1/jobs/{id}/events}).
     *
     * @param job the admitted job
     * @return the response
     */
    public static WebResponse accepted(JobView job) {
        String id = job.id().value();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("job_id", id);
        body.put("kind", "pipeline");
        body.put("pipeline", job.pipeline());
        body.put("state", job.state().name().toLowerCase(Locale.ROOT));
        body.put("summary", job.summary());
        body.put("job_url", "/api/v1/jobs/" + id);
        body.put("events_url", "/api/v1/jobs/" + id + "/events");
        return WebResponse.json(202, body).withHeader("Location", "/api/v1/jobs/" + id);
    }

    /**
     * Runs one step, waiting while the GPU queue is full instead of failing the whole pipeline: a
     * pipeline submits its steps one by one, so a full queue only means other users are busy.
     *
     * @param step the synthesis call
     * @param cancellation stops the waiting
     * @param <T> the step's result
     * @return the step's result
     * @throws CancelledException if cancelled while waiting
     */
    public static <T> T whenQueueHasRoom(Supplier<T> step, CancellationToken cancellation) {
        while (true) {
            cancellation.throwIfCancelled();
            try {
                return step.get();
            } catch (OverloadedException e) {
                Duration wait = e.retryAfter().filter(d -> d.compareTo(MAX_WAIT) < 0).orElse(MAX_WAIT);
                sleep(wait.isZero() || wait.isNegative() ? Duration.ofMillis(200) : wait, cancellation);
            }
        }
    }

    /**
     * Runs one synthesis step of a pipeline ({@link #whenQueueHasRoom}) and removes the step's own
     * entry from the output history: the step's audio is in the returned outcome, and the pipeline
     * stores it in its single output (with its checkpoints), so the history shows one run, not one
     * per line.
     *
     * @param plugin the plugin's context (for {@code DeleteOutputUseCase})
     * @param step the synthesis call; ask for {@code AudioFormat.PCM} or WAV
     * @param cancellation stops the waiting
     * @return the step's outcome (its output id no longer exists)
     */
    public static SynthesisOutcome step(PluginContext plugin, Supplier<SynthesisOutcome> step, CancellationToken cancellation) {
        SynthesisOutcome outcome = whenQueueHasRoom(step, cancellation);
        plugin.findUseCase(DeleteOutputUseCase.class).ifPresent(d -> {
            try {
                d.deleteOutput(outcome.output().id());
            } catch (RuntimeException e) {
                // Leaving the step in the history is harmless; failing the pipeline for it would not be.
            }
        });
        return outcome;
    }

    /**
     * A checkpoint key that names a step by what it depends on (its text, seed, voice...), so a
     * resumed run finds a step again even if the plan around it shifted, and never reuses a step
     * whose inputs changed.
     *
     * @param prefix a short path-safe prefix, e.g. {@code "line"}
     * @param parts the step's inputs
     * @return {@code prefix-<32 hex digits of SHA-256>}
     */
    public static String checkpointKey(String prefix, String... parts) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                byte[] b = String.valueOf(p).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                sha.update(java.nio.ByteBuffer.allocate(4).putInt(b.length).array());
                sha.update(b);
            }
            return prefix + "-" + java.util.HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * A plugin's positive whole-number setting ({@code plugins.<id>.<key>}), read at start so a bad
     * value stops the server with a message naming the setting rather than failing a request later.
     *
     * @param pluginId the plugin's id, for the message
     * @param config the plugin's configuration ({@link PluginContext#config()})
     * @param key the setting
     * @param fallback the value when the setting is absent or blank
     * @return the setting, &gt; 0
     * @throws IllegalArgumentException if it is not a positive integer
     */
    public static int positiveInt(String pluginId, Map<String, String> config, String key, int fallback) {
        String v = config.get(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n < 1) {
                throw new NumberFormatException("not positive");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(pluginId + " config " + key + " must be a positive integer: " + v, e);
        }
    }

    /**
     * Decodes an uploaded text file strictly: a file in another encoding (or a binary one) is
     * refused rather than read with replacement characters that would then be spoken.
     *
     * @param bytes the file's content
     * @return the text, or empty if the bytes are not valid UTF-8
     */
    public static Optional<String> strictUtf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static void sleep(Duration wait, CancellationToken cancellation) {
        long end = System.nanoTime() + wait.toNanos();
        try {
            while (System.nanoTime() < end) {
                cancellation.throwIfCancelled();
                Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException("Interrupted while waiting for the GPU queue.");
        }
    }
}
