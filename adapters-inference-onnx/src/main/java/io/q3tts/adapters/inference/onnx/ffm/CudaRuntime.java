package io.q3tts.adapters.inference.onnx.ffm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * {@code cudaMemcpy}, {@code cudaMemcpy2D} and {@code cudaMemset} from the CUDA runtime ({@code libcudart.so.12}, which ONNX Runtime's CUDA
 * provider loads anyway; {@code scripts/lib/cuda.sh} puts it on the library path).
 *
 * <p>Why: a replayed CUDA graph reads its inputs from the device addresses it was captured with and
 * ONNX Runtime copies nothing on replay, so the step input, mask, position and write index must be
 * written into fixed device buffers before each replay, and the logits read back after it. The
 * ONNX Runtime 1.29 C API's {@code CopyTensors} only serves providers registered as plugins with the
 * environment, not the CUDA provider appended to session options, hence these functions. The same
 * gap makes batch compaction and joins of a device-resident KV cache copy device to device here
 * (strided, {@code cudaMemcpy2D}) and zero the padding columns ({@code cudaMemset}).
 *
 * <p>{@code cudaMemcpyDefault} with unified addressing picks the direction. These calls run on the
 * legacy default stream, which does not order against ONNX Runtime's own stream, and a copy from
 * pageable host memory or within the device may return before the data has landed: callers
 * {@link #synchronize()} after their copies and before the next run (ONNX Runtime's stream is idle
 * between runs, since {@link IoBinding#run} synchronizes its outputs).
 * Thread-safe.
 */
public final class CudaRuntime {

    private static final int CUDA_MEMCPY_DEFAULT = 4;
    private static volatile CudaRuntime instance;
    private final MethodHandle memcpy;
    private final MethodHandle memcpy2d;
    private final MethodHandle memset;
    private final MethodHandle deviceSynchronize;

    private CudaRuntime(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        this.memcpy = linker.downcallHandle(find(lib, "cudaMemcpy"),
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT));
        this.memcpy2d = linker.downcallHandle(find(lib, "cudaMemcpy2D"),
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT));
        this.memset = linker.downcallHandle(find(lib, "cudaMemset"),
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG));
        this.deviceSynchronize = linker.downcallHandle(find(lib, "cudaDeviceSynchronize"), FunctionDescriptor.of(JAVA_INT));
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException("libcudart.so.12 has no " + name));
    }

    /**
     * @return the process's CUDA runtime binding
     * @throws IllegalStateException if {@code libcudart.so.12} cannot be loaded
     */
    public static CudaRuntime get() {
        CudaRuntime r = instance;
        if (r == null) {
            synchronized (CudaRuntime.class) {
                r = instance;
                if (r == null) {
                    SymbolLookup lib;
                    try {
                        lib = SymbolLookup.libraryLookup("libcudart.so.12", Arena.global());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalStateException("cannot load libcudart.so.12 (the CUDA 12 runtime; "
                                + "scripts/lib/cuda.sh installs it): " + e.getMessage(), e);
                    }
                    r = new CudaRuntime(lib);
                    instance = r;
                }
            }
        }
        return r;
    }

    /**
     * Copies bytes between host and device memory (either direction).
     *
     * @param dst destination address
     * @param src source address
     * @param bytes how many
     * @throws IllegalStateException if CUDA reports an error
     */
    public void copy(long dst, long src, long bytes) {
        int err;
        try {
            err = (int) memcpy.invokeExact(dst, src, bytes, CUDA_MEMCPY_DEFAULT);
        } catch (Throwable t) {
            throw OrtApi.rethrow(t);
        }
        check(err, "cudaMemcpy");
    }

    /**
     * Copies {@code height} rows of {@code width} bytes between pitched layouts (either direction).
     *
     * @param dst destination address
     * @param dpitch destination row stride in bytes
     * @param src source address
     * @param spitch source row stride in bytes
     * @param width bytes per row
     * @param height rows
     */
    public void copy2d(long dst, long dpitch, long src, long spitch, long width, long height) {
        int err;
        try {
            err = (int) memcpy2d.invokeExact(dst, dpitch, src, spitch, width, height, CUDA_MEMCPY_DEFAULT);
        } catch (Throwable t) {
            throw OrtApi.rethrow(t);
        }
        check(err, "cudaMemcpy2D");
    }

    /**
     * Zeroes device memory.
     *
     * @param dst device address
     * @param bytes how many
     */
    public void zero(long dst, long bytes) {
        int err;
        try {
            err = (int) memset.invokeExact(dst, 0, bytes);
        } catch (Throwable t) {
            throw OrtApi.rethrow(t);
        }
        check(err, "cudaMemset");
    }

    /** Waits until every copy and kernel issued on the device so far has finished. */
    public void synchronize() {
        int err;
        try {
            err = (int) deviceSynchronize.invokeExact();
        } catch (Throwable t) {
            throw OrtApi.rethrow(t);
        }
        check(err, "cudaDeviceSynchronize");
    }

    private static void check(int err, String what) {
        if (err != 0) {
            throw new IllegalStateException(what + " failed with CUDA error " + err);
        }
    }
}
