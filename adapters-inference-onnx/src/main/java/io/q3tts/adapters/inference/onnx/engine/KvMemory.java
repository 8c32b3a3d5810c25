package io.q3tts.adapters.inference.onnx.engine;

import io.q3tts.adapters.inference.onnx.ffm.CudaRuntime;
import io.q3tts.adapters.inference.onnx.ffm.MemoryInfo;
import io.q3tts.adapters.inference.onnx.ffm.NativeSession;
import io.q3tts.adapters.inference.onnx.ffm.NativeValue;
import java.lang.foreign.MemorySegment;

/**
 * Where a talker runner's KV cache lives, and the few operations the runner does on it itself:
 * allocate a tensor, copy (strided) and zero by address. Host memory uses plain memory copies; a
 * CUDA device the session's device allocator and the CUDA runtime ({@link CudaRuntime}), so batch
 * compaction and joins stay on the device. The address-based code is the same for both, which is
 * what lets the CPU tests cover the device path's logic.
 *
 * <p>Owned by one runner; {@link #close()} after every value it allocated is closed.
 */
final class KvMemory implements AutoCloseable {

    private final MemoryInfo info;
    private final NativeSession session;
    private final boolean device;
    /** The session's device allocator, made on the first device allocation (compaction or join). */
    private NativeSession.Allocator allocator;
    /** Loaded on the first device copy: a generation that never compacts or joins never needs it. */
    private CudaRuntime cuda;

    private KvMemory(MemoryInfo info, NativeSession session, boolean device) {
        this.info = info;
        this.session = session;
        this.device = device;
    }

    private CudaRuntime cuda() {
        if (cuda == null) {
            cuda = CudaRuntime.get();
        }
        return cuda;
    }

    /**
     * @param session the session whose device allocator serves a CUDA cache
     * @param cudaDevice the CUDA device, or -1 for host memory
     * @return the memory; close it
     */
    static KvMemory of(NativeSession session, int cudaDevice) {
        if (cudaDevice < 0) {
            return new KvMemory(MemoryInfo.cpu(), session, false);
        }
        return new KvMemory(MemoryInfo.cuda(cudaDevice), session, true);
    }

    /** @return the memory info (to bind outputs to this memory) */
    MemoryInfo info() {
        return info;
    }

    /** @return whether this is device memory */
    boolean device() {
        return device;
    }

    /** A tensor in this memory; its contents are undefined. */
    NativeValue allocate(int elementType, long... shape) {
        if (!device) {
            return NativeValue.allocate(elementType, shape);
        }
        if (allocator == null) {
            allocator = session.allocator(info);
        }
        return NativeValue.allocate(allocator, elementType, shape);
    }

    /** Copies {@code height} rows of {@code width} bytes between pitched layouts (addresses in this memory or host). */
    void copy2d(long dst, long dpitch, long src, long spitch, long width, long height) {
        if (width == 0 || height == 0) {
            return;
        }
        if (device) {
            cuda().copy2d(dst, dpitch, src, spitch, width, height);
            return;
        }
        MemorySegment s = MemorySegment.ofAddress(src).reinterpret(spitch * (height - 1) + width);
        MemorySegment d = MemorySegment.ofAddress(dst).reinterpret(dpitch * (height - 1) + width);
        for (long r = 0; r < height; r++) {
            MemorySegment.copy(s, r * spitch, d, r * dpitch, width);
        }
    }

    /** Copies bytes (addresses in this memory or host). */
    void copy(long dst, long src, long bytes) {
        copy2d(dst, bytes, src, bytes, bytes, 1);
    }

    /** Zeroes bytes in this memory. */
    void zero(long dst, long bytes) {
        if (device) {
            cuda().zero(dst, bytes);
        } else {
            MemorySegment.ofAddress(dst).reinterpret(bytes).fill((byte) 0);
        }
    }

    /**
     * The kept rows of a batch's KV tensors, copied into new tensors of this memory (one strided copy
     * per row and tensor, device to device on CUDA): row {@code r} of the result is row
     * {@code keep[r]} of the source with its first {@code drop} positions (padding no kept row needs
     * any more) left out. Positions past {@code length} in a larger buffer are zeroed.
     *
     * @param src the per-layer tensors [rows, heads, srcCapacity, headDim]; left as they are
     * @param kv their layout
     * @param keep the source rows to keep, in their new order
     * @param srcCapacity positions per head in {@code src}
     * @param dstCapacity positions per head in the new tensors, &gt;= {@code length}
     * @param drop leading positions left out of every kept row
     * @param length positions kept per head
     * @return the new tensors (the caller owns them); none are left open if a copy fails
     */
    NativeValue[] keepRows(NativeValue[] src, KvLayout kv, int[] keep, int srcCapacity, int dstCapacity, int drop,
                           int length) {
        int heads = kv.kvHeads();
        long rowBytes = (long) kv.headDim() * kv.elementBytes();
        long srcLine = srcCapacity * rowBytes;
        long dstLine = dstCapacity * rowBytes;
        NativeValue[] fresh = new NativeValue[src.length];
        try {
            for (int i = 0; i < src.length; i++) {
                fresh[i] = allocate(kv.elementType(), keep.length, heads, dstCapacity, kv.headDim());
                long dst = fresh[i].dataAddress();
                if (dstCapacity > length) {
                    zero(dst, keep.length * heads * dstLine);
                }
                for (int r = 0; r < keep.length; r++) {
                    copy2d(dst + r * heads * dstLine, dstLine, src[i].dataAddress() + keep[r] * heads * srcLine
                            + drop * rowBytes, srcLine, length * rowBytes, heads);
                }
            }
            sync();
            return fresh;
        } catch (RuntimeException e) {
            for (NativeValue v : fresh) {
                if (v != null) {
                    v.close();
                }
            }
            throw e;
        }
    }

    /** Waits for this memory's copies to land (a no-op on the host); call before the next run reads them. */
    void sync() {
        if (device) {
            cuda().synchronize();
        }
    }

    @Override
    public void close() {
        if (allocator != null) {
            allocator.close();
        }
        info.close();
    }
}
