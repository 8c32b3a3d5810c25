package io.q3tts.adapters.inference.onnx.engine;

/** How the talker graph reaches ONNX Runtime ({@link TalkerRunner}). */
public enum TalkerPath {
    /** The Microsoft Java binding: every tensor is host memory (the default). */
    JAVA_BINDING,
    /** I/O binding through the C API: the KV cache stays on the device ({@code engine.device_kv}). */
    IO_BINDING
}
