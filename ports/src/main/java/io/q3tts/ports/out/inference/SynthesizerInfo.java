package io.q3tts.ports.out.inference;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a loaded model can do, so callers can validate and present choices before synthesizing.
 *
 * @param modelId a stable, human-readable id of the loaded model (e.g. its bundle folder name), not blank
 * @param tasks the tasks this model serves, never null or empty
 * @param speakers preset speaker keys, lower case; empty unless {@link TaskType#CUSTOM_VOICE} is served
 * @param languages accepted language keys, lower case, including {@code "auto"}
 * @param supportsInstruct whether an {@code instruct} is honoured for {@link TaskType#CUSTOM_VOICE}
 *     (the 0.6B CustomVoice model ignores it)
 * @param sampleRate output samples per second, &gt; 0
 * @param randomWeights whether the model has random weights (a demo or test bundle): its output is
 *     noise, not speech, and user interfaces must say so
 * @param generation the model's defaults for generation arguments a request leaves unset
 *     (the bundle's {@code generation_config.json}, merged as the official wrapper does)
 */
public record SynthesizerInfo(
        String modelId,
        Set<TaskType> tasks,
        List<String> speakers,
        List<String> languages,
        boolean supportsInstruct,
        int sampleRate,
        boolean randomWeights,
        GenerationDefaults generation) {

    /**
     * Copies the collections and validates.
     *
     * @throws IllegalArgumentException on a missing or out-of-range field
     */
    public SynthesizerInfo {
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("modelId must not be blank");
        }
        tasks = Set.copyOf(Objects.requireNonNull(tasks, "tasks"));
        speakers = List.copyOf(Objects.requireNonNull(speakers, "speakers"));
        languages = List.copyOf(Objects.requireNonNull(languages, "languages"));
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("a model serves at least one task");
        }
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be positive: " + sampleRate);
        }
        Objects.requireNonNull(generation, "generation");
    }

    /**
     * Official hard generation defaults ({@link GenerationDefaults#official()}); otherwise as the canonical constructor.
     *
     * @param modelId see the record description
     * @param tasks see the record description
     * @param speakers see the record description
     * @param languages see the record description
     * @param supportsInstruct see the record description
     * @param sampleRate see the record description
     * @param randomWeights see the record description
     */
    public SynthesizerInfo(String modelId, Set<TaskType> tasks, List<String> speakers, List<String> languages,
                           boolean supportsInstruct, int sampleRate, boolean randomWeights) {
        this(modelId, tasks, speakers, languages, supportsInstruct, sampleRate, randomWeights, GenerationDefaults.official());
    }

    /**
     * A model with trained weights ({@code randomWeights == false}); otherwise as the canonical constructor.
     *
     * @param modelId see the record description
     * @param tasks see the record description
     * @param speakers see the record description
     * @param languages see the record description
     * @param supportsInstruct see the record description
     * @param sampleRate see the record description
     */
    public SynthesizerInfo(String modelId, Set<TaskType> tasks, List<String> speakers, List<String> languages,
                           boolean supportsInstruct, int sampleRate) {
        this(modelId, tasks, speakers, languages, supportsInstruct, sampleRate, false);
    }
}
