package io.q3tts.adapters.inference.onnx.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * An {@code OrtMemoryInfo}: where a tensor's bytes live. {@link #cpu()} describes host memory (every
 * tensor the Java side reads or writes); {@link #cuda(int)} the arena of a CUDA device, used to keep
 * outputs on the device. Not thread-safe to close; immutable otherwise.
 */
public final class MemoryInfo implements AutoCloseable {

    private static final int ARENA_ALLOCATOR = 1;
    private static final int MEM_TYPE_DEFAULT = 0;

    private final OrtApi api;
    private final boolean device;
    private MemorySegment handle;

    private MemoryInfo(OrtApi api, MemorySegment handle, boolean device) {
        this.api = api;
        this.handle = handle;
        this.device = device;
    }

    /** @return host memory (the CPU arena) */
    public static MemoryInfo cpu() {
        OrtApi api = OrtApi.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            api.check((MemorySegment) api.createCpuMemoryInfo.invokeExact(ARENA_ALLOCATOR, MEM_TYPE_DEFAULT, out),
                    "CreateCpuMemoryInfo");
            return new MemoryInfo(api, out.get(ADDRESS, 0), false);
        } catch (Throwable t) {
            throw OrtApi.rethrow(t);
        }
    }

    /**
     * @param deviceId the CUDA device
     * @return that device's memory
     */
    public static MemoryInfo cuda(int deviceId) {
        OrtApi api = OrtApi.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            api.check((MemorySegment) api.createMemoryInfo.invokeExact(a.allocateFrom("Cuda"), ARENA_ALLOCATOR, deviceId,
                    MEM_TYPE_DEFAULT, out), "CreateMemoryInfo(Cuda)");
            return new MemoryInfo(api, out.get(ADDRESS, 0), true);
        } catch (Throwable t) {
            throw OrtApi.rethrow(t);
        }
    }

    /** @return whether this is device (not host) memory */
    public boolean device() {
        return device;
    }

    MemorySegment handle() {
        if (handle == null) {
            throw new IllegalStateException("memory info closed");
        }
        return handle;
    }

    @Override
    public void close() {
        if (handle != null) {
            try {
                api.releaseMemoryInfo.invokeExact(handle);
            } catch (Throwable t) {
                throw OrtApi.rethrow(t);
            }
            handle = null;
        }
    }
}
