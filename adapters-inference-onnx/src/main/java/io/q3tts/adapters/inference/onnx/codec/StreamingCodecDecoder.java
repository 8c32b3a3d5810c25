package io.q3tts.adapters.inference.onnx.codec;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import io.q3tts.adapters.inference.onnx.bundle.Bundle;
import io.q3tts.adapters.inference.onnx.bundle.GraphKind;
import io.q3tts.adapters.inference.onnx.engine.Tensors;
import io.q3tts.ports.model.ModelException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes codec frames as they arrive, over {@code codec_decoder_stream.onnx}: every call carries the
 * decoder's state (conv histories, a sliding-window KV cache) to the next, so the concatenated
 * output equals one decoder pass over all frames ({@link CodecDecoder#decodeSinglePass}).
 *
 * <p>Frames are buffered until {@code firstChunkFrames} have arrived (low first-audio latency), then
 * decoded in groups of {@code chunkFrames}; {@link #flush()} decodes the rest. The state stays in
 * native tensors between calls. {@link #prime} feeds context frames whose audio is dropped (the ICL
 * reference).
 *
 * <p>Not thread-safe: one decoder per stream. Close it to free the state.
 */
public final class StreamingCodecDecoder implements AutoCloseable {

    private static final float[] EMPTY = new float[0];

    private final Bundle bundle;
    private final OrtSession session;
    private final int quantizers;
    private final int samplesPerFrame;
    private final int firstChunkFrames;
    private final int chunkFrames;
    private final String[] stateIn;
    private final String[] stateOut;
    private final List<OnnxTensor> initialState = new ArrayList<>();
    private final Set<String> requested;
    /** Reused frame slots, so that {@link #push} copies codes instead of allocating per frame. */
    private final int[][] pending;
    private int pendingCount;
    /** Whether {@link #push}/{@link #flush} have emitted audio yet: the first chunk may be shorter. */
    private boolean emitted;
    private OrtSession.Result previous;
    private long position;
    private boolean closed;

    /**
     * @param bundle any bundle with {@code codec_decoder_stream.onnx}
     * @param firstChunkFrames frames decoded in the first call (first-audio latency), &gt;= 1
     * @param chunkFrames frames per later call, &gt;= 1
     */
    public StreamingCodecDecoder(Bundle bundle, int firstChunkFrames, int chunkFrames) {
        if (firstChunkFrames < 1 || chunkFrames < 1) {
            throw new IllegalArgumentException("chunk sizes must be >= 1");
        }
        this.bundle = bundle;
        this.session = bundle.session(GraphKind.CODEC_DECODER_STREAM);
        this.firstChunkFrames = firstChunkFrames;
        this.chunkFrames = chunkFrames;
        JsonNode spec = bundle.manifest().codec().path("decoder_stream");
        this.quantizers = bundle.manifest().codec().path("num_quantizers").asInt(16);
        this.samplesPerFrame = bundle.manifest().samplesPerFrame();
        this.pending = new int[Math.max(firstChunkFrames, chunkFrames)][quantizers];
        String inPrefix = spec.path("state_input_prefix").asText("state.");
        String outPrefix = spec.path("state_output_prefix").asText("next_state.");
        float init = (float) spec.path("state_initial_value").asDouble(0.0);
        JsonNode states = spec.path("state");
        if (!states.isArray()) {
            throw new ModelException("the bundle's codec.decoder_stream section has no state list; re-export it");
        }
        int n = states.size();
        stateIn = new String[n];
        stateOut = new String[n];
        requested = new LinkedHashSet<>();
        requested.add("wav");
        try {
            for (int i = 0; i < n; i++) {
                JsonNode st = states.get(i);
                String name = st.path("name").asText();
                stateIn[i] = inPrefix + name;
                stateOut[i] = outPrefix + name;
                requested.add(stateOut[i]);
                long[] shape = new long[st.path("shape").size()];
                long count = 1;
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = st.path("shape").get(d).asLong();
                    count *= shape[d];
                }
                FloatBuffer buf = Tensors.floats(Math.toIntExact(count));
                if (init != 0f) {
                    for (int k = 0; k < count; k++) {
                        buf.put(k, init);
                    }
                }
                initialState.add(Tensors.wrap(bundle.runtime().env(), buf, shape));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** @return frames decoded so far */
    public long position() {
        return position;
    }

    /**
     * Adds one frame; decodes when enough are buffered. The frame is copied, so the caller may reuse
     * its array. Nothing is allocated unless a chunk is decoded.
     *
     * @param frame the frame's codes (one per codebook)
     * @return the new audio, possibly empty (a shared zero-length array)
     * @throws IllegalArgumentException if the frame has the wrong number of codes
     */
    public float[] push(int[] frame) {
        if (frame.length != quantizers) {
            throw new IllegalArgumentException("a frame has " + quantizers + " codes, got " + frame.length);
        }
        System.arraycopy(frame, 0, pending[pendingCount++], 0, quantizers);
        int need = emitted ? chunkFrames : firstChunkFrames;
        if (pendingCount < need) {
            return EMPTY;
        }
        return drain();
    }

    /** @return audio of every buffered frame (possibly empty) */
    public float[] flush() {
        return pendingCount == 0 ? EMPTY : drain();
    }

    /**
     * Feeds context frames whose audio the caller does not want (the reference frames of an ICL
     * voice clone, which the official decode prepends and cuts off again): the decoder state then
     * continues from them, so later frames decode exactly as in a pass over context plus frames.
     * Must come before the first {@link #push}.
     *
     * @param context {@code [N][16]} codes
     * @throws IllegalStateException if frames were pushed already
     */
    public void prime(int[][] context) {
        if (pendingCount > 0 || emitted) {
            throw new IllegalStateException("prime() must come before the first push()");
        }
        decodeNow(context);
    }

    private float[] drain() {
        int[][] frames = Arrays.copyOf(pending, pendingCount);
        pendingCount = 0;
        emitted = true;
        return decodeNow(frames);
    }

    /**
     * Decodes frames immediately, continuing the stream.
     *
     * @param frames {@code [N][16]} codes
     * @return {@code N * 1920} samples
     */
    public float[] decodeNow(int[][] frames) {
        if (closed) {
            throw new IllegalStateException("streaming decoder is closed");
        }
        int t = frames.length;
        if (t == 0) {
            return EMPTY;
        }
        LongBuffer codes = CodecDecoder.toCodes(frames, quantizers);
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try (OnnxTensor in = Tensors.wrap(bundle.runtime().env(), codes, 1, quantizers, t);
             OnnxTensor pos = OnnxTensor.createTensor(bundle.runtime().env(), position)) {
            inputs.put("codes", in);
            inputs.put("position", pos);
            for (int i = 0; i < stateIn.length; i++) {
                inputs.put(stateIn[i], previous == null ? initialState.get(i) : Tensors.output(previous, stateOut[i]));
            }
            OrtSession.Result r = session.run(inputs, requested);
            if (previous != null) {
                previous.close();
            }
            previous = r;
            FloatBuffer wav = Tensors.output(r, "wav").getFloatBuffer();
            float[] out = new float[wav.remaining()];
            wav.get(out);
            if (out.length != t * samplesPerFrame) {
                throw new ModelException("streaming decoder returned " + out.length + " samples for " + t + " frames");
            }
            position += t;
            return out;
        } catch (OrtException e) {
            throw new ModelException("streaming codec decoding failed: " + e.getMessage(), e);
        }
    }

    /**
     * Convenience: decodes all frames through the stream in the configured chunking.
     *
     * @param frames the frames
     * @return the concatenated audio
     */
    public float[] decodeAll(int[][] frames) {
        float[] out = EMPTY;
        for (int[] f : frames) {
            out = concat(out, push(f));
        }
        return concat(out, flush());
    }

    private static float[] concat(float[] a, float[] b) {
        if (b.length == 0) {
            return a;
        }
        float[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** Frees the carried state. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (previous != null) {
            previous.close();
            previous = null;
        }
        initialState.forEach(OnnxTensor::close);
        initialState.clear();
    }
}
