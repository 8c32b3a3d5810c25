package io.q3tts.adapters.inference.onnx.engine;

import ai.onnxruntime.OrtException;

/**
 * Runs the talker graph for one generation and owns its KV cache between runs.
 *
 * <p>The seam between the frame loop ({@link CodeGenerator}) and how tensors reach ONNX Runtime:
 * {@link JavaTalkerRunner} uses the Microsoft Java binding (every tensor is host memory, so on a GPU
 * the whole KV cache crosses the bus twice per step); {@link BoundTalkerRunner} uses I/O binding
 * through the C API ({@code ffm} package) and keeps the cache where the graph produced it.
 *
 * <p>Contract: every run writes {@code logits} [1, vocab] and {@code last_hidden} [1, H] into the
 * host buffers the runner was opened with; {@link #step()} reads the step input from its host buffer.
 * One runner serves one generation on one thread; {@link #close()} frees the cache.
 */
interface TalkerRunner extends AutoCloseable {

    /**
     * Runs the prompt with an empty past.
     *
     * @param embeds {@code [1, length, H]} floats, a direct buffer read from index 0
     * @param length prompt positions
     * @throws OrtException if the Java binding fails (the C API path throws unchecked exceptions)
     */
    void prefill(java.nio.FloatBuffer embeds, int length) throws OrtException;

    /**
     * Runs one position with the cached past.
     *
     * @throws OrtException if the Java binding fails
     */
    void step() throws OrtException;

    /**
     * Bytes of host-memory tensors handed to or received from ONNX Runtime so far: what crosses
     * the bus on a GPU. With the Java binding this includes the whole past and present KV of
     * every run; with I/O binding only the step input, logits and last hidden state.
     *
     * @return the byte count
     */
    long hostBytes();

    /** Frees the KV cache and every native object of this runner. */
    @Override
    void close();
}
