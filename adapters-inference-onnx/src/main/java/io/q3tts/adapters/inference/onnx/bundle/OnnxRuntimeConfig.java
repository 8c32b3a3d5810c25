package io.q3tts.adapters.inference.onnx.bundle;

import java.util.Objects;

/**
 * How ONNX Runtime sessions are created.
 *
 * @param provider the execution provider wanted
 * @param cudaDeviceId the CUDA device index, &gt;= 0
 * @param intraOpThreads threads per operator on the CPU; 0 lets ONNX Runtime decide
 * @param interOpThreads threads across operators; 0 lets ONNX Runtime decide
 */
public record OnnxRuntimeConfig(ExecutionProvider provider, int cudaDeviceId, int intraOpThreads, int interOpThreads) {

    /** @throws IllegalArgumentException on a negative count */
    public OnnxRuntimeConfig {
        Objects.requireNonNull(provider, "provider");
        if (cudaDeviceId < 0 || intraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException("device id and thread counts must be >= 0");
        }
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
