package io.q3tts.ports.model;

import java.util.Locale;

/**
 * What a model bundle can be used for. The three generation tasks mirror
 * {@code io.q3tts.ports.out.inference.TaskType}; {@link #TOKENIZER} is the 12 Hz speech tokenizer
 * (audio to codec codes and back).
 */
public enum ModelTask {
    /** Preset speakers of a CustomVoice model. */
    CUSTOM_VOICE,
    /** A voice invented from a description (VoiceDesign model). */
    VOICE_DESIGN,
    /** Cloning a reference voice (Base model); also creates reusable clone prompts. */
    VOICE_CLONE,
    /** Speech tokenizer: encode audio to codec codes, decode codes to audio. */
    TOKENIZER;

    /** @return the lower-case spelling used in manifests and JSON, e.g. {@code "voice_clone"} */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return whether the task generates speech with the talker (the GPU-heavy part) */
    public boolean isGeneration() {
        return this != TOKENIZER;
    }

    /**
     * @param value a key such as {@code "custom_voice"} or {@code "custom-voice"}, case-insensitive
     * @param field the request field, for the error
     * @return the task
     * @throws InvalidArgumentException naming {@code field} if unknown or blank
     */
    public static ModelTask parse(String value, String field) {
        if (value != null) {
            String key = value.strip().replace('-', '_').toUpperCase(Locale.ROOT);
            for (ModelTask t : values()) {
                if (t.name().equals(key)) {
                    return t;
                }
            }
        }
        throw new InvalidArgumentException(field,
                field + " must be one of custom_voice, voice_design, voice_clone, tokenizer; got '" + value + "'.");
    }
}
