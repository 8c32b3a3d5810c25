package io.q3tts.adapters.inference.onnx.engine;

import java.util.Objects;

/**
 * Everything the official {@code generate} needs to build one talker prompt, after tokenisation and
 * language/speaker resolution.
 *
 * @param inputIds the tokens of {@code <|im_start|>assistant\n{text}<|im_end|>\n<|im_start|>assistant\n}
 * @param instructIds the tokens of {@code <|im_start|>user\n{instruct}<|im_end|>\n}, or null for no instruct
 * @param languageId the codec language id, or null for {@code auto}
 * @param speaker the speaker slot, or null (VoiceDesign, or CustomVoice without speaker)
 * @param streamingText true for {@code non_streaming_mode=False}
 * @param icl the in-context reference (Base ICL), or null
 */
public record PromptSpec(long[] inputIds, long[] instructIds, Integer languageId, SpeakerSlot speaker,
                         boolean streamingText, IclReference icl) {

    /** @throws NullPointerException if {@code inputIds} is null */
    public PromptSpec {
        Objects.requireNonNull(inputIds, "inputIds");
    }

    /**
     * The vector in the codec prefix's speaker position.
     *
     * @param codecId a preset speaker's codec-embedding row, or null
     * @param embedding a speaker-encoder x-vector of the talker hidden size, or null
     */
    public record SpeakerSlot(Integer codecId, float[] embedding) {
        /** @throws IllegalArgumentException unless exactly one is given */
        public SpeakerSlot {
            if ((codecId == null) == (embedding == null)) {
                throw new IllegalArgumentException("a speaker slot is either a codec id or an embedding");
            }
        }

        /**
         * @param codecId a preset speaker's codec id
         * @return the slot
         */
        public static SpeakerSlot preset(int codecId) {
            return new SpeakerSlot(codecId, null);
        }

        /**
         * @param xVector the speaker-encoder output
         * @return the slot
         */
        public static SpeakerSlot xVector(float[] xVector) {
            return new SpeakerSlot(null, xVector.clone());
        }
    }

    /**
     * Base ICL reference.
     *
     * @param refIds the tokens of {@code <|im_start|>assistant\n{ref_text}<|im_end|>\n}
     * @param refCodes the reference codec frames, {@code [F][16]}
     */
    public record IclReference(long[] refIds, int[][] refCodes) {
        /** @throws NullPointerException on a null field */
        public IclReference {
            Objects.requireNonNull(refIds, "refIds");
            Objects.requireNonNull(refCodes, "refCodes");
        }
    }
}
