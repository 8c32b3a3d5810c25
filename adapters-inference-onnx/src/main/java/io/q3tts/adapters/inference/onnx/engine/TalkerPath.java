package io.q3tts.adapters.inference.onnx.engine;

/** How the talker graph reaches ONNX Runtime ({@link TalkerRunner}). */
public enum TalkerPath {
    /** The Microsoft Java binding: every tensor is host memory (the default). */
    JAVA_BINDING,
    /** I/O binding through the C API: the KV cache stays on the device ({@code engine.device_kv}). */
    IO_BINDING,
    /**
     * I/O binding over the fixed-size KV talker ({@code talker_static.onnx}, {@code engine.static_kv}):
     * the cache is updated in place with constant shapes and addresses; batches that may outgrow
     * it run as {@link #IO_BINDING}.
     */
    STATIC_KV
}
