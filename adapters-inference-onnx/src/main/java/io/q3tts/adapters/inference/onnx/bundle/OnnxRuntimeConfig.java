package io.q3tts.adapters.inference.onnx.bundle;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How ONNX Runtime sessions are created.
 *
 * @param provider the execution provider wanted
 * @param cudaDeviceId the CUDA device index, &gt;= 0
 * @param intraOpThreads threads per operator on the CPU; 0 lets ONNX Runtime decide
 * @param interOpThreads threads across operators; 0 lets ONNX Runtime decide
 * @param sharedThreadPool run every session on one process-wide thread pool (the default). With a
 *     pool per session, the pool of the graph that just finished keeps spinning while the next
 *     graph runs, and the talker, code predictor and decoder alternate every frame: measured 20%
 *     slower per frame on 2 cores (docs/performance.md). The first runtime of a process sizes the
 *     pool; the flag is ignored when something else created the ONNX Runtime environment first.
 * @param spinning let idle pool threads spin for work (ONNX Runtime's default); turning it off
 *     helps only on a CPU that other processes keep busy
 * @param profileDir null (the default): no profiling. Otherwise ONNX Runtime's own profiler runs in
 *     every session created with this configuration, through either binding, and writes one
 *     Chrome-trace JSON file per session into this folder (and nowhere else) when the session ends
 *     ({@code tools/bench/ort_profile.py} summarizes them). A diagnostic: the profiler records every
 *     node of every run in memory and slows runs down, so it is never on in a server.
 */
public record OnnxRuntimeConfig(ExecutionProvider provider, int cudaDeviceId, int intraOpThreads, int interOpThreads,
                                boolean sharedThreadPool, boolean spinning, Path profileDir) {

    /** @throws IllegalArgumentException on a negative count */
    public OnnxRuntimeConfig {
        Objects.requireNonNull(provider, "provider");
        if (cudaDeviceId < 0 || intraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException("device id and thread counts must be >= 0");
        }
        // Absolute, so that the files land where the caller meant even if ONNX Runtime resolves later.
        profileDir = profileDir == null ? null : profileDir.toAbsolutePath().normalize();
    }

    /** Without profiling. */
    public OnnxRuntimeConfig(ExecutionProvider provider, int cudaDeviceId, int intraOpThreads, int interOpThreads,
                             boolean sharedThreadPool, boolean spinning) {
        this(provider, cudaDeviceId, intraOpThreads, interOpThreads, sharedThreadPool, spinning, null);
    }

    /** The default thread-pool settings: one shared pool, spinning allowed. */
    public OnnxRuntimeConfig(ExecutionProvider provider, int cudaDeviceId, int intraOpThreads, int interOpThreads) {
        this(provider, cudaDeviceId, intraOpThreads, interOpThreads, true, true);
    }

    /**
     * @param dir the folder for the profile files, or null for none
     * @return this configuration with ONNX Runtime's profiler on (see {@link #profileDir()})
     */
    public OnnxRuntimeConfig withProfiling(Path dir) {
        return new OnnxRuntimeConfig(provider, cudaDeviceId, intraOpThreads, interOpThreads, sharedThreadPool, spinning,
                dir);
    }

    /** @return CUDA when available, else the CPU, ONNX Runtime's thread defaults */
    public static OnnxRuntimeConfig defaults() {
        return new OnnxRuntimeConfig(ExecutionProvider.AUTO, 0, 0, 0);
    }

    /** @return the CPU only, ONNX Runtime's thread defaults (tests, parity) */
    public static OnnxRuntimeConfig cpu() {
        return new OnnxRuntimeConfig(ExecutionProvider.CPU, 0, 0, 0);
    }
}
