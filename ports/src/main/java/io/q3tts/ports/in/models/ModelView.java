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
        Instant lastUsedAt) {

    /** @throws NullPointerException if a required field is null */
    public ModelView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(displayName, "displayName");
        tasks = Set.copyOf(Objects.requireNonNull(tasks, "tasks"));
        Objects.requireNonNull(precision, "precision");
        speakers = List.copyOf(Objects.requireNonNull(speakers, "speakers"));
        languages = List.copyOf(Objects.requireNonNull(languages, "languages"));
        Objects.requireNonNull(residency, "residency");
    }
}
