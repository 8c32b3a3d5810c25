package io.q3tts.adapters.inference.onnx.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A tensor's element type and shape, as a graph declares it (-1 for a dynamic dimension) or as a
 * value has it.
 *
 * @param elementType an {@code ONNXTensorElementDataType} ({@link OrtApi#FLOAT}, {@link OrtApi#FLOAT16}, ...)
 * @param shape the dimensions
 */
public record TensorType(int elementType, long[] shape) {

    /** @return bytes per element of the types this package uses */
    public int elementBytes() {
        return switch (elementType) {
            case OrtApi.FLOAT16 -> 2;
            case OrtApi.FLOAT -> 4;
            case OrtApi.INT64 -> 8;
            default -> throw new IllegalStateException("unexpected tensor element type " + elementType);
        };
    }

    /** Reads an {@code OrtTensorTypeAndShapeInfo} (not released here). */
    static TensorType read(OrtApi api, MemorySegment info) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment type = a.allocate(JAVA_INT);
            api.check((MemorySegment) api.getTensorElementType.invokeExact(info, type), "GetTensorElementType");
            MemorySegment count = a.allocate(JAVA_LONG);
            api.check((MemorySegment) api.getDimensionsCount.invokeExact(info, count), "GetDimensionsCount");
            long n = count.get(JAVA_LONG, 0);
            MemorySegment dims = a.allocate(JAVA_LONG, Math.max(1, n));
            api.check((MemorySegment) api.getDimensions.invokeExact(info, dims, n), "GetDimensions");
            long[] shape = new long[(int) n];
            for (int i = 0; i < n; i++) {
                shape[i] = dims.getAtIndex(JAVA_LONG, i);
            }
            return new TensorType(type.get(JAVA_INT, 0), shape);
        }
    }

    /** Reads the tensor type of an {@code OrtTypeInfo} (not released here). */
    static TensorType ofTypeInfo(OrtApi api, MemorySegment typeInfo) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            api.check((MemorySegment) api.castTypeInfoToTensorInfo.invokeExact(typeInfo, out), "CastTypeInfoToTensorInfo");
            MemorySegment tensorInfo = out.get(ADDRESS, 0);
            if (tensorInfo.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("graph input is not a tensor");
            }
            return read(api, tensorInfo);
        }
    }
}
