package io.q3tts.adapters.inference.onnx.engine;

import io.q3tts.adapters.inference.onnx.bundle.Bundle;
import io.q3tts.adapters.inference.onnx.io.Npy;
import io.q3tts.ports.model.ModelException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The 16 codec embedding tables of the talker side: {@code E0 = talker.codec_embedding}
 * ({@code [3072, H]}) and {@code Ej = code_predictor.codec_embedding[j-1]} ({@code [15, 2048, H]}),
 * read from the memory-mapped tables without copying them to the heap.
 *
 * <p>Thread-safe (read-only).
 */
public final class CodecEmbeddings {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Npy codec;
    private final MemorySegment residual;
    private final int hidden;
    private final int groups;
    private final int residualVocab;

    /** @param bundle a TTS bundle */
    public CodecEmbeddings(Bundle bundle) {
        this.codec = bundle.table(Bundle.CODEC_EMBEDDING);
        Npy cp = bundle.table(Bundle.CP_EMBEDDINGS);
        if (codec.rank() != 2 || cp.rank() != 3 || cp.dim(2) != codec.dim(1)) {
            throw new ModelException("codec embedding tables have inconsistent shapes: "
                    + java.util.Arrays.toString(codec.shape()) + " and " + java.util.Arrays.toString(cp.shape()));
        }
        this.hidden = (int) codec.dim(1);
        this.groups = (int) cp.dim(0) + 1;
        this.residualVocab = (int) cp.dim(1);
        this.residual = cp.data();
    }

    /** @return the talker hidden size H */
    public int hidden() {
        return hidden;
    }

    /** @return the number of code groups (16) */
    public int groups() {
        return groups;
    }

    /** @return the talker codec vocabulary (3072) */
    public int codecVocab() {
        return codec.rows();
    }

    /**
     * Copies {@code E0[id]}.
     *
     * @param id a talker codec id
     * @param dst destination
     * @param off offset in {@code dst}
     */
    public void copyCodec(int id, float[] dst, int off) {
        codec.copyRow(id, dst, off);
    }

    /**
     * Adds {@code E0[id]} into {@code acc[off..off+H)}.
     *
     * @param id a talker codec id
     * @param acc accumulator
     * @param off offset
     */
    public void addCodec(int id, float[] acc, int off) {
        codec.addRow(id, acc, off);
    }

    /**
     * Adds {@code Ej[code]} for a residual group into {@code acc[off..off+H)}.
     *
     * @param group 1..15
     * @param code 0..2047
     * @param acc accumulator
     * @param off offset
     */
    public void addResidual(int group, int code, float[] acc, int off) {
        if (group < 1 || group >= groups || code < 0 || code >= residualVocab) {
            throw new IllegalArgumentException("residual group " + group + " code " + code + " out of range");
        }
        long base = ((long) (group - 1) * residualVocab + code) * hidden;
        for (int i = 0; i < hidden; i++) {
            acc[off + i] += residual.getAtIndex(F32, base + i);
        }
    }

    /**
     * The summed embedding of one frame, {@code sum_j Ej(codes[j])}, accumulated in order j = 0..15
     * in float32 as the official {@code sum(1)} does.
     *
     * @param codes 16 codes; codes[0] indexes E0
     * @param dst destination, overwritten
     * @param off offset
     */
    public void frameSum(int[] codes, float[] dst, int off) {
        copyCodec(codes[0], dst, off);
        for (int j = 1; j < groups; j++) {
            addResidual(j, codes[j], dst, off);
        }
    }
}
