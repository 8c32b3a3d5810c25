package io.q3tts.ports.in.synthesis;

import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.in.voice.VoiceFields;
import io.q3tts.ports.model.InvalidArgumentException;

/**
 * Design a voice and freeze it in the library (the official "Voice Design then Clone" recipe):
 * a VoiceDesign model speaks {@code sampleText} in the described voice; that audio becomes the
 * reference clip of a new saved voice (transcript = {@code sampleText}, ICL mode), and a Base
 * model turns it into a clone prompt that is cached with the voice. Afterwards the voice is cloned
 * like any other ({@code CloneVoice.SavedVoice}) and keeps its timbre across requests.
 *
 * @param designModelId the VoiceDesign model (field {@code model}); null lets the domain pick
 * @param cloneModelId the Base model for the prompt (field {@code clone_model}); null lets the domain pick
 * @param voiceName the new voice's display name (field {@code name}); its slug is the voice id, which must be free
 * @param voiceDescription the voice description (field {@code instructions}), required
 * @param sampleText what the designed voice says (field {@code input}); a sentence or two (5 to 15 s of
 *     speech) in the target language works best
 * @param language the sample's language key; null or blank is {@code "auto"}
 * @param options decoding overrides for the design step; null means defaults
 */
public record DesignThenCloneCommand(
        String designModelId,
        String cloneModelId,
        String voiceName,
        String voiceDescription,
        String sampleText,
        String language,
        GenerationOptions options) implements SynthesisCommand {

    /**
     * Normalizes and validates.
     *
     * @throws InvalidArgumentException naming the first offending field
     */
    public DesignThenCloneCommand {
        designModelId = Checks.optionalModel(designModelId, "model");
        cloneModelId = Checks.optionalModel(cloneModelId, "clone_model");
        voiceName = VoiceFields.name(voiceName);
        voiceDescription = Checks.optionalText(
                Checks.required(voiceDescription, "instructions", "instructions (the voice description) is required."),
                "instructions", SynthesisLimits.MAX_INSTRUCT_LENGTH);
        sampleText = Checks.text(sampleText, "input");
        language = Checks.language(language);
        options = options == null ? GenerationOptions.defaults() : options;
    }

    @Override
    public JobKind kind() {
        return JobKind.DESIGN_THEN_CLONE;
    }

    @Override
    public String modelId() {
        return designModelId;
    }

    @Override
    public String summary() {
        return "design voice '" + voiceName + "'";
    }
}
