package io.q3tts.ports.out.catalog;

import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.out.inference.GenerationDefaults;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A model bundle the platform could load: what it is and what it can do. Cheap to obtain (read
 * from the bundle's manifest), holds no native memory.
 *
 * @param id stable id (the bundle folder name), path-safe per {@link Ids#isSafe}; used in URLs and requests
 * @param displayName a human-readable name, not blank
 * @param tasks what the bundle serves, never null or empty
 * @param size the size class as the checkpoint names it ({@code "0.6B"}, {@code "1.7B"}), or null (codec)
 * @param precision {@code "fp32"} or {@code "fp16"}, never null
 * @param randomWeights whether the weights are random (demo bundles): the model speaks noise, and
 *     every API and UI must say so
 * @param speakers preset speaker keys, lower case; empty unless {@link ModelTask#CUSTOM_VOICE} is served
 * @param languages accepted language keys, lower case, including {@code "auto"}; empty for the codec
 * @param supportsInstruct whether an instruct is honoured for {@link ModelTask#CUSTOM_VOICE}
 * @param sampleRate output samples per second (24000), &gt; 0
 * @param approxMemoryBytes the expected resident size on its device once loaded, or 0 if unknown;
 *     informational (the residency policy counts models, not bytes)
 * @param generation what a request to this model gets for each generation argument it leaves
 *     unset (the bundle's {@code generation_config.json} merged as the official wrapper merges it);
 *     {@link GenerationDefaults#official()} for a codec or a bundle without one
 */
public record ModelDescriptor(
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
        long approxMemoryBytes,
        GenerationDefaults generation) {

    /**
     * Copies the collections and validates.
     *
     * @throws IllegalArgumentException on a missing or out-of-range field
     */
    public ModelDescriptor {
        if (!Ids.isSafe(id)) {
            throw new IllegalArgumentException("model id must be path-safe: " + id);
        }
        if (displayName == null || displayName.isBlank()) {
            throw new IllegalArgumentException("displayName must not be blank");
        }
        tasks = Set.copyOf(Objects.requireNonNull(tasks, "tasks"));
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("a model serves at least one task");
        }
        Objects.requireNonNull(precision, "precision");
        speakers = List.copyOf(Objects.requireNonNull(speakers, "speakers"));
        languages = List.copyOf(Objects.requireNonNull(languages, "languages"));
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be positive: " + sampleRate);
        }
        if (approxMemoryBytes < 0) {
            throw new IllegalArgumentException("approxMemoryBytes must not be negative: " + approxMemoryBytes);
        }
        Objects.requireNonNull(generation, "generation");
    }

    /** A descriptor with the official wrapper's hard generation defaults ({@link GenerationDefaults#official()}). */
    public ModelDescriptor(String id, String displayName, Set<ModelTask> tasks, String size, String precision,
                           boolean randomWeights, List<String> speakers, List<String> languages,
                           boolean supportsInstruct, int sampleRate, long approxMemoryBytes) {
        this(id, displayName, tasks, size, precision, randomWeights, speakers, languages, supportsInstruct,
                sampleRate, approxMemoryBytes, GenerationDefaults.official());
    }

    /**
     * @param task a task
     * @return whether this model serves it
     */
    public boolean supports(ModelTask task) {
        return tasks.contains(task);
    }

    /** @return whether any generation task is served, i.e. the talker is part of the bundle (the GPU-heavy kind) */
    public boolean generates() {
        return tasks.stream().anyMatch(ModelTask::isGeneration);
    }
}
