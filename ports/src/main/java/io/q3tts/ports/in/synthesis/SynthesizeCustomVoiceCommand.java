package io.q3tts.ports.in.synthesis;

import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.InvalidArgumentException;
import java.util.Locale;

/**
 * Speak a text with a preset speaker of a CustomVoice model.
 *
 * @param modelId the model (field {@code model}); null or blank lets the domain pick one that serves CUSTOM_VOICE
 * @param text what to say (field {@code input}), 1..{@link SynthesisLimits#MAX_TEXT_LENGTH} characters
 * @param language a language key or {@code "auto"}; null or blank is {@code "auto"}; lower-cased
 * @param speaker the preset speaker (field {@code voice}), required; lower-cased; the model must know it
 * @param instruct a style instruction (1.7B CustomVoice only), or null
 * @param options decoding overrides; null means {@link GenerationOptions#defaults()}
 * @param format the container of the returned audio (field {@code response_format}); null means WAV
 */
public record SynthesizeCustomVoiceCommand(
        String modelId,
        String text,
        String language,
        String speaker,
        String instruct,
        GenerationOptions options,
        AudioFormat format) implements SynthesisCommand {

    /**
     * Normalizes and validates everything that does not depend on the model.
     *
     * @throws InvalidArgumentException naming the first offending field
     */
    public SynthesizeCustomVoiceCommand {
        modelId = Checks.optionalModel(modelId, "model");
        text = Checks.text(text, "input");
        language = Checks.language(language);
        speaker = Checks.required(speaker, "voice", "voice (the preset speaker) is required for custom voice.")
                .strip().toLowerCase(Locale.ROOT);
        instruct = Checks.optionalText(instruct, "instructions", SynthesisLimits.MAX_INSTRUCT_LENGTH);
        options = options == null ? GenerationOptions.defaults() : options;
        format = format == null ? AudioFormat.WAV : format;
    }

    @Override
    public JobKind kind() {
        return JobKind.CUSTOM_VOICE;
    }

    @Override
    public String summary() {
        return speaker + ": " + Checks.summary(text);
    }
}
