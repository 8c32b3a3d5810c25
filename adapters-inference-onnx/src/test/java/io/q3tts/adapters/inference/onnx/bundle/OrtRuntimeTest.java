package io.q3tts.adapters.inference.onnx.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The provider decision's one-line reasons. */
class OrtRuntimeTest {

    /** The message ONNX Runtime 1.29's Java binding gives on a machine without the CUDA 12 libraries. */
    private static final String MISSING = "Error code - ORT_FAIL - message: /onnxruntime_src/onnxruntime/core/session/"
            + "provider_bridge_ort.cc:1988 onnxruntime::Provider& onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError]"
            + " : 1 : FAIL : Failed to load library /tmp/onnxruntime-java1/libonnxruntime_providers_cuda.so with error:"
            + " libcublasLt.so.12: cannot open shared object file: No such file or directory";

    @Test
    void aMissingCudaLibraryBecomesOneShortClause() {
        assertEquals("libcublasLt.so.12 not found: CUDA 12 runtime libraries missing (./q3tts installs them on a machine"
                + " with an NVIDIA GPU)", OrtRuntime.cudaFailure(MISSING));
        assertTrue(OrtRuntime.cudaFailure(MISSING.replace("libcublasLt.so.12", "libcudnn.so.9")).contains("cuDNN 9"));
        assertTrue(OrtRuntime.cudaFailure("x".repeat(500)).length() <= 160);
        assertEquals("no detail", OrtRuntime.cudaFailure(null));
    }

    @Test
    void autoOnACpuMachineDoesNotTryCuda() {
        boolean gpu = OrtRuntime.nvidiaDriverPresent();
        try (OrtRuntime r = new OrtRuntime(OnnxRuntimeConfig.defaults())) {
            if (!gpu) {
                assertFalse(r.usesCuda());
                assertEquals("CPU (no NVIDIA GPU found)", r.providerDescription());
            } else {
                assertFalse(r.providerDescription().contains("\n"));
            }
        }
    }
}
