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
import java.util.Map;

/**
 * Waveform (24 kHz mono) to codec frames over {@code codec_encoder.onnx}, as the official
 * {@code Qwen3TTSTokenizer.encode} does after resampling. Thread-safe.
 */
public final class CodecEncoder {

    private final Bundle bundle;

    /** @param bundle any bundle */
    public CodecEncoder(Bundle bundle) {
        this.bundle = bundle;
    }

    /**
     * @param audio24k mono samples at 24 kHz
     * @return {@code [ceil(N / 1920)][16]} codes
     */
    public int[][] encode(float[] audio24k) {
        if (audio24k.length == 0) {
            throw new InvalidArgumentException("ref_audio", "the reference audio is empty");
        }
        FloatBuffer buf = Tensors.floats(audio24k.length);
        buf.put(audio24k);
        OrtSession session = bundle.session(GraphKind.CODEC_ENCODER);
        try (OnnxTensor in = Tensors.wrap(bundle.runtime().env(), buf, 1, audio24k.length);
             OrtSession.Result r = session.run(Map.of("audio", in))) {
            OnnxTensor codes = Tensors.output(r, "codes");
            long[] shape = codes.getInfo().getShape();
            int q = (int) shape[1];
            int t = (int) shape[2];
            LongBuffer lb = codes.getLongBuffer();
            int[][] frames = new int[t][q];
            for (int k = 0; k < q; k++) {
                for (int f = 0; f < t; f++) {
                    frames[f][k] = (int) lb.get(k * t + f);
                }
            }
            return frames;
        } catch (OrtException e) {
            throw new ModelException("codec encoding failed: " + e.getMessage(), e);
        }
    }
}
