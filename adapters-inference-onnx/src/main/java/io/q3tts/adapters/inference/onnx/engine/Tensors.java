package io.q3tts.adapters.inference.onnx.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.q3tts.ports.model.ModelException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/** Small helpers for native-order direct buffers and tensors (no copy on the way into ONNX Runtime). */
public final class Tensors {

    private Tensors() { }

    /**
     * @param n element count
     * @return a zeroed direct float buffer in native order
     */
    public static FloatBuffer floats(int n) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(n, Float.BYTES)).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * @param n element count
     * @return a zeroed direct long buffer in native order
     */
    public static LongBuffer longs(int n) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(n, Long.BYTES)).order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    /**
     * Wraps a direct buffer (its full capacity) as a tensor without copying.
     *
     * @param env the environment
     * @param buf a direct buffer that outlives the tensor
     * @param shape the shape
     * @return the tensor; close it (the buffer stays the caller's)
     */
    public static OnnxTensor wrap(OrtEnvironment env, FloatBuffer buf, long... shape) {
        try {
            return OnnxTensor.createTensor(env, buf.duplicate().clear(), shape);
        } catch (OrtException e) {
            throw new ModelException("Cannot create an input tensor: " + e.getMessage(), e);
        }
    }

    /**
     * Wraps a direct long buffer as a tensor without copying.
     *
     * @param env the environment
     * @param buf a direct buffer that outlives the tensor
     * @param shape the shape
     * @return the tensor
     */
    public static OnnxTensor wrap(OrtEnvironment env, LongBuffer buf, long... shape) {
        try {
            return OnnxTensor.createTensor(env, buf.duplicate().clear(), shape);
        } catch (OrtException e) {
            throw new ModelException("Cannot create an input tensor: " + e.getMessage(), e);
        }
    }

    /**
     * A scalar tensor.
     *
     * @param env the environment
     * @param value a boxed Boolean, Float or Long
     * @return the tensor
     */
    public static OnnxTensor scalar(OrtEnvironment env, Object value) {
        try {
            return OnnxTensor.createTensor(env, value);
        } catch (OrtException e) {
            throw new ModelException("Cannot create a scalar tensor: " + e.getMessage(), e);
        }
    }

    /**
     * @param result a run result
     * @param name an output name
     * @return the output as a tensor, owned by the result
     */
    public static OnnxTensor output(OrtSession.Result result, String name) {
        OnnxValue v = result.get(name).orElseThrow(() -> new ModelException("graph output '" + name + "' is missing"));
        if (!(v instanceof OnnxTensor t)) {
            throw new ModelException("graph output '" + name + "' is not a tensor");
        }
        return t;
    }

    /**
     * A tensor over the first {@code count} elements of a direct buffer, without copying.
     *
     * @param env the environment
     * @param buf the buffer
     * @param count elements used
     * @param shape the shape
     * @return the tensor
     */
    static OnnxTensor view(OrtEnvironment env, FloatBuffer buf, int count, long... shape) {
        try {
            return OnnxTensor.createTensor(env, buf.duplicate().clear().limit(count), shape);
        } catch (OrtException e) {
            throw new ModelException("Cannot create a tensor: " + e.getMessage(), e);
        }
    }

    /**
     * @param env the environment
     * @param buf the buffer
     * @param count elements used
     * @param shape the shape
     * @return a tensor over the first {@code count} elements of {@code buf}
     */
    static OnnxTensor view(OrtEnvironment env, LongBuffer buf, int count, long... shape) {
        try {
            return OnnxTensor.createTensor(env, buf.duplicate().clear().limit(count), shape);
        } catch (OrtException e) {
            throw new ModelException("Cannot create a tensor: " + e.getMessage(), e);
        }
    }
}
