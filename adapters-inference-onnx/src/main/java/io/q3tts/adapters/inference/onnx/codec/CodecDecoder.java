package io.q3tts.adapters.inference.onnx.codec;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.q3tts.adapters.inference.onnx.bundle.Bundle;
import io.q3tts.adapters.inference.onnx.bundle.GraphKind;
import io.q3tts.adapters.inference.onnx.engine.Tensors;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * Codes to waveform over {@code codec_decoder.onnx} (one decoder pass per run).
 *
 * <p>{@link #decode} reproduces the official {@code Qwen3TTSTokenizerV2Decoder.chunked_decode}
 * exactly: chunks of 300 frames, each decoded with up to 25 frames of left context in a fresh pass,
 * the context's samples dropped, the pieces concatenated. Because the decoder's attention window (72)
 * is wider than that context, this differs slightly from {@link #decodeSinglePass}, which is what the
 * streaming decoder reproduces.
 *
 * <p>Thread-safe.
 */
public final class CodecDecoder {

    /** The official chunk size in frames. */
    public static final int CHUNK_SIZE = 300;
    /** The official left context in frames. */
    public static final int LEFT_CONTEXT = 25;

    private final Bundle bundle;
    private final int samplesPerFrame;
    private final int quantizers;

    /** @param bundle any bundle (every bundle holds the codec) */
    public CodecDecoder(Bundle bundle) {
        this.bundle = bundle;
        this.samplesPerFrame = bundle.manifest().samplesPerFrame();
        this.quantizers = bundle.manifest().codec().path("num_quantizers").asInt(16);
    }

    /** @return samples per frame (1920) */
    public int samplesPerFrame() {
        return samplesPerFrame;
    }

    /** @return the output sample rate (24000) */
    public int sampleRate() {
        return bundle.manifest().sampleRate();
    }

    /**
     * The official decode: chunked, then cut to {@code frames * 1920} samples.
     *
     * @param frames {@code [T][16]} codes 0..2047
     * @return the waveform, {@code T * 1920} samples
     */
    public float[] decode(int[][] frames) {
        int t = frames.length;
        float[] out = new float[Math.multiplyExact(t, samplesPerFrame)];
        int written = 0;
        int start = 0;
        while (start < t) {
            int end = Math.min(start + CHUNK_SIZE, t);
            int context = start - LEFT_CONTEXT > 0 ? LEFT_CONTEXT : start;
            float[] wav = decodeSinglePass(Arrays.copyOfRange(frames, start - context, end));
            int skip = context * samplesPerFrame;
            int n = wav.length - skip;
            System.arraycopy(wav, skip, out, written, n);
            written += n;
            start = end;
        }
        return written == out.length ? out : Arrays.copyOf(out, written);
    }

    /**
     * One decoder pass over all frames.
     *
     * @param frames {@code [T][16]} codes
     * @return {@code T * 1920} samples
     */
    public float[] decodeSinglePass(int[][] frames) {
        int t = frames.length;
        if (t == 0) {
            return new float[0];
        }
        LongBuffer codes = toCodes(frames, quantizers);
        OrtSession session = bundle.session(GraphKind.CODEC_DECODER);
        try (OnnxTensor in = Tensors.wrap(bundle.runtime().env(), codes, 1, quantizers, t);
             OrtSession.Result r = session.run(Map.of("codes", in))) {
            FloatBuffer wav = Tensors.output(r, "wav").getFloatBuffer();
            float[] out = new float[wav.remaining()];
            wav.get(out);
            if (out.length != t * samplesPerFrame) {
                throw new ModelException("codec decoder returned " + out.length + " samples for " + t + " frames");
            }
            return out;
        } catch (OrtException e) {
            throw new ModelException("codec decoding failed: " + e.getMessage(), e);
        }
    }

    /**
     * The official ICL cut: {@code int(ref_len / max(total_len, 1) * wav_len)}, in double with
     * Python's operation order.
     *
     * @param refFrames reference frames prepended to the generated ones
     * @param totalFrames reference plus generated frames
     * @param wavSamples decoded samples
     * @return samples to drop from the front
     */
    public static int iclCut(int refFrames, int totalFrames, int wavSamples) {
        return (int) ((double) refFrames / Math.max(totalFrames, 1) * wavSamples);
    }

    /**
     * Frames {@code [T][Q]} as a direct {@code [1, Q, T]} code buffer.
     *
     * @param frames the frames
     * @param quantizers Q
     * @return the buffer
     */
    static LongBuffer toCodes(int[][] frames, int quantizers) {
        int t = frames.length;
        LongBuffer codes = Tensors.longs(quantizers * t);
        for (int f = 0; f < t; f++) {
            int[] fr = frames[f];
            if (fr.length != quantizers) {
                throw new InvalidArgumentException("codes", "frame " + f + " has " + fr.length + " codes, expected " + quantizers);
            }
            for (int q = 0; q < quantizers; q++) {
                int c = fr[q];
                if (c < 0 || c >= 2048) {
                    throw new InvalidArgumentException("codes", "code " + c + " in frame " + f + " is outside 0..2047");
                }
                codes.put(q * t + f, c);
            }
        }
        return codes;
    }
}
