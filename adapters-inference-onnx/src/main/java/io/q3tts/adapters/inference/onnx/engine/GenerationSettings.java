package io.q3tts.adapters.inference.onnx.engine;

import io.q3tts.adapters.inference.onnx.bundle.Manifest;
import io.q3tts.ports.out.inference.SamplingParams;
import java.util.Objects;

/**
 * Everything the frame loop needs besides the prompt.
 *
 * @param sampling talker and code-predictor decoding
 * @param maxNewTokens official {@code max_new_tokens}: at most this many codebook-0 decisions, so
 *     at most {@code maxNewTokens - 1} frames
 * @param minNewTokens EOS is masked while fewer tokens exist (official: 2)
 * @param eosId codec EOS (2150)
 * @param suppressFrom first suppressed id (2048)
 * @param suppressTo end of the suppressed range, exclusive (3072); EOS stays allowed
 * @param guard the runaway guard, or null for none (parity)
 * @param collectStats time every ONNX Runtime call and return a {@link GenerationStats}; off, the
 *     loop reads no clock beyond its start and end
 */
public record GenerationSettings(SamplingParams sampling, int maxNewTokens, int minNewTokens, int eosId,
                                 int suppressFrom, int suppressTo, RunawayGuard guard, boolean collectStats) {

    /** @throws IllegalArgumentException on out-of-range values */
    public GenerationSettings {
        Objects.requireNonNull(sampling, "sampling");
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be >= 1");
        }
    }

    /** Settings without timing statistics. */
    public GenerationSettings(SamplingParams sampling, int maxNewTokens, int minNewTokens, int eosId,
                              int suppressFrom, int suppressTo, RunawayGuard guard) {
        this(sampling, maxNewTokens, minNewTokens, eosId, suppressFrom, suppressTo, guard, false);
    }

    /**
     * @param on whether to collect {@link GenerationStats}
     * @return a copy with {@code collectStats} replaced
     */
    public GenerationSettings withStats(boolean on) {
        return new GenerationSettings(sampling, maxNewTokens, minNewTokens, eosId, suppressFrom, suppressTo, guard, on);
    }

    /**
     * Benchmarks: EOS stays masked until the cap, so the loop always yields {@code maxNewTokens - 1}
     * frames. It is the official {@code min_new_tokens} mechanism with the minimum raised to the
     * cap; normal settings are untouched.
     *
     * @return a copy with {@code minNewTokens = maxNewTokens}
     */
    public GenerationSettings withEosSuppressed() {
        return new GenerationSettings(sampling, maxNewTokens, maxNewTokens, eosId, suppressFrom, suppressTo, guard,
                collectStats);
    }

    /**
     * The official settings of a model.
     *
     * @param manifest the model's manifest
     * @param sampling decoding parameters
     * @param maxNewTokens the cap
     * @param guard runaway guard, or null
     * @return the settings
     */
    public static GenerationSettings of(Manifest manifest, SamplingParams sampling, int maxNewTokens, RunawayGuard guard) {
        Manifest.GenerationDefaults g = manifest.generation();
        return new GenerationSettings(sampling, maxNewTokens, g == null ? 2 : g.minNewTokens(),
                manifest.codecTokens().eos(), g == null ? 2048 : g.suppressFrom(), g == null ? 3072 : g.suppressTo(), guard);
    }
}
