package io.q3tts.adapters.inference.onnx.engine;

import io.q3tts.adapters.inference.onnx.ffm.IoBinding;
import io.q3tts.adapters.inference.onnx.ffm.MemoryInfo;
import io.q3tts.adapters.inference.onnx.ffm.NativeRunOptions;
import io.q3tts.adapters.inference.onnx.ffm.NativeSession;
import io.q3tts.adapters.inference.onnx.ffm.NativeValue;
import io.q3tts.adapters.inference.onnx.ffm.OrtApi;
import java.lang.foreign.MemorySegment;
import java.nio.Buffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The talker over a fixed-size KV buffer ({@code talker_static.onnx}, {@code tools/export --static-kv N})
 * through I/O binding: one buffer of {@code [rows, KV, N, D]} per layer and K/V, bound as both
 * {@code past_*} and {@code present_*} of every step, so the graph's ScatterElements writes the new
 * column in place and every step has the same shapes and the same addresses (what CUDA graphs need).
 *
 * <p>The prefill binds zero-filled host tensors as the pasts and lets ONNX Runtime allocate the
 * presents on the KV device: the scatter copies the zeros and writes the prompt's columns, which
 * creates and initialises the buffers in one run (unwritten columns must hold finite values: they
 * are masked, and 0 x NaN would not be). Steps then write column {@code total - 1}
 * ({@code write_index}) with the mask covering the written columns; the host sends per step the
 * step input, the {@code [rows, N]} mask and the positions, and receives {@code logits} and
 * {@code last_hidden}: a constant, whatever the sequence length.
 *
 * <p>Limits: prompt plus generated frames must fit N positions (the engine checks this before it
 * picks this runner and otherwise uses {@link BoundTalkerRunner}); rows never join a running batch
 * ({@link CodeGenerator#continuousBatching()} is false on this path); compaction (a row ended)
 * copies the kept rows into fresh buffers in the cache's memory ({@link KvMemory}, device to
 * device on CUDA). Numerically the attention spans all N columns with the unwritten ones
 * masked to zero weight: the same keys as the growing cache, summed in another blocking, so logits
 * agree to rounding (codes identical; {@code OfficialParityTest} checks this path too).
 *
 * <p><b>CUDA graphs.</b> With {@link GraphSlots} (the session was created with
 * {@code enable_cuda_graph}) the runner leases a slot: fixed buffers for one row, the KV cache and
 * the step's inputs and outputs, reused by every generation that gets that slot. The prefill runs
 * uncaptured ({@code gpu_graph_id} -1) with host inputs and writes the slot's KV buffers (bound as
 * preallocated outputs); every step copies the step input, mask, position and write index into the
 * slot's buffers, runs the one binding that never changes with the slot's graph id (ONNX Runtime
 * captures it after its warm-up runs, then replays it), and copies logits and last hidden state
 * back. Batch 1 per graph; the same code runs on host memory in the tests.
 *
 * <p>Not thread-safe (one runner per batch) except {@link #terminate()}.
 */
final class StaticTalkerRunner implements TalkerRunner {

    private final KvLayout kv;
    private final int maxLength;
    private final int hidden;
    private final int vocab;
    private final FloatBuffer logitsBuf;
    private final FloatBuffer lastHiddenBuf;
    private final FloatBuffer stepBuf;
    private final MemoryInfo cpu;
    private final KvMemory kvMemory;
    private final NativeRunOptions runOptions;
    private final IoBinding binding;
    private final LongBuffer maskBuf;
    private final LongBuffer writeIndex = Tensors.longs(1);
    private final NativeValue writeIndexValue;
    private NativeValue[] cache;
    private int rows;
    private long hostBytes;
    /** CUDA-graph mode: the slot pool, the leased slot, its step binding and run options; else null. */
    private final GraphSlots slots;
    private final GraphSlots.Slot slot;
    private final IoBinding stepBinding;
    private final NativeRunOptions stepOptions;
    /** Graph mode: whether the slot's device mask holds this generation's mask up to the last step. */
    private boolean maskOnDevice;

    /**
     * @param session the fixed-size talker session (C API)
     * @param kv its KV layout
     * @param maxLength N, the buffer's positions
     * @param capacity most rows the batch holds
     * @param logitsBuf host buffer for {@code logits} [capacity, vocab]
     * @param lastHiddenBuf host buffer for {@code last_hidden} [capacity, H]
     * @param stepBuf host buffer of the step input [capacity, 1, H]
     * @param vocab codec vocabulary
     * @param hidden H
     * @param cudaDevice the CUDA device holding the cache, or -1 for host memory
     */
    StaticTalkerRunner(NativeSession session, KvLayout kv, int maxLength, int capacity, FloatBuffer logitsBuf,
                       FloatBuffer lastHiddenBuf, FloatBuffer stepBuf, int vocab, int hidden, int cudaDevice) {
        this(session, kv, maxLength, capacity, logitsBuf, lastHiddenBuf, stepBuf, vocab, hidden, cudaDevice, null);
    }

    /**
     * As above; with {@code slots}, CUDA-graph mode (one row, {@code cudaDevice} is the slots').
     *
     * @param slots the session's graph slots, or null
     */
    StaticTalkerRunner(NativeSession session, KvLayout kv, int maxLength, int capacity, FloatBuffer logitsBuf,
                       FloatBuffer lastHiddenBuf, FloatBuffer stepBuf, int vocab, int hidden, int cudaDevice,
                       GraphSlots slots) {
        this.kv = kv;
        this.maxLength = maxLength;
        this.hidden = hidden;
        this.vocab = vocab;
        this.logitsBuf = logitsBuf;
        this.lastHiddenBuf = lastHiddenBuf;
        this.stepBuf = stepBuf;
        this.maskBuf = Tensors.longs(capacity * maxLength);
        MemoryInfo cpuInfo = null;
        KvMemory kvInfo = null;
        NativeRunOptions options = null;
        IoBinding b = null;
        NativeValue wi = null;
        GraphSlots.Slot leased = null;
        IoBinding sb = null;
        NativeRunOptions so = null;
        try {
            cpuInfo = MemoryInfo.cpu();
            kvInfo = KvMemory.of(session, cudaDevice);
            options = new NativeRunOptions();
            b = session.newBinding();
            wi = NativeValue.wrap(host(writeIndex, 1, Long.BYTES), cpuInfo, OrtApi.INT64, 1);
            if (slots == null && session.options().cudaGraph()) {
                // A CUDA-graph session captures unannotated runs as graph 0; without fixed buffers nothing may be captured.
                options.graphId(-1);
            }
            if (slots != null) {
                if (capacity != 1) {
                    throw new IllegalArgumentException("a CUDA graph holds one row; capacity " + capacity);
                }
                // The prefill's shapes change with the prompt: it must never be captured.
                options.graphId(-1);
                leased = slots.lease();
                so = new NativeRunOptions();
                so.graphId(leased.id);
                sb = session.newBinding();
                sb.bindInput("inputs_embeds", leased.embeds);
                sb.bindInput("attention_mask", leased.mask);
                sb.bindInput("position_ids", leased.pos);
                sb.bindInput("write_index", leased.writeIndex);
                for (int i = 0; i < kv.layers(); i++) {
                    sb.bindInput(kv.pastK()[i], leased.kv[2 * i]);
                    sb.bindInput(kv.pastV()[i], leased.kv[2 * i + 1]);
                }
                sb.bindOutput("logits", leased.logits);
                sb.bindOutput("last_hidden", leased.lastHidden);
                for (int i = 0; i < kv.layers(); i++) {
                    sb.bindOutput(kv.presentK()[i], leased.kv[2 * i]);
                    sb.bindOutput(kv.presentV()[i], leased.kv[2 * i + 1]);
                }
            }
        } catch (RuntimeException ex) {
            for (AutoCloseable c : new AutoCloseable[] {sb, so, wi, b, options, kvInfo, cpuInfo}) {
                closeQuietly(c);
            }
            if (leased != null) {
                slots.release(leased);
            }
            throw ex;
        }
        this.cpu = cpuInfo;
        this.kvMemory = kvInfo;
        this.runOptions = options;
        this.binding = b;
        this.writeIndexValue = wi;
        this.slots = slots;
        this.slot = leased;
        this.stepBinding = sb;
        this.stepOptions = so;
    }

    /** @return N, the positions the buffer holds */
    int maxLength() {
        return maxLength;
    }

    private static MemorySegment host(Buffer buf, long elements, int elementBytes) {
        return MemorySegment.ofBuffer(buf.duplicate().clear()).asSlice(0, elements * elementBytes);
    }

    private void checkFits(int positions) {
        if (positions > maxLength) {
            throw new IllegalStateException("the fixed-size KV cache holds " + maxLength + " positions; this batch needs "
                    + positions);
        }
    }

    /** Copies a {@code [rows, width]} mask into the {@code [rows, N]} mask, zeros after {@code width}. */
    private void fillMask(LongBuffer mask, int n, int width) {
        for (int r = 0; r < n; r++) {
            for (int t = 0; t < maxLength; t++) {
                maskBuf.put(r * maxLength + t, t < width ? mask.get(r * width + t) : 0);
            }
        }
    }

    @Override
    public void prefill(FloatBuffer embeds, LongBuffer mask, LongBuffer pos, int rows, int width) {
        if (mask == null) {
            throw new IllegalStateException("the fixed-size talker needs a version-2 bundle (attention_mask)");
        }
        checkFits(width);
        releaseCache();
        maskOnDevice = false;
        fillMask(mask, rows, width);
        writeIndex.put(0, 0);
        List<NativeValue> in = new ArrayList<>(4);
        NativeValue zeros = null;
        try {
            in.add(NativeValue.wrap(host(embeds, (long) rows * width * hidden, Float.BYTES), cpu, OrtApi.FLOAT,
                    rows, width, hidden));
            in.add(NativeValue.wrap(host(maskBuf, (long) rows * maxLength, Long.BYTES), cpu, OrtApi.INT64, rows, maxLength));
            in.add(NativeValue.wrap(host(pos, (long) rows * width, Long.BYTES), cpu, OrtApi.INT64, rows, width));
            zeros = NativeValue.allocate(kv.elementType(), rows, kv.kvHeads(), maxLength, kv.headDim());
            // The allocator does not zero; every layer's past reads this one tensor.
            zeros.hostData(bufferBytes(rows)).fill((byte) 0);
            binding.clear();
            bindSmall(in.get(0), in.get(1), in.get(2), rows);
            for (int i = 0; i < kv.layers(); i++) {
                binding.bindInput(kv.pastK()[i], zeros);
                binding.bindInput(kv.pastV()[i], zeros);
            }
            for (int i = 0; i < kv.layers(); i++) {
                if (slot != null) {
                    // The slot's buffers: a captured graph reads and writes these addresses.
                    binding.bindOutput(kv.presentK()[i], slot.kv[2 * i]);
                    binding.bindOutput(kv.presentV()[i], slot.kv[2 * i + 1]);
                } else {
                    binding.bindOutputToDevice(kv.presentK()[i], kvMemory.info());
                    binding.bindOutputToDevice(kv.presentV()[i], kvMemory.info());
                }
            }
            binding.run(runOptions);
            NativeValue[] out = binding.outputs();
            if (slot != null) {
                for (NativeValue v : out) {
                    v.close();
                }
                cache = slot.kv;
            } else {
                out[0].close();
                out[1].close();
                cache = new NativeValue[out.length - 2];
                System.arraycopy(out, 2, cache, 0, cache.length);
            }
            this.rows = rows;
            // The zero pasts cross once (on CUDA ONNX Runtime copies them to the device).
            hostBytes += (long) rows * width * (hidden * Float.BYTES + Long.BYTES) + (long) rows * maxLength * Long.BYTES
                    + Long.BYTES + (long) rows * (vocab + hidden) * Float.BYTES + bufferBytes(rows);
        } finally {
            binding.clear();
            in.forEach(NativeValue::close);
            closeQuietly(zeros);
        }
    }

    private long bufferBytes(int n) {
        return (long) n * kv.kvHeads() * maxLength * kv.headDim() * kv.elementBytes();
    }

    /** Binds the step input, mask, positions, write index and the two host outputs. */
    private void bindSmall(NativeValue embeds, NativeValue mask, NativeValue pos, int n) {
        binding.bindInput("inputs_embeds", embeds);
        binding.bindInput("attention_mask", mask);
        binding.bindInput("position_ids", pos);
        binding.bindInput("write_index", writeIndexValue);
        // Output order is the binding order: logits, last_hidden, then K/V per layer.
        try (NativeValue logits = NativeValue.wrap(host(logitsBuf, (long) n * vocab, Float.BYTES), cpu, OrtApi.FLOAT, n, vocab);
             NativeValue last = NativeValue.wrap(host(lastHiddenBuf, (long) n * hidden, Float.BYTES), cpu, OrtApi.FLOAT,
                     n, hidden)) {
            binding.bindOutput("logits", logits);
            binding.bindOutput("last_hidden", last);
        }
    }

    @Override
    public void step(int rows, LongBuffer mask, int total, LongBuffer pos) {
        if (cache == null || rows != this.rows) {
            throw new IllegalStateException("step over " + rows + " rows; the cache holds " + this.rows);
        }
        checkFits(total);
        fillMask(mask, rows, total);
        writeIndex.put(0, total - 1);
        if (slot != null) {
            graphStep(pos, total);
            return;
        }
        List<NativeValue> in = new ArrayList<>(3);
        try {
            in.add(NativeValue.wrap(host(stepBuf, (long) rows * hidden, Float.BYTES), cpu, OrtApi.FLOAT, rows, 1, hidden));
            in.add(NativeValue.wrap(host(maskBuf, (long) rows * maxLength, Long.BYTES), cpu, OrtApi.INT64, rows, maxLength));
            in.add(NativeValue.wrap(host(pos, rows, Long.BYTES), cpu, OrtApi.INT64, rows, 1));
            binding.clear();
            bindSmall(in.get(0), in.get(1), in.get(2), rows);
            for (int i = 0; i < kv.layers(); i++) {
                // The same buffer in and out: the scatter updates it in place.
                binding.bindInput(kv.pastK()[i], cache[2 * i]);
                binding.bindInput(kv.pastV()[i], cache[2 * i + 1]);
            }
            for (int i = 0; i < kv.layers(); i++) {
                binding.bindOutput(kv.presentK()[i], cache[2 * i]);
                binding.bindOutput(kv.presentV()[i], cache[2 * i + 1]);
            }
            binding.run(runOptions);
            hostBytes += (long) rows * (hidden * Float.BYTES + (long) maxLength * Long.BYTES + Long.BYTES) + Long.BYTES
                    + (long) rows * (vocab + hidden) * Float.BYTES;
        } finally {
            binding.clear();
            in.forEach(NativeValue::close);
        }
    }

    /** One row through the slot's fixed buffers: copy in, run (captured or replayed), copy out. */
    private void graphStep(LongBuffer pos, int total) {
        long embedBytes = (long) hidden * Float.BYTES;
        long maskBytes = (long) maxLength * Long.BYTES;
        slots.copy(slot.embeds.dataAddress(), host(stepBuf, hidden, Float.BYTES).address(), embedBytes);
        // The mask only gains the written column from one step to the next: after the first step of a
        // generation only that entry crosses.
        if (maskOnDevice) {
            maskBytes = Long.BYTES;
            slots.copy(slot.mask.dataAddress() + (long) (total - 1) * Long.BYTES,
                    host(maskBuf, maxLength, Long.BYTES).address() + (long) (total - 1) * Long.BYTES, maskBytes);
        } else {
            slots.copy(slot.mask.dataAddress(), host(maskBuf, maxLength, Long.BYTES).address(), maskBytes);
            maskOnDevice = true;
        }
        slots.copy(slot.pos.dataAddress(), host(pos, 1, Long.BYTES).address(), Long.BYTES);
        slots.copy(slot.writeIndex.dataAddress(), host(writeIndex, 1, Long.BYTES).address(), Long.BYTES);
        slots.sync();
        stepBinding.run(stepOptions);
        slots.copy(host(logitsBuf, vocab, Float.BYTES).address(), slot.logits.dataAddress(), (long) vocab * Float.BYTES);
        slots.copy(host(lastHiddenBuf, hidden, Float.BYTES).address(), slot.lastHidden.dataAddress(), embedBytes);
        hostBytes += embedBytes + maskBytes + 2L * Long.BYTES + (long) (vocab + hidden) * Float.BYTES;
    }

    @Override
    public void compact(int[] keep, int oldRows, int pastLength, int drop) {
        if (slot != null) {
            throw new IllegalStateException("a CUDA graph holds one row; it never compacts");
        }
        NativeValue[] fresh = kvMemory.keepRows(cache, kv, keep, maxLength, maxLength, drop, pastLength - drop);
        releaseCache();
        cache = fresh;
        rows = keep.length;
    }

    @Override
    public void join(FloatBuffer embeds, LongBuffer mask, LongBuffer pos, int n, int width, int oldRows, int pastLength) {
        throw new IllegalStateException("rows do not join a batch on the fixed-size KV path");
    }

    private void releaseCache() {
        if (cache != null) {
            if (slot == null) {
                for (NativeValue v : cache) {
                    v.close();
                }
            }
            cache = null;
            rows = 0;
        }
    }

    @Override
    public void terminate() {
        runOptions.terminate();
        if (stepOptions != null) {
            stepOptions.terminate();
        }
    }

    @Override
    public long hostBytes() {
        return hostBytes;
    }

    @Override
    public void close() {
        releaseCache();
        for (AutoCloseable c : new AutoCloseable[] {stepBinding, stepOptions, binding, writeIndexValue, runOptions, kvMemory, cpu}) {
            closeQuietly(c);
        }
        if (slot != null) {
            slots.release(slot);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // releasing native handles does not fail in practice; keep releasing the rest
        }
    }
}
