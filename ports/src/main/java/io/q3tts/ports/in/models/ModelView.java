package io.q3tts.ports.in.models;

import io.q3tts.ports.model.ModelTask;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An installed model and its residency, as driving adapters show it.
 *
 * @param id the model id (use it as {@code model} in requests), never null
 * @param displayName never null
 * @param tasks what it serves, never null
 * @param size {@code "0.6B"}, {@code "1.7B"}, or null
 * @param precision {@code "fp32"} or {@code "fp16"}, never null
 * @param randomWeights whether the weights are random: <b>it speaks noise</b>; every API and UI must say so
 * @param speakers preset speakers (CustomVoice), never null
 * @param languages accepted language keys, never null
 * @param supportsInstruct whether CustomVoice honours an instruct
 * @param sampleRate output samples per second
 * @param residency whether it is in memory, never null
 * @param inFlight how many jobs or calls use it right now
 * @param lastUsedAt when it was last used, or null if not loaded
 * @param sizeBytes approximately what loading the whole model takes (its weights and tables on disk),
 *     or 0 if unknown
 * @param memoryBytes approximately what the model holds in memory now: 0 unless resident; a resident
 *     model's parts open on first use, so this grows towards {@code sizeBytes} as it is used
 */
public record ModelView(
        String id,
        String displayName,
        Set<ModelTask> tasks,
        String size,
        String precision,
        boolean randomWeights,
        List<String> speakers,
        List<String> languages,
        boolean supportsInstruct,
        int sampleRate,
        ModelResidency residency,
        int inFlight,
        Instant lastUsedAt,
        long sizeBytes,
        long memoryBytes) {

    /**
     * @throws NullPointerException if a required field is null
     * @throws IllegalArgumentException if a size is negative
     */
    public ModelView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(displayName, "displayName");
        tasks = Set.copyOf(Objects.requireNonNull(tasks, "tasks"));
        Objects.requireNonNull(precision, "precision");
        speakers = List.copyOf(Objects.requireNonNull(speakers, "speakers"));
        languages = List.copyOf(Objects.requireNonNull(languages, "languages"));
        Objects.requireNonNull(residency, "residency");
        if (sizeBytes < 0 || memoryBytes < 0) {
            throw new IllegalArgumentException("sizes must not be negative");
        }
    }

    /**
     * A view without memory figures (0: unknown), for callers that have none.
     *
     * @param id the model id
     * @param displayName the display name
     * @param tasks what it serves
     * @param size the size class, or null
     * @param precision the precision
     * @param randomWeights whether the weights are random
     * @param speakers preset speakers
     * @param languages accepted language keys
     * @param supportsInstruct whether CustomVoice honours an instruct
     * @param sampleRate output samples per second
     * @param residency whether it is in memory
     * @param inFlight how many jobs or calls use it right now
     * @param lastUsedAt when it was last used, or null
     */
    public ModelView(String id, String displayName, Set<ModelTask> tasks, String size, String precision,
            boolean randomWeights, List<String> speakers, List<String> languages, boolean supportsInstruct,
            int sampleRate, ModelResidency residency, int inFlight, Instant lastUsedAt) {
        this(id, displayName, tasks, size, precision, randomWeights, speakers, languages, supportsInstruct, sampleRate,
                residency, inFlight, lastUsedAt, 0, 0);
    }
}
