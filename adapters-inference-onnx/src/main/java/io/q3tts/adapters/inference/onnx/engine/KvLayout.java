package io.q3tts.adapters.inference.onnx.engine;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.q3tts.adapters.inference.onnx.ffm.NativeSession;
import io.q3tts.adapters.inference.onnx.ffm.OrtApi;
import io.q3tts.adapters.inference.onnx.ffm.TensorType;
import io.q3tts.ports.model.ModelException;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Names, shape and element type of one graph's KV inputs and outputs ({@code past_key.i},
 * {@code past_value.i} in, {@code present_key.i}, {@code present_value.i} out).
 *
 * <p>The element type is read from the graph's input info, never from the manifest: fp32 and int8
 * bundles carry fp32 KV, an {@code --fp16} bundle fp16 KV (older fp16 bundles, exported before the
 * KV went fp16, declare fp32 and still load).
 *
 * @param pastK past key input names by layer
 * @param pastV past value input names by layer
 * @param presentK present key output names by layer
 * @param presentV present value output names by layer
 * @param kvHeads KV heads
 * @param headDim head dim
 * @param elementType {@link OrtApi#FLOAT} or {@link OrtApi#FLOAT16}
 */
record KvLayout(String[] pastK, String[] pastV, String[] presentK, String[] presentV, int kvHeads, int headDim,
                int elementType) {

    static KvLayout of(OrtSession session, String what) {
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            if (!inputs.containsKey("past_key.0")) {
                throw new ModelException(what + " graph has no past_key.* inputs");
            }
            TensorInfo info = (TensorInfo) inputs.get("past_key.0").getInfo();
            int type = switch (info.type) {
                case FLOAT -> OrtApi.FLOAT;
                case FLOAT16 -> OrtApi.FLOAT16;
                default -> throw new ModelException(what + " past_key.0 has element type " + info.type
                        + "; expected float or float16");
            };
            return build(inputs.keySet(), info.getShape(), type, what);
        } catch (OrtException e) {
            throw new ModelException("cannot read the " + what + " graph's inputs: " + e.getMessage(), e);
        }
    }

    static KvLayout of(NativeSession session, String what) {
        TensorType t = session.inputs().get("past_key.0");
        if (t == null) {
            throw new ModelException(what + " graph has no past_key.* inputs");
        }
        if (t.elementType() != OrtApi.FLOAT && t.elementType() != OrtApi.FLOAT16) {
            throw new ModelException(what + " past_key.0 has element type " + t.elementType() + "; expected float or float16");
        }
        return build(session.inputs().keySet(), t.shape(), t.elementType(), what);
    }

    private static KvLayout build(Set<String> inputs, long[] shape, int type, String what) {
        int layers = 0;
        while (inputs.contains("past_key." + layers)) {
            layers++;
        }
        if (shape.length != 4 || shape[1] <= 0 || shape[3] <= 0) {
            throw new ModelException(what + " past_key.0 has an unexpected shape");
        }
        String[] pk = new String[layers];
        String[] pv = new String[layers];
        String[] ck = new String[layers];
        String[] cv = new String[layers];
        for (int i = 0; i < layers; i++) {
            pk[i] = "past_key." + i;
            pv[i] = "past_value." + i;
            ck[i] = "present_key." + i;
            cv[i] = "present_value." + i;
        }
        return new KvLayout(pk, pv, ck, cv, (int) shape[1], (int) shape[3], type);
    }

    /** @return the layer count */
    int layers() {
        return pastK.length;
    }

    /** @return bytes per element */
    int elementBytes() {
        return elementType == OrtApi.FLOAT16 ? 2 : 4;
    }

    /** @return the Java binding's type of the KV tensors */
    OnnxJavaType javaType() {
        return elementType == OrtApi.FLOAT16 ? OnnxJavaType.FLOAT16 : OnnxJavaType.FLOAT;
    }

    /**
     * @param positions cached positions
     * @return bytes of all K and V tensors of all layers at that length
     */
    long bytes(long positions) {
        return 2L * layers() * kvHeads * positions * headDim * elementBytes();
    }

    /** Feeds the previous run's presents (or the empty past) as the pasts of the next run (Java binding). */
    void feed(Map<String, OnnxTensor> inputs, OrtSession.Result previous,
              OnnxTensor empty) {
        for (int i = 0; i < pastK.length; i++) {
            inputs.put(pastK[i], previous == null ? empty : Tensors.output(previous, presentK[i]));
            inputs.put(pastV[i], previous == null ? empty : Tensors.output(previous, presentV[i]));
        }
    }

    Set<String> presents() {
        Set<String> s = new LinkedHashSet<>();
        for (int i = 0; i < presentK.length; i++) {
            s.add(presentK[i]);
            s.add(presentV[i]);
        }
        return s;
    }
}
