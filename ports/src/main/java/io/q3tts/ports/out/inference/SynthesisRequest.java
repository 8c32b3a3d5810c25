package io.q3tts.ports.out.inference;

import io.q3tts.ports.model.InvalidArgumentException;
import java.util.Locale;
import java.util.Objects;

/**
 * One text-to-speech call. The canonical constructor checks everything that does not depend on
 * the loaded model (which fields each task needs); model-dependent checks (is this speaker or
 * language known) are the synthesizer's, reported as {@code INVALID_ARGUMENT} or
 * {@code UNSUPPORTED}.
 *
 * @param task the task, never null
 * @param text the text to speak, not blank
 * @param language a language key such as {@code "english"}, or {@code "auto"}; null or blank means
 *     {@code "auto"}. Stored trimmed and lower-cased, since the model's keys are lower case.
 * @param speaker the preset speaker; required for {@link TaskType#CUSTOM_VOICE}, forbidden
 *     otherwise. Stored trimmed and lower-cased.
 * @param instruct the style instruction; required for {@link TaskType#VOICE_DESIGN} (the voice
 *     description), optional for {@link TaskType#CUSTOM_VOICE}, forbidden for
 *     {@link TaskType#VOICE_CLONE}. Blank is stored as null.
 * @param voicePrompt the voice to clone; required for {@link TaskType#VOICE_CLONE}, forbidden otherwise
 * @param sampling decoding settings; null means {@link SamplingParams#defaults()}
 * @param maxNewTokens upper bound on generated codec frames plus one (the end token), &gt;= 1
 * @param textInputMode prompt layout of the text; null means {@link TextInputMode#TASK_DEFAULT}
 */
public record SynthesisRequest(
        TaskType task,
        String text,
        String language,
        String speaker,
        String instruct,
        VoicePrompt voicePrompt,
        SamplingParams sampling,
        int maxNewTokens,
        TextInputMode textInputMode) {

    /** The official wrapper's {@code max_new_tokens} default: about 164 s of audio at 12.5 frames/s. */
    public static final int DEFAULT_MAX_NEW_TOKENS = 2048;

    /** The language value that lets the model pick the language itself. */
    public static final String AUTO_LANGUAGE = "auto";

    /**
     * Normalizes and validates.
     *
     * @throws InvalidArgumentException naming the first offending field
     */
    public SynthesisRequest {
        if (task == null) {
            throw new InvalidArgumentException("task", "task is required.");
        }
        if (text == null || text.isBlank()) {
            throw new InvalidArgumentException("text", "text must not be empty.");
        }
        language = (language == null || language.isBlank()) ? AUTO_LANGUAGE : language.strip().toLowerCase(Locale.ROOT);
        speaker = (speaker == null || speaker.isBlank()) ? null : speaker.strip().toLowerCase(Locale.ROOT);
        instruct = (instruct == null || instruct.isBlank()) ? null : instruct;
        sampling = sampling == null ? SamplingParams.defaults() : sampling;
        textInputMode = textInputMode == null ? TextInputMode.TASK_DEFAULT : textInputMode;
        if (maxNewTokens < 1) {
            throw new InvalidArgumentException("max_new_tokens", "max_new_tokens must be at least 1, got " + maxNewTokens + ".");
        }
        switch (task) {
            case CUSTOM_VOICE -> {
                require(speaker != null, "speaker", "speaker is required for the custom-voice task.");
                forbid(voicePrompt != null, "ref_audio", "a voice-clone reference is only used by the voice-clone task.");
            }
            case VOICE_DESIGN -> {
                require(instruct != null, "instruct", "instruct (the voice description) is required for the voice-design task.");
                forbid(speaker != null, "speaker", "speaker is only used by the custom-voice task.");
                forbid(voicePrompt != null, "ref_audio", "a voice-clone reference is only used by the voice-clone task.");
            }
            case VOICE_CLONE -> {
                require(voicePrompt != null, "ref_audio", "a reference voice is required for the voice-clone task.");
                forbid(speaker != null, "speaker", "speaker is only used by the custom-voice task.");
                forbid(instruct != null, "instruct", "instruct is not supported by the voice-clone task.");
            }
        }
    }

    /** @return whether the text is laid out in streaming mode, with the task default resolved */
    public boolean streamingTextInput() {
        return textInputMode.isStreamingFor(task);
    }

    /**
     * @param task the task, never null
     * @param text the text to speak
     * @return a builder with every optional field at its default
     */
    public static Builder builder(TaskType task, String text) {
        return new Builder(task, text);
    }

    private static void require(boolean ok, String field, String message) {
        if (!ok) {
            throw new InvalidArgumentException(field, message);
        }
    }

    private static void forbid(boolean present, String field, String message) {
        require(!present, field, message);
    }

    /** Collects optional fields; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private final TaskType task;
        private final String text;
        private String language;
        private String speaker;
        private String instruct;
        private VoicePrompt voicePrompt;
        private SamplingParams sampling;
        private int maxNewTokens = DEFAULT_MAX_NEW_TOKENS;
        private TextInputMode textInputMode = TextInputMode.TASK_DEFAULT;

        private Builder(TaskType task, String text) {
            this.task = task;
            this.text = text;
        }

        /**
         * @param value see {@link SynthesisRequest#language()}
         * @return this
         */
        public Builder language(String value) {
            language = value;
            return this;
        }

        /**
         * @param value see {@link SynthesisRequest#speaker()}
         * @return this
         */
        public Builder speaker(String value) {
            speaker = value;
            return this;
        }

        /**
         * @param value see {@link SynthesisRequest#instruct()}
         * @return this
         */
        public Builder instruct(String value) {
            instruct = value;
            return this;
        }

        /**
         * @param value see {@link SynthesisRequest#voicePrompt()}
         * @return this
         */
        public Builder voicePrompt(VoicePrompt value) {
            voicePrompt = value;
            return this;
        }

        /**
         * @param value see {@link SynthesisRequest#sampling()}
         * @return this
         */
        public Builder sampling(SamplingParams value) {
            sampling = value;
            return this;
        }

        /**
         * @param value see {@link SynthesisRequest#maxNewTokens()}
         * @return this
         */
        public Builder maxNewTokens(int value) {
            maxNewTokens = value;
            return this;
        }

        /**
         * @param value see {@link SynthesisRequest#textInputMode()}
         * @return this
         */
        public Builder textInputMode(TextInputMode value) {
            textInputMode = Objects.requireNonNullElse(value, TextInputMode.TASK_DEFAULT);
            return this;
        }

        /**
         * @return the validated request
         * @throws InvalidArgumentException naming the first offending field
         */
        public SynthesisRequest build() {
            return new SynthesisRequest(task, text, language, speaker, instruct, voicePrompt, sampling,
                    maxNewTokens, textInputMode);
        }
    }
}
