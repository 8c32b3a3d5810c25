package io.q3tts.ports.in.synthesis;

import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.InvalidArgumentException;

/**
 * Speak a text in a voice invented from a description (VoiceDesign model).
 *
 * @param modelId the model (field {@code model}); null lets the domain pick one that serves VOICE_DESIGN
 * @param text what to say (field {@code input})
 * @param language a language key or {@code "auto"}; null or blank is {@code "auto"}
 * @param instruct the voice description (field {@code instructions}), required
 * @param options decoding overrides; null means defaults
 * @param format the container of the returned audio; null means WAV
 */
public record SynthesizeVoiceDesignCommand(
        String modelId,
        String text,
        String language,
        String instruct,
        GenerationOptions options,
        AudioFormat format) implements SynthesisCommand {

    /**
     * Normalizes and validates.
     *
     * @throws InvalidArgumentException naming the first offending field
     */
    public SynthesizeVoiceDesignCommand {
        modelId = Checks.optionalModel(modelId, "model");
        text = Checks.text(text, "input");
        language = Checks.language(language);
        instruct = Checks.optionalText(
                Checks.required(instruct, "instructions", "instructions (the voice description) is required for voice design."),
                "instructions", SynthesisLimits.MAX_INSTRUCT_LENGTH);
        options = options == null ? GenerationOptions.defaults() : options;
        format = format == null ? AudioFormat.WAV : format;
    }

    @Override
    public JobKind kind() {
        return JobKind.VOICE_DESIGN;
    }

    @Override
    public String summary() {
        return Checks.summary(text);
    }
}
