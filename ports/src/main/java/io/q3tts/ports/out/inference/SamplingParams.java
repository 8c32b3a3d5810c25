package io.q3tts.ports.out.inference;

import io.q3tts.ports.model.InvalidArgumentException;

/**
 * Decoding settings for the talker (codebook 0) and the code predictor ("subtalker", codebooks
 * 1..15). Field meanings follow the official {@code generate} arguments of the same names.
 *
 * @param doSample sample the talker; false means greedy argmax
 * @param temperature talker temperature, &gt; 0
 * @param topK talker top-k, &gt;= 0; 0 disables the filter
 * @param topP talker nucleus mass, in (0, 1]; 1 disables the filter
 * @param repetitionPenalty penalty on codebook-0 ids already generated, &gt; 0; 1 disables it.
 *     It applies under greedy decoding too, as in the official code.
 * @param subtalkerDoSample sample the code predictor; false means greedy
 * @param subtalkerTemperature code-predictor temperature, &gt; 0
 * @param subtalkerTopK code-predictor top-k, &gt;= 0; 0 disables the filter
 * @param subtalkerTopP code-predictor nucleus mass, in (0, 1]
 * @param seed random seed making sampling reproducible, or null for a fresh random seed per call
 */
public record SamplingParams(
        boolean doSample,
        double temperature,
        int topK,
        double topP,
        double repetitionPenalty,
        boolean subtalkerDoSample,
        double subtalkerTemperature,
        int subtalkerTopK,
        double subtalkerTopP,
        Long seed) {

    /**
     * Validates every field.
     *
     * @throws InvalidArgumentException naming the first field that is out of range
     */
    public SamplingParams {
        positive("temperature", temperature);
        positive("subtalker_temperature", subtalkerTemperature);
        positive("repetition_penalty", repetitionPenalty);
        nonNegative("top_k", topK);
        nonNegative("subtalker_top_k", subtalkerTopK);
        probability("top_p", topP);
        probability("subtalker_top_p", subtalkerTopP);
    }

    /** @return the official defaults of {@code generation_config.json}: sampling on, T 0.9, top-k 50, penalty 1.05, random seed */
    public static SamplingParams defaults() {
        return new SamplingParams(true, 0.9, 50, 1.0, 1.05, true, 0.9, 50, 1.0, null);
    }

    /** @return greedy decoding for both talker and code predictor, with the official repetition penalty; the parity setting */
    public static SamplingParams greedy() {
        return new SamplingParams(false, 0.9, 50, 1.0, 1.05, false, 0.9, 50, 1.0, null);
    }

    /**
     * @param newSeed the seed to use
     * @return a copy with {@code seed} replaced
     */
    public SamplingParams withSeed(long newSeed) {
        return new SamplingParams(doSample, temperature, topK, topP, repetitionPenalty,
                subtalkerDoSample, subtalkerTemperature, subtalkerTopK, subtalkerTopP, newSeed);
    }

    private static void positive(String field, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new InvalidArgumentException(field, field + " must be a positive number, got " + value + ".");
        }
    }

    private static void nonNegative(String field, int value) {
        if (value < 0) {
            throw new InvalidArgumentException(field, field + " must be 0 (off) or positive, got " + value + ".");
        }
    }

    private static void probability(String field, double value) {
        if (!(value > 0 && value <= 1)) {
            throw new InvalidArgumentException(field, field + " must be in (0, 1], got " + value + ".");
        }
    }
}
