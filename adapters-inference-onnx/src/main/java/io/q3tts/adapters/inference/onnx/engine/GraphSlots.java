package io.q3tts.adapters.inference.onnx.engine;

import io.q3tts.adapters.inference.onnx.ffm.CudaRuntime;
import io.q3tts.adapters.inference.onnx.ffm.MemoryInfo;
import io.q3tts.adapters.inference.onnx.ffm.NativeSession;
import io.q3tts.adapters.inference.onnx.ffm.NativeValue;
import io.q3tts.adapters.inference.onnx.ffm.OrtApi;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The buffer sets of the fixed-size KV talker's CUDA graphs, one per graph id, reused across
 * generations: a captured graph replays with the addresses it was captured with, so a generation
 * must run on buffers that a graph of its id already uses (or will capture), never fresh ones.
 *
 * <p>A slot holds one row (on CUDA the engine runs this path one row at a time): the KV buffers
 * {@code [1, KV, N, D]} per layer and K/V, and the step's fixed inputs ({@code inputs_embeds},
 * {@code attention_mask} [1, N], {@code position_ids}, {@code write_index}) and outputs
 * ({@code logits}, {@code last_hidden}), all allocated through the session's allocator in the KV
 * memory. The host copies into and out of them with {@link #copy} ({@code cudaMemcpy} on CUDA, a
 * plain copy for host memory, which is how the tests run the same code on the CPU).
 *
 * <p>Slots are created on demand (one per concurrent generation) and kept until the session closes
 * (attached to it, so they are freed before the session's allocator goes). Thread-safe.
 */
final class GraphSlots implements AutoCloseable {

    /** Host-or-device copies by address, and the wait for them to land. */
    interface Copier {
        void copy(long dst, long src, long bytes);

        default void sync() {
        }
    }

    /** One graph id's fixed buffers. */
    static final class Slot {
        final int id;
        final NativeValue[] kv;
        final NativeValue embeds;
        final NativeValue mask;
        final NativeValue pos;
        final NativeValue writeIndex;
        final NativeValue logits;
        final NativeValue lastHidden;

        private Slot(int id, NativeValue[] kv, NativeValue embeds, NativeValue mask, NativeValue pos, NativeValue writeIndex,
                     NativeValue logits, NativeValue lastHidden) {
            this.id = id;
            this.kv = kv;
            this.embeds = embeds;
            this.mask = mask;
            this.pos = pos;
            this.writeIndex = writeIndex;
            this.logits = logits;
            this.lastHidden = lastHidden;
        }

        private void close() {
            for (NativeValue v : kv) {
                v.close();
            }
            for (NativeValue v : new NativeValue[] {embeds, mask, pos, writeIndex, logits, lastHidden}) {
                v.close();
            }
        }
    }

    private final NativeSession session;
    private final KvLayout kv;
    private final int maxLength;
    private final int hidden;
    private final int vocab;
    private final int cudaDevice;
    private final MemoryInfo memory;
    private final NativeSession.Allocator allocator;
    private final Copier copier;
    private final Deque<Slot> free = new ArrayDeque<>();
    private final List<Slot> all = new ArrayList<>();
    private boolean closed;

    /**
     * @param session the fixed-size talker session (with CUDA graphs on CUDA)
     * @param kv its KV layout
     * @param maxLength N
     * @param hidden H
     * @param vocab codec vocabulary
     * @param cudaDevice the CUDA device, or -1 for host memory (tests)
     */
    GraphSlots(NativeSession session, KvLayout kv, int maxLength, int hidden, int vocab, int cudaDevice) {
        this.session = session;
        this.kv = kv;
        this.maxLength = maxLength;
        this.hidden = hidden;
        this.vocab = vocab;
        this.cudaDevice = cudaDevice;
        this.copier = cudaDevice >= 0 ? cudaCopier(CudaRuntime.get()) : GraphSlots::hostCopy;
        this.memory = cudaDevice >= 0 ? MemoryInfo.cuda(cudaDevice) : MemoryInfo.cpu();
        try {
            this.allocator = session.allocator(memory);
        } catch (RuntimeException e) {
            memory.close();
            throw e;
        }
        session.attach(this);
    }

    private static Copier cudaCopier(CudaRuntime cuda) {
        return new Copier() {
            @Override
            public void copy(long dst, long src, long bytes) {
                cuda.copy(dst, src, bytes);
            }

            @Override
            public void sync() {
                cuda.synchronize();
            }
        };
    }

    /** Waits for the copies into the slot to land before a run reads them. */
    void sync() {
        copier.sync();
    }

    private static void hostCopy(long dst, long src, long bytes) {
        MemorySegment.copy(MemorySegment.ofAddress(src).reinterpret(bytes), 0, MemorySegment.ofAddress(dst).reinterpret(bytes),
                0, bytes);
    }

    /** @return whether the buffers are device memory */
    boolean device() {
        return cudaDevice >= 0;
    }

    /** @return host memory info of the KV memory (for binding the prefill's outputs) */
    MemoryInfo memory() {
        return memory;
    }

    void copy(long dst, long src, long bytes) {
        copier.copy(dst, src, bytes);
    }

    /** @return a free slot, or a new one with a new graph id */
    synchronized Slot lease() {
        if (closed) {
            throw new IllegalStateException("the talker session is closed");
        }
        Slot s = free.pollFirst();
        if (s == null) {
            s = create();
            all.add(s);
        }
        return s;
    }

    synchronized void release(Slot s) {
        if (!closed) {
            free.addFirst(s);
        }
    }

    private Slot create() {
        List<NativeValue> made = new ArrayList<>();
        try {
            NativeValue[] kvs = new NativeValue[2 * kv.layers()];
            for (int i = 0; i < kvs.length; i++) {
                kvs[i] = add(made, NativeValue.allocate(allocator, kv.elementType(), 1, kv.kvHeads(), maxLength, kv.headDim()));
            }
            return new Slot(session.nextGraphId(), kvs,
                    add(made, NativeValue.allocate(allocator, OrtApi.FLOAT, 1, 1, hidden)),
                    add(made, NativeValue.allocate(allocator, OrtApi.INT64, 1, maxLength)),
                    add(made, NativeValue.allocate(allocator, OrtApi.INT64, 1, 1)),
                    add(made, NativeValue.allocate(allocator, OrtApi.INT64, 1)),
                    add(made, NativeValue.allocate(allocator, OrtApi.FLOAT, 1, vocab)),
                    add(made, NativeValue.allocate(allocator, OrtApi.FLOAT, 1, hidden)));
        } catch (RuntimeException e) {
            made.forEach(NativeValue::close);
            throw e;
        }
    }

    private static NativeValue add(List<NativeValue> made, NativeValue v) {
        made.add(v);
        return v;
    }

    /** Frees every slot; called by the session's close before the session goes. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        all.forEach(Slot::close);
        all.clear();
        free.clear();
        allocator.close();
        memory.close();
    }
}
