package io.q3tts.adapters.inference.onnx.synth;

import io.q3tts.adapters.inference.onnx.engine.PredictorMode;
import io.q3tts.adapters.inference.onnx.engine.RunawayGuard;
import io.q3tts.adapters.inference.onnx.engine.TalkerPath;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link OnnxSpeechSynthesizer} runs its model.
 *
 * @param predictorMode how residual codes are predicted; {@link PredictorMode#FUSED} is the fast path
 * @param runawayGuard the production cap on generated frames tied to the text length, or null for
 *     none (the official behaviour: only {@code max_new_tokens} stops a generation that never emits
 *     end-of-speech)
 * @param firstChunkFrames frames decoded into the first streamed audio chunk, &gt;= 1; small values
 *     give early first audio (4 frames = 0.32 s of audio)
 * @param chunkFrames frames per later streamed chunk, &gt;= 1
 * @param progressInterval the least wall time between two progress reports; {@link Duration#ZERO}
 *     reports after every frame. A report allocates a small record, so the default keeps the
 *     per-frame path allocation-free between reports.
 * @param voices where {@link io.q3tts.ports.out.inference.VoicePrompt.Saved} voices come from
 * @param maxBatch the most rows one batched generation runs at once, &gt;= 1 (the bundle's own limit
 *     applies too; a bundle exported before batching runs one)
 * @param talkerPath how the talker reaches ONNX Runtime: {@link TalkerPath#IO_BINDING}
 *     ({@code engine.device_kv}) keeps its KV cache on the device between steps, worth it on a GPU;
 *     {@link TalkerPath#STATIC_KV} ({@code engine.static_kv}) runs the bundle's fixed-size KV talker
 *     in place, with CUDA graphs on a GPU; the default {@link TalkerPath#JAVA_BINDING} is the plain
 *     Java binding. Codes are identical.
 */
public record SynthesizerOptions(PredictorMode predictorMode, RunawayGuard runawayGuard, int firstChunkFrames,
                                 int chunkFrames, Duration progressInterval, SavedVoices voices, int maxBatch,
                                 TalkerPath talkerPath) {

    /** The default {@link #maxBatch()}: the benchmark's largest batch size. */
    public static final int DEFAULT_MAX_BATCH = 16;

    /** @throws IllegalArgumentException on a null or out-of-range value (the guard may be null) */
    public SynthesizerOptions {
        Objects.requireNonNull(predictorMode, "predictorMode");
        Objects.requireNonNull(progressInterval, "progressInterval");
        Objects.requireNonNull(voices, "voices");
        Objects.requireNonNull(talkerPath, "talkerPath");
        if (firstChunkFrames < 1 || chunkFrames < 1) {
            throw new IllegalArgumentException("chunk sizes must be >= 1");
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1");
        }
        if (progressInterval.isNegative()) {
            throw new IllegalArgumentException("progressInterval must not be negative");
        }
    }

    /**
     * @return the production settings: fused predictor, the {@linkplain RunawayGuard#defaults() default
     *     runaway guard}, first audio after 4 frames then chunks of 8, progress at most every 100 ms,
     *     saved voices named by file path, batches of up to {@value #DEFAULT_MAX_BATCH}
     */
    public static SynthesizerOptions defaults() {
        return new SynthesizerOptions(PredictorMode.FUSED, RunawayGuard.defaults(), 4, 8, Duration.ofMillis(100),
                SavedVoices.files(), DEFAULT_MAX_BATCH, TalkerPath.JAVA_BINDING);
    }

    /**
     * @param rows the most rows per batched generation
     * @return a copy with the batch limit replaced
     */
    public SynthesizerOptions withMaxBatch(int rows) {
        return new SynthesizerOptions(predictorMode, runawayGuard, firstChunkFrames, chunkFrames, progressInterval, voices,
                rows, talkerPath);
    }

    /**
     * @param guard the new guard, or null to turn it off (official behaviour)
     * @return a copy with the runaway guard replaced
     */
    public SynthesizerOptions withRunawayGuard(RunawayGuard guard) {
        return new SynthesizerOptions(predictorMode, guard, firstChunkFrames, chunkFrames, progressInterval, voices, maxBatch,
                talkerPath);
    }

    /**
     * @param first frames in the first streamed chunk
     * @param later frames in each later chunk
     * @return a copy with the streaming chunk sizes replaced
     */
    public SynthesizerOptions withChunking(int first, int later) {
        return new SynthesizerOptions(predictorMode, runawayGuard, first, later, progressInterval, voices, maxBatch,
                talkerPath);
    }

    /**
     * @param interval least time between progress reports
     * @return a copy with the progress interval replaced
     */
    public SynthesizerOptions withProgressInterval(Duration interval) {
        return new SynthesizerOptions(predictorMode, runawayGuard, firstChunkFrames, chunkFrames, interval, voices, maxBatch,
                talkerPath);
    }

    /**
     * @param locator where saved voices come from
     * @return a copy with the voice locator replaced
     */
    public SynthesizerOptions withVoices(SavedVoices locator) {
        return new SynthesizerOptions(predictorMode, runawayGuard, firstChunkFrames, chunkFrames, progressInterval, locator, maxBatch,
                talkerPath);
    }

    /**
     * @param mode how residual codes are predicted
     * @return a copy with the predictor mode replaced
     */
    public SynthesizerOptions withPredictorMode(PredictorMode mode) {
        return new SynthesizerOptions(mode, runawayGuard, firstChunkFrames, chunkFrames, progressInterval, voices, maxBatch,
                talkerPath);
    }

    /**
     * @param path how the talker reaches ONNX Runtime
     * @return a copy with the talker path replaced
     */
    public SynthesizerOptions withTalkerPath(TalkerPath path) {
        return new SynthesizerOptions(predictorMode, runawayGuard, firstChunkFrames, chunkFrames, progressInterval, voices,
                maxBatch, path);
    }
}
