package io.q3tts.adapters.inference.onnx.codec;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.q3tts.adapters.inference.onnx.bundle.Bundle;
import io.q3tts.adapters.inference.onnx.bundle.GraphKind;
import io.q3tts.adapters.inference.onnx.engine.Tensors;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
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
 * <p><b>Batches.</b> {@link #decodeBatch} decodes several rows in shared decoder passes, as the
 * official batched decode does ({@code Qwen3TTSTokenizerV2Model.decode} right-pads the rows with -1,
 * clamps that to code 0, runs one chunk loop over the whole batch and cuts each row to its own
 * length). Every layer of the decoder is causal (left-padded convolutions, right-trimmed transposed
 * convolutions, causal sliding-window attention) and the chunk boundaries depend only on the frame
 * index, so frames after a row's end never reach its samples: a row decoded in a batch equals the
 * row decoded alone up to float rounding. Within that guarantee the passes are formed to waste
 * little: at each chunk only the rows that still have frames take part, sorted by width, a row
 * joins a pass only if padding adds at most a quarter to it, and a pass holds at most
 * {@link #MAX_FRAMES_PER_PASS} row-frames (the decoder's activations grow with rows x frames:
 * about 220 MB per tensor for one 300-frame row at its widest layer). A bundle whose decoder graph
 * has a fixed batch of 1 (exported before batching) decodes the rows one after another.
 *
 * <p>Why batch on the CPU, where the decoder's convolutions are compute-bound (about 5 GFLOP per
 * frame) and ONNX Runtime runs them image by image: the total work stays the same there, the
 * transformer's MatMuls and the per-pass overhead are shared, and on a GPU one pass for many rows
 * is what keeps the card busy. The price on the CPU is latency within the batch: every row of a
 * pass gets its samples when the whole pass ends, not after its own share (docs/performance.md,
 * "The codec decoder").
 *
 * <p>Thread-safe.
 */
public final class CodecDecoder {

    /** The official chunk size in frames. */
    public static final int CHUNK_SIZE = 300;
    /** The official left context in frames. */
    public static final int LEFT_CONTEXT = 25;
    /** The most rows x frames (padding included) that one batched decoder pass takes: two full chunks. */
    public static final int MAX_FRAMES_PER_PASS = 2 * (CHUNK_SIZE + LEFT_CONTEXT);
    /** A row joins a pass only if the pass is at most this much wider than the row. */
    private static final double MAX_PAD_RATIO = 1.25;

    private final Bundle bundle;
    private final int samplesPerFrame;
    private final int quantizers;
    /** Whether codec_decoder.onnx takes a batch dimension; null until the graph is first inspected. */
    private volatile Boolean batched;

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
     * @return whether the decoder graph takes several rows per pass (its {@code codes} input has a
     *     dynamic batch dimension); bundles exported before batching have a fixed batch of 1
     */
    public boolean batched() {
        Boolean b = batched;
        if (b == null) {
            try {
                NodeInfo info = bundle.session(GraphKind.CODEC_DECODER).getInputInfo().get("codes");
                if (info == null) {
                    throw new ModelException("the codec decoder graph has no 'codes' input");
                }
                b = batchedShape(((TensorInfo) info.getInfo()).getShape());
            } catch (OrtException e) {
                throw new ModelException("cannot read the codec decoder's inputs: " + e.getMessage(), e);
            }
            batched = b;
        }
        return b;
    }

    /**
     * @param codesShape the shape of the decoder graph's {@code codes} input, -1 for a dynamic axis
     * @return whether its batch axis takes more than one row
     */
    static boolean batchedShape(long[] codesShape) {
        return codesShape.length == 3 && codesShape[0] != 1;
    }

    /**
     * The official decode of several rows, in shared decoder passes where the graph allows it (see
     * the class comment); each result equals {@link #decode} of that row alone up to float rounding.
     *
     * @param rows each row's {@code [T][16]} codes 0..2047 (T may differ, and may be 0)
     * @return each row's waveform, {@code T * 1920} samples, in the order of {@code rows}
     */
    public List<float[]> decodeBatch(List<int[][]> rows) {
        int n = rows.size();
        if (n <= 1 || !batched()) {
            List<float[]> out = new ArrayList<>(n);
            for (int[][] r : rows) {
                out.add(decode(r));
            }
            return out;
        }
        float[][] out = new float[n][];
        int longest = 0;
        for (int i = 0; i < n; i++) {
            out[i] = new float[Math.multiplyExact(rows.get(i).length, samplesPerFrame)];
            longest = Math.max(longest, rows.get(i).length);
        }
        for (int start = 0; start < longest; start += CHUNK_SIZE) {
            int context = start - LEFT_CONTEXT > 0 ? LEFT_CONTEXT : start;
            List<Integer> taking = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (rows.get(i).length > start) {
                    taking.add(i);
                }
            }
            int chunkStart = start;
            // Widest first, so that a pass's first row sets its width.
            taking.sort(Comparator.comparingInt((Integer i) -> Math.min(chunkStart + CHUNK_SIZE, rows.get(i).length))
                    .reversed());
            int k = 0;
            while (k < taking.size()) {
                int width = Math.min(start + CHUNK_SIZE, rows.get(taking.get(k)).length) - (start - context);
                int end = k + 1;
                while (end < taking.size()) {
                    int w = Math.min(start + CHUNK_SIZE, rows.get(taking.get(end)).length) - (start - context);
                    if ((end - k + 1) * width > MAX_FRAMES_PER_PASS || w * MAX_PAD_RATIO < width) {
                        break;
                    }
                    end++;
                }
                List<Integer> pass = taking.subList(k, end);
                float[] wav = run(rows, pass, start - context, width);
                int stride = width * samplesPerFrame;
                for (int j = 0; j < pass.size(); j++) {
                    int i = pass.get(j);
                    int own = Math.min(start + CHUNK_SIZE, rows.get(i).length) - start;
                    System.arraycopy(wav, j * stride + context * samplesPerFrame, out[i], start * samplesPerFrame,
                            own * samplesPerFrame);
                }
                k = end;
            }
        }
        return Arrays.asList(out);
    }

    /** One pass over frames {@code [from, from + width)} of the given rows, right-padded with code 0. */
    private float[] run(List<int[][]> rows, List<Integer> pass, int from, int width) {
        int b = pass.size();
        LongBuffer codes = Tensors.longs(Math.multiplyExact(b, quantizers * width));
        for (int j = 0; j < b; j++) {
            int[][] frames = rows.get(pass.get(j));
            int have = Math.min(width, frames.length - from);
            putCodes(codes, j * quantizers * width, frames, from, have, width, quantizers);
        }
        return runPass(codes, b, width);
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
        return runPass(toCodes(frames, quantizers), 1, t);
    }

    private float[] runPass(LongBuffer codes, int rows, int t) {
        OrtSession session = bundle.session(GraphKind.CODEC_DECODER);
        try (OnnxTensor in = Tensors.wrap(bundle.runtime().env(), codes, rows, quantizers, t);
             OrtSession.Result r = session.run(Map.of("codes", in))) {
            FloatBuffer wav = Tensors.output(r, "wav").getFloatBuffer();
            float[] out = new float[wav.remaining()];
            wav.get(out);
            if (out.length != (long) rows * t * samplesPerFrame) {
                throw new ModelException("codec decoder returned " + out.length + " samples for " + rows + " x " + t
                        + " frames");
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
        putCodes(codes, 0, frames, 0, t, t, quantizers);
        return codes;
    }

    /**
     * Writes frames {@code [from, from + count)} as one {@code [Q, width]} row at {@code offset};
     * columns past {@code count} stay 0 (the code the official decode clamps its padding to).
     */
    private static void putCodes(LongBuffer codes, int offset, int[][] frames, int from, int count, int width,
                                 int quantizers) {
        for (int f = 0; f < count; f++) {
            int[] fr = frames[from + f];
            if (fr.length != quantizers) {
                throw new InvalidArgumentException("codes", "frame " + (from + f) + " has " + fr.length
                        + " codes, expected " + quantizers);
            }
            for (int q = 0; q < quantizers; q++) {
                int c = fr[q];
                if (c < 0 || c >= 2048) {
                    throw new InvalidArgumentException("codes", "code " + c + " in frame " + (from + f)
                            + " is outside 0..2047");
                }
                codes.put(offset + q * width + f, c);
            }
        }
    }
}
