package io.q3tts.adapters.inference.onnx.engine;

import ai.onnxruntime.OrtException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * Runs the talker graph for one batch of the frame loop and owns its KV cache between runs.
 *
 * <p>The seam between the frame loop ({@link CodeGenerator}) and how tensors reach ONNX Runtime:
 * {@link JavaTalkerRunner} uses the Microsoft Java binding (every tensor is host memory, so on a GPU
 * the whole KV cache crosses the bus twice per step); {@link BoundTalkerRunner} uses I/O binding
 * through the C API ({@code ffm} package) and keeps the cache where the graph produced it;
 * {@link StaticTalkerRunner} runs the fixed-size KV talker in place (CUDA graphs on a GPU).
 *
 * <p>Contract: the runner is opened over the loop's host buffers ({@code logits} [capacity, vocab],
 * {@code last_hidden} [capacity, H], the step input [capacity, 1, H]); every run writes the first
 * {@code rows} rows of the two outputs, and {@link #step} reads the first {@code rows} rows of the
 * step input. {@code mask} and {@code pos} are null for a version-1 talker (no {@code attention_mask}
 * input). One runner serves one batch on one thread; {@link #close()} frees the cache.
 */
interface TalkerRunner extends AutoCloseable {

    /**
     * Runs the left-padded prompts with an empty past; a cache left from earlier rows is dropped.
     *
     * @param embeds {@code [rows, width, H]} floats from index 0
     * @param mask {@code [rows, width]} attention mask, or null (version 1)
     * @param pos {@code [rows, width]} positions, or null (version 1)
     * @param rows batch rows
     * @param width padded prompt length
     * @throws OrtException if the Java binding fails (the C API path throws unchecked exceptions)
     */
    void prefill(FloatBuffer embeds, LongBuffer mask, LongBuffer pos, int rows, int width) throws OrtException;

    /**
     * Runs one position per row with the cached past.
     *
     * @param rows batch rows (the cache's rows)
     * @param mask {@code [rows, total]} attention mask from index 0, or null (version 1)
     * @param total past length + 1
     * @param pos {@code [rows, 1]} positions from index 0, or null (version 1)
     * @throws OrtException if the Java binding fails
     */
    void step(int rows, LongBuffer mask, int total, LongBuffer pos) throws OrtException;

    /**
     * Keeps the cache rows {@code keep} (in that order) and drops the first {@code drop} positions.
     *
     * @param keep old row indices to keep
     * @param oldRows rows in the cache now
     * @param pastLength positions in the cache now
     * @param drop leading positions (padding no kept row needs) to drop
     */
    void compact(int[] keep, int oldRows, int pastLength, int drop);

    /**
     * Adds rows to the running batch at a frame boundary (continuous batching): runs the joining
     * rows' left-padded prompts with an empty past, then merges their KV after the cache's rows,
     * both sides left-padded (with zeros, under mask 0) to {@code max(pastLength, width)} positions.
     * The joining rows' {@code logits} and {@code last_hidden} go to rows {@code oldRows..} of the
     * host buffers; rows {@code 0..oldRows-1} keep the last step's. Version-2 talkers only.
     *
     * @param embeds {@code [n, width, H]} floats from index 0
     * @param mask {@code [n, width]} attention mask of the joining rows
     * @param pos {@code [n, width]} positions of the joining rows
     * @param n joining rows
     * @param width their padded prompt length
     * @param oldRows rows in the cache now
     * @param pastLength positions in the cache now
     * @throws OrtException if the Java binding fails
     */
    void join(FloatBuffer embeds, LongBuffer mask, LongBuffer pos, int n, int width, int oldRows, int pastLength)
            throws OrtException;

    /** Asks a running graph to stop (all rows cancelled); thread-safe. */
    void terminate();

    /**
     * Bytes of host-memory tensors handed to or received from ONNX Runtime so far: what crosses
     * the bus on a GPU. With the Java binding this includes the whole past and present KV of
     * every run; with I/O binding only the step input, mask, positions, logits and last hidden state.
     *
     * @return the byte count
     */
    long hostBytes();

    /** Frees the KV cache and every native object of this runner. */
    @Override
    void close();
}
