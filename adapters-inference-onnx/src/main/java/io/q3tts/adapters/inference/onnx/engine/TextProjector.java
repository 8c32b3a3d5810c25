package io.q3tts.adapters.inference.onnx.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.q3tts.adapters.inference.onnx.bundle.Bundle;
import io.q3tts.adapters.inference.onnx.bundle.GraphKind;
import io.q3tts.adapters.inference.onnx.io.Npy;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelException;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * {@code TP(ids) = text_projection(text_embedding[ids])}: gathers the raw text-embedding rows from
 * the memory-mapped table and projects them to talker space in one graph run.
 *
 * <p>Thread-safe (no mutable state).
 */
public final class TextProjector {

    private final Bundle bundle;
    private final Npy textEmbedding;
    private final int textHidden;
    private final int hidden;

    /**
     * @param bundle a TTS bundle
     * @param hidden the talker hidden size
     */
    public TextProjector(Bundle bundle, int hidden) {
        this.bundle = bundle;
        this.textEmbedding = bundle.table(Bundle.TEXT_EMBEDDING);
        this.textHidden = textEmbedding.rowLength();
        this.hidden = hidden;
    }

    /**
     * @param ids text token ids
     * @return {@code [ids.length * hidden]} row-major projected vectors
     * @throws InvalidArgumentException if an id is outside the vocabulary
     */
    public float[] project(long[] ids) {
        float[] out = new float[ids.length * hidden];
        if (ids.length == 0) {
            return out;
        }
        int vocab = textEmbedding.rows();
        FloatBuffer in = Tensors.floats(ids.length * textHidden);
        for (long id : ids) {
            if (id < 0 || id >= vocab) {
                throw new InvalidArgumentException("text", "text token id " + id + " is outside the model vocabulary");
            }
            in.put(textEmbedding.rowBuffer((int) id));
        }
        OrtSession session = bundle.session(GraphKind.TEXT_PROJECTION);
        try (OnnxTensor x = Tensors.wrap(bundle.runtime().env(), in, 1, ids.length, textHidden);
             OrtSession.Result r = session.run(Map.of("text_embeds", x))) {
            FloatBuffer h = Tensors.output(r, "hidden").getFloatBuffer();
            if (h.remaining() != out.length) {
                throw new ModelException("text_projection returned " + h.remaining() + " values, expected " + out.length);
            }
            h.get(out);
        } catch (OrtException e) {
            throw new ModelException("text_projection failed: " + e.getMessage(), e);
        }
        return out;
    }
}
