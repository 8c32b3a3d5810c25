package io.q3tts.ports.in.synthesis;

import io.q3tts.ports.model.InvalidArgumentException;

/**
 * Optional overrides of the decoding settings; every null generation field keeps the model's
 * default, as the official wrapper fills it: the bundle's {@code generation_config.json} if it has
 * the key, else the official hard default ({@code do_sample} true, {@code temperature} 0.9,
 * {@code top_k} 50, {@code top_p} 1.0, {@code repetition_penalty} 1.05, the same for the subtalker,
 * {@code max_new_tokens} 2048; the released checkpoints' files say 8192 tokens). Field names in
 * errors are the API's snake_case names.
 *
 * @param doSample sample the talker ({@code do_sample}); false is greedy
 * @param temperature talker temperature, &gt; 0
 * @param topK talker top-k, &gt;= 0 (0 disables)
 * @param topP talker nucleus mass, in (0, 1]
 * @param repetitionPenalty penalty on repeated codebook-0 ids, &gt; 0 (1 disables)
 * @param subtalkerDoSample sample the code predictor
 * @param subtalkerTemperature code-predictor temperature, &gt; 0
 * @param subtalkerTopK code-predictor top-k, &gt;= 0
 * @param subtalkerTopP code-predictor nucleus mass, in (0, 1]
 * @param seed random seed for reproducible sampling; null means a fresh seed (recorded in the output's parameters)
 * @param maxNewTokens cap on generated frames plus one, 1..{@link SynthesisLimits#MAX_NEW_TOKENS_LIMIT}
 * @param streamingText lay the text out in streaming mode ({@code non_streaming_mode=False}); null is
 *     the task default (non-streaming for CustomVoice and VoiceDesign, streaming for clone)
 * @param speed tempo of the finished audio ({@code speed}), {@value #MIN_SPEED}..{@value #MAX_SPEED}; 2 is twice
 *     as fast, the pitch stays; null or 1 leaves the audio as generated
 * @param returnCodes store the generated codec codes with the output ({@code codes.json}, listed in
 *     its files) so they can be compared with the official implementation's; null or false: not stored
 */
public record GenerationOptions(
        Boolean doSample,
        Double temperature,
        Integer topK,
        Double topP,
        Double repetitionPenalty,
        Boolean subtalkerDoSample,
        Double subtalkerTemperature,
        Integer subtalkerTopK,
        Double subtalkerTopP,
        Long seed,
        Integer maxNewTokens,
        Boolean streamingText,
        Double speed,
        Boolean returnCodes) {

    /** Slowest accepted {@code speed}, as OpenAI's speech API. */
    public static final double MIN_SPEED = 0.25;
    /** Fastest accepted {@code speed}, as OpenAI's speech API. */
    public static final double MAX_SPEED = 4.0;

    private static final GenerationOptions DEFAULTS =
            new GenerationOptions(null, null, null, null, null, null, null, null, null, null, null, null, null, null);

    /**
     * Validates every field that is set.
     *
     * @throws InvalidArgumentException naming the first out-of-range field
     */
    public GenerationOptions {
        positive("temperature", temperature);
        positive("subtalker_temperature", subtalkerTemperature);
        positive("repetition_penalty", repetitionPenalty);
        nonNegative("top_k", topK);
        nonNegative("subtalker_top_k", subtalkerTopK);
        probability("top_p", topP);
        probability("subtalker_top_p", subtalkerTopP);
        if (maxNewTokens != null && (maxNewTokens < 1 || maxNewTokens > SynthesisLimits.MAX_NEW_TOKENS_LIMIT)) {
            throw new InvalidArgumentException("max_new_tokens", "max_new_tokens must be between 1 and "
                    + SynthesisLimits.MAX_NEW_TOKENS_LIMIT + ", got " + maxNewTokens + ".");
        }
        if (speed != null && !(speed >= MIN_SPEED && speed <= MAX_SPEED)) {
            throw new InvalidArgumentException("speed", "speed must be between " + MIN_SPEED + " and " + MAX_SPEED
                    + ", got " + speed + ".");
        }
    }

    /** @return whether the output should keep the generated codes ({@link #returnCodes()} set and true) */
    public boolean wantsCodes() {
        return Boolean.TRUE.equals(returnCodes);
    }

    /** @return the tempo factor to apply, 1 when {@link #speed()} is unset */
    public double effectiveSpeed() {
        return speed != null ? speed : 1.0;
    }

    /** @return options that override nothing */
    public static GenerationOptions defaults() {
        return DEFAULTS;
    }

    /** @return a builder starting from {@link #defaults()} */
    public static Builder builder() {
        return new Builder();
    }

    private static void positive(String field, Double value) {
        if (value != null && (!(value > 0) || value.isInfinite())) {
            throw new InvalidArgumentException(field, field + " must be a positive number, got " + value + ".");
        }
    }

    private static void nonNegative(String field, Integer value) {
        if (value != null && value < 0) {
            throw new InvalidArgumentException(field, field + " must be 0 (off) or positive, got " + value + ".");
        }
    }

    private static void probability(String field, Double value) {
        if (value != null && !(value > 0 && value <= 1)) {
            throw new InvalidArgumentException(field, field + " must be in (0, 1], got " + value + ".");
        }
    }

    /** Collects overrides; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private Boolean doSample;
        private Double temperature;
        private Integer topK;
        private Double topP;
        private Double repetitionPenalty;
        private Boolean subtalkerDoSample;
        private Double subtalkerTemperature;
        private Integer subtalkerTopK;
        private Double subtalkerTopP;
        private Long seed;
        private Integer maxNewTokens;
        private Boolean streamingText;
        private Double speed;
        private Boolean returnCodes;

        private Builder() {
        }

        /**
         * @param v see the record component
         * @return this
         */
        public Builder doSample(Boolean v) { doSample = v; return this; }
        /**
         * @param v see the record component
         * @return this
         */
        public Builder temperature(Double v) { temperature = v; return this; }
        /**
         * @param v see the record component
         * @return this
         */
        public Builder topK(Integer v) { topK = v; return this; }
        /**
         * @param v see the record component
         * @return this
         */
        public Builder topP(Double v) { topP = v; return this; }
        /**
         * @param v see the record component
         * @return this
         */
        public Builder repetitionPenalty(Double v) { repetitionPenalty = v; return this; }
        /**
         * @param v see the record component
         * @return this
         */
        public Builder subtalkerDoSample(Boolean v) { subtalkerDoSample = v; return this; }
        /**
         * @param v see the record component
         * @return this
         */
        public Builder subtalkerTemperature(Double v) { subtalkerTemperature = v; return this; }
        /**
         * @param v see the record component
         * @return this
         */
        public Builder subtalkerTopK(Integer v) { subtalkerTopK = v; return this; }
        /**
         * @param v see the record component
         * @return this
         */
        public Builder subtalkerTopP(Double v) { subtalkerTopP = v; return this; }
        /**
         * @param v see the record component
         * @return this
         */
        public Builder seed(Long v) { seed = v; return this; }
        /**
         * @param v see the record component
         * @return this
         */
        public Builder maxNewTokens(Integer v) { maxNewTokens = v; return this; }
        /**
         * @param v see the record component
         * @return this
         */
        public Builder streamingText(Boolean v) { streamingText = v; return this; }
        /**
         * @param v see the record component
         * @return this
         */
        public Builder speed(Double v) { speed = v; return this; }
        /**
         * @param v see the record component
         * @return this
         */
        public Builder returnCodes(Boolean v) { returnCodes = v; return this; }

        /**
         * @return the validated options
         * @throws InvalidArgumentException naming the first out-of-range field
         */
        public GenerationOptions build() {
            return new GenerationOptions(doSample, temperature, topK, topP, repetitionPenalty, subtalkerDoSample,
                    subtalkerTemperature, subtalkerTopK, subtalkerTopP, seed, maxNewTokens, streamingText, speed, returnCodes);
        }
    }
}
