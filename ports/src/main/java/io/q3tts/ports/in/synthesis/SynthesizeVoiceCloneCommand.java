package io.q3tts.ports.in.synthesis;

import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.InvalidArgumentException;

/**
 * Speak a text in a cloned voice (Base model).
 *
 * @param modelId the model (field {@code model}); null lets the domain pick one that serves VOICE_CLONE
 * @param text what to say (field {@code input})
 * @param language a language key or {@code "auto"}; null or blank is {@code "auto"}
 * @param voice the voice to clone (field {@code voice} or {@code ref_audio}), required
 * @param options decoding overrides; null means defaults
 * @param format the container of the returned audio; null means WAV
 */
public record SynthesizeVoiceCloneCommand(
        String modelId,
        String text,
        String language,
        CloneVoice voice,
        GenerationOptions options,
        AudioFormat format) implements SynthesisCommand {

    /**
     * Normalizes and validates.
     *
     * @throws InvalidArgumentException naming the first offending field
     */
    public SynthesizeVoiceCloneCommand {
        modelId = Checks.optionalModel(modelId, "model");
        text = Checks.text(text, "input");
        language = Checks.language(language);
        if (voice == null) {
            throw new InvalidArgumentException("voice", "voice (a saved voice id) or ref_audio is required for voice cloning.");
        }
        options = options == null ? GenerationOptions.defaults() : options;
        format = format == null ? AudioFormat.WAV : format;
    }

    @Override
    public JobKind kind() {
        return JobKind.VOICE_CLONE;
    }

    @Override
    public String summary() {
        String who = voice instanceof CloneVoice.SavedVoice saved ? saved.voiceId() : "uploaded voice";
        return who + ": " + Checks.summary(text);
    }
}
