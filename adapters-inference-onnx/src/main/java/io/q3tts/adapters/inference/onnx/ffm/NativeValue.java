package io.q3tts.adapters.inference.onnx.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One {@code OrtValue} (a tensor) owned by this object; {@link #close()} releases it. A value made
 * by {@link #wrap} views memory the caller owns and must keep alive longer than the value; a value
 * returned by a run ({@link IoBinding#outputs()}) owns a reference to ONNX Runtime's buffer, which
 * may be device memory that Java never reads. Not thread-safe.
 */
public final class NativeValue implements AutoCloseable {

    private final OrtApi api;
    private MemorySegment handle;

    NativeValue(OrtApi api, MemorySegment handle) {
        this.api = api;
        this.handle = handle;
    }

    /**
     * A tensor over host memory, without copying.
     *
     * @param host the bytes (e.g. {@code MemorySegment.ofBuffer} of a direct buffer); must outlive the value
     * @param cpu host memory info
     * @param elementType an {@code ONNXTensorElementDataType}
     * @param shape the shape
     * @return the value
     */
    public static NativeValue wrap(MemorySegment host, MemoryInfo cpu, int elementType, long... shape) {
        OrtApi api = OrtApi.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dims = a.allocateFrom(JAVA_LONG, shape);
            MemorySegment out = a.allocate(ADDRESS);
            api.check((MemorySegment) api.createTensorWithDataAsOrtValue.invokeExact(cpu.handle(), host, host.byteSize(),
                    dims, (long) shape.length, elementType, out), "CreateTensorWithDataAsOrtValue");
            return new NativeValue(api, out.get(ADDRESS, 0));
        } catch (Throwable t) {
            throw OrtApi.rethrow(t);
        }
    }

    /**
     * A tensor allocated by ONNX Runtime's default (host) allocator, e.g. an empty KV past.
     *
     * @param elementType an {@code ONNXTensorElementDataType}
     * @param shape the shape
     * @return the value
     */
    public static NativeValue allocate(int elementType, long... shape) {
        return create(OrtApi.get().allocator(), elementType, shape);
    }

    /**
     * A tensor allocated by ONNX Runtime in the given memory through a session's allocator (on CUDA,
     * the device arena). Its contents are undefined until written.
     *
     * @param allocator the session allocator ({@link NativeSession#allocator})
     * @param elementType an {@code ONNXTensorElementDataType}
     * @param shape the shape
     * @return the value; close it before the session
     */
    public static NativeValue allocate(NativeSession.Allocator allocator, int elementType, long... shape) {
        return create(allocator.handle(), elementType, shape);
    }

    private static NativeValue create(MemorySegment allocator, int elementType, long[] shape) {
        OrtApi api = OrtApi.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dims = a.allocateFrom(JAVA_LONG, shape);
            MemorySegment out = a.allocate(ADDRESS);
            api.check((MemorySegment) api.createTensorAsOrtValue.invokeExact(allocator, dims, (long) shape.length,
                    elementType, out), "CreateTensorAsOrtValue");
            return new NativeValue(api, out.get(ADDRESS, 0));
        } catch (Throwable t) {
            throw OrtApi.rethrow(t);
        }
    }

    /**
     * The address of the tensor's data: a host pointer for host memory, a device pointer (never
     * dereferenced by Java) for device memory.
     *
     * @return the address
     */
    public long dataAddress() {
        return hostData(0).address();
    }

    /** @return the element type and shape */
    public TensorType type() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            api.check((MemorySegment) api.getTensorTypeAndShape.invokeExact(handle(), out), "GetTensorTypeAndShape");
            MemorySegment info = out.get(ADDRESS, 0);
            try {
                return TensorType.read(api, info);
            } finally {
                api.releaseTensorTypeAndShapeInfo.invokeExact(info);
            }
        } catch (Throwable t) {
            throw OrtApi.rethrow(t);
        }
    }

    /**
     * The tensor's bytes, for a value in host memory (ONNX Runtime gives device values a device
     * pointer, which the host must not touch).
     *
     * @param bytes the tensor's byte size
     * @return a segment over its data, valid while this value is open
     */
    public MemorySegment hostData(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            api.check((MemorySegment) api.getTensorMutableData.invokeExact(handle(), out), "GetTensorMutableData");
            return out.get(ADDRESS, 0).reinterpret(bytes);
        } catch (Throwable t) {
            throw OrtApi.rethrow(t);
        }
    }

    MemorySegment handle() {
        if (handle == null) {
            throw new IllegalStateException("value closed");
        }
        return handle;
    }

    @Override
    public void close() {
        if (handle != null) {
            try {
                api.releaseValue.invokeExact(handle);
            } catch (Throwable t) {
                throw OrtApi.rethrow(t);
            }
            handle = null;
        }
    }
}
