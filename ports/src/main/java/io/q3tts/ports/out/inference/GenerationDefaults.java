package io.q3tts.ports.out.inference;

import io.q3tts.ports.model.InvalidArgumentException;
import java.util.Map;
import java.util.Objects;

/**
 * A model's default generation arguments: what a request gets for every argument it leaves unset.
 *
 * <p>The official wrapper ({@code Qwen3TTSModel._merge_generate_kwargs}) picks each argument
 * separately: the caller's value if given, else the value in the checkpoint's
 * {@code generation_config.json} if the file has that key, else a hard default
 * ({@link #official()}). {@link #fromGenerationConfig} is that rule for the file's side; callers
 * overlay their own set values on the result field by field. The released checkpoints say
 * {@code max_new_tokens} 8192 and sampling on; a bundle exported from a checkpoint carries its
 * file verbatim.
 *
 * @param sampling default decoding parameters; {@code seed} is always null (a fresh seed per request)
 * @param maxNewTokens default {@code max_new_tokens}, &gt;= 1
 */
public record GenerationDefaults(SamplingParams sampling, int maxNewTokens) {

    private static final GenerationDefaults OFFICIAL = new GenerationDefaults(SamplingParams.defaults(),
            SynthesisRequest.DEFAULT_MAX_NEW_TOKENS);

    /** @throws IllegalArgumentException on a null sampling, a set seed or a cap below 1 */
    public GenerationDefaults {
        Objects.requireNonNull(sampling, "sampling");
        if (sampling.seed() != null) {
            throw new IllegalArgumentException("generation defaults carry no seed");
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
        }
    }

    /**
     * @return the official wrapper's hard defaults, used for a model without a generation config:
     *     sampling on, temperature 0.9, top-k 50, top-p 1.0, repetition penalty 1.05 (the same for
     *     the code predictor), {@code max_new_tokens} 2048
     */
    public static GenerationDefaults official() {
        return OFFICIAL;
    }

    /**
     * The official merge of a {@code generation_config.json} with the hard defaults.
     *
     * @param config the file's top-level keys and values (JSON booleans as {@link Boolean}, numbers
     *     as {@link Number}); keys other than the ten generation arguments are ignored
     * @return the defaults
     * @throws IllegalArgumentException naming the key when a value has the wrong type or range
     */
    public static GenerationDefaults fromGenerationConfig(Map<String, ?> config) {
        SamplingParams d = OFFICIAL.sampling();
        try {
            SamplingParams s = new SamplingParams(
                    bool(config, "do_sample", d.doSample()),
                    number(config, "temperature", d.temperature()),
                    integer(config, "top_k", d.topK()),
                    number(config, "top_p", d.topP()),
                    number(config, "repetition_penalty", d.repetitionPenalty()),
                    bool(config, "subtalker_dosample", d.subtalkerDoSample()),
                    number(config, "subtalker_temperature", d.subtalkerTemperature()),
                    integer(config, "subtalker_top_k", d.subtalkerTopK()),
                    number(config, "subtalker_top_p", d.subtalkerTopP()),
                    null);
            int maxNewTokens = integer(config, "max_new_tokens", OFFICIAL.maxNewTokens());
            if (maxNewTokens < 1) {
                throw new IllegalArgumentException("generation_config.json: max_new_tokens must be at least 1, got "
                        + maxNewTokens);
            }
            return new GenerationDefaults(s, maxNewTokens);
        } catch (InvalidArgumentException e) {
            throw new IllegalArgumentException("generation_config.json: " + e.getMessage(), e);
        }
    }

    private static boolean bool(Map<String, ?> c, String key, boolean fallback) {
        Object v = c.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("generation_config.json: " + key + " must be true or false, got " + v);
    }

    private static double number(Map<String, ?> c, String key, double fallback) {
        Object v = c.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("generation_config.json: " + key + " must be a number, got " + v);
    }

    private static int integer(Map<String, ?> c, String key, int fallback) {
        Object v = c.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE) {
            return n.intValue();
        }
        throw new IllegalArgumentException("generation_config.json: " + key + " must be an integer, got " + v);
    }
}
