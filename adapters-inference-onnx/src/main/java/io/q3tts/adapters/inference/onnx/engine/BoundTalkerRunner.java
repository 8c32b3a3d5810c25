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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The talker over I/O binding (ONNX Runtime C API through {@code ffm}): the KV cache stays in the
 * memory the graph produced it in (the CUDA device on a GPU) from one step to the next.
 *
 * <p>Two bindings alternate (ping-pong): step n binds the {@code present_*} values that step n-1's
 * binding produced as its {@code past_*} inputs and binds its own {@code present_*} outputs to the
 * KV device; then the previous values are released, so at most two caches (past and present) are
 * alive. Only the step input ({@code inputs_embeds}), the attention mask and positions (host) and
 * {@code logits} and {@code last_hidden} (bound to the caller's host buffers, written in place)
 * cross between host and device. Per step and row that is a constant 4 (H + H + vocab) bytes plus
 * the int64 mask's 8 bytes per position; the KV cache itself never crosses.
 *
 * <p>Compaction (a row of the batch ended) copies the kept rows into fresh tensors in the cache's
 * own memory, and so does a join (rows joining the running batch, continuous batching): the joining
 * rows' prefill, run on a binding of its own with an empty past, writes its KV to the KV memory,
 * which is merged with the batch's into a fresh tensor (bytes, so an fp16 cache works; padding
 * columns zeroed). The copies are strided, by address ({@link KvMemory}): plain memory copies on
 * the host, {@code cudaMemcpy2D} device to device on CUDA, so the cache never visits the host.
 *
 * <p>Not thread-safe (one runner per batch) except {@link #terminate()}.
 */
final class BoundTalkerRunner implements TalkerRunner {

    private final KvLayout kv;
    private final int hidden;
    private final int vocab;
    private final FloatBuffer logitsBuf;
    private final FloatBuffer lastHiddenBuf;
    private final FloatBuffer stepBuf;
    private final MemoryInfo cpu;
    private final KvMemory kvMemory;
    private final NativeRunOptions runOptions;
    private final IoBinding[] bindings = new IoBinding[2];
    private final Map<Integer, NativeValue[]> outs = new HashMap<>();
    private final Map<Integer, NativeValue> stepIns = new HashMap<>();
    private final Map<Integer, NativeValue> emptyPasts = new HashMap<>();
    private NativeValue[] present;
    private int turn;
    private long hostBytes;

    /**
     * @param session the talker session (C API)
     * @param kv its KV layout
     * @param logitsBuf host buffer for {@code logits} [capacity, vocab]
     * @param lastHiddenBuf host buffer for {@code last_hidden} [capacity, H]
     * @param stepBuf host buffer of the step input [capacity, 1, H]
     * @param vocab codec vocabulary
     * @param hidden H
     * @param cudaDevice the CUDA device holding the cache, or -1 for host memory
     */
    BoundTalkerRunner(NativeSession session, KvLayout kv, FloatBuffer logitsBuf, FloatBuffer lastHiddenBuf,
                      FloatBuffer stepBuf, int vocab, int hidden, int cudaDevice) {
        this.kv = kv;
        this.hidden = hidden;
        this.vocab = vocab;
        this.logitsBuf = logitsBuf;
        this.lastHiddenBuf = lastHiddenBuf;
        this.stepBuf = stepBuf;
        MemoryInfo cpuInfo = null;
        KvMemory kvInfo = null;
        NativeRunOptions options = null;
        try {
            cpuInfo = MemoryInfo.cpu();
            kvInfo = KvMemory.of(session, cudaDevice);
            options = new NativeRunOptions();
            bindings[0] = session.newBinding();
            bindings[1] = session.newBinding();
        } catch (RuntimeException ex) {
            for (AutoCloseable c : new AutoCloseable[] {bindings[1], bindings[0], options, kvInfo, cpuInfo}) {
                closeQuietly(c);
            }
            throw ex;
        }
        this.cpu = cpuInfo;
        this.kvMemory = kvInfo;
        this.runOptions = options;
    }

    /** A host segment over the first {@code elements} elements of a direct buffer. */
    private static MemorySegment host(Buffer buf, long elements, int elementBytes) {
        return MemorySegment.ofBuffer(buf.duplicate().clear()).asSlice(0, elements * elementBytes);
    }

    private NativeValue[] outputs(int rows) {
        return outs.computeIfAbsent(rows, b -> new NativeValue[] {
            NativeValue.wrap(host(logitsBuf, (long) b * vocab, Float.BYTES), cpu, OrtApi.FLOAT, b, vocab),
            NativeValue.wrap(host(lastHiddenBuf, (long) b * hidden, Float.BYTES), cpu, OrtApi.FLOAT, b, hidden)});
    }

    private NativeValue emptyPast(int rows) {
        return emptyPasts.computeIfAbsent(rows, b -> NativeValue.allocate(kv.elementType(), b, kv.kvHeads(), 0, kv.headDim()));
    }

    @Override
    public void prefill(FloatBuffer embeds, LongBuffer mask, LongBuffer pos, int rows, int width) {
        releasePresent();
        List<NativeValue> in = new ArrayList<>(3);
        try {
            in.add(NativeValue.wrap(host(embeds, (long) rows * width * hidden, Float.BYTES), cpu, OrtApi.FLOAT,
                    rows, width, hidden));
            if (mask != null) {
                in.add(NativeValue.wrap(host(mask, (long) rows * width, Long.BYTES), cpu, OrtApi.INT64, rows, width));
                in.add(NativeValue.wrap(host(pos, (long) rows * width, Long.BYTES), cpu, OrtApi.INT64, rows, width));
            }
            run(rows, in, (long) rows * width * hidden * Float.BYTES + (mask == null ? 0 : 2L * rows * width * Long.BYTES));
        } finally {
            in.forEach(NativeValue::close);
        }
    }

    @Override
    public void step(int rows, LongBuffer mask, int total, LongBuffer pos) {
        List<NativeValue> in = new ArrayList<>(3);
        List<NativeValue> temporary = new ArrayList<>(2);
        try {
            in.add(stepIns.computeIfAbsent(rows, b -> NativeValue.wrap(host(stepBuf, (long) b * hidden, Float.BYTES), cpu,
                    OrtApi.FLOAT, b, 1, hidden)));
            if (mask != null) {
                temporary.add(NativeValue.wrap(host(mask, (long) rows * total, Long.BYTES), cpu, OrtApi.INT64, rows, total));
                temporary.add(NativeValue.wrap(host(pos, rows, Long.BYTES), cpu, OrtApi.INT64, rows, 1));
                in.addAll(temporary);
            }
            run(rows, in, (long) rows * hidden * Float.BYTES + (mask == null ? 0 : ((long) rows * total + rows) * Long.BYTES));
        } finally {
            temporary.forEach(NativeValue::close);
        }
    }

    private void run(int rows, List<NativeValue> in, long inBytes) {
        IoBinding b = bindings[turn];
        turn ^= 1;
        b.clear();
        b.bindInput("inputs_embeds", in.get(0));
        if (in.size() == 3) {
            b.bindInput("attention_mask", in.get(1));
            b.bindInput("position_ids", in.get(2));
        }
        for (int i = 0; i < kv.layers(); i++) {
            b.bindInput(kv.pastK()[i], present == null ? emptyPast(rows) : present[2 * i]);
            b.bindInput(kv.pastV()[i], present == null ? emptyPast(rows) : present[2 * i + 1]);
        }
        // Output order is the binding order: logits, last_hidden, then K/V per layer.
        NativeValue[] host = outputs(rows);
        b.bindOutput("logits", host[0]);
        b.bindOutput("last_hidden", host[1]);
        for (int i = 0; i < kv.layers(); i++) {
            b.bindOutputToDevice(kv.presentK()[i], kvMemory.info());
            b.bindOutputToDevice(kv.presentV()[i], kvMemory.info());
        }
        b.run(runOptions);
        NativeValue[] out = b.outputs();
        hostBytes += inBytes + (long) rows * (vocab + hidden) * Float.BYTES;
        out[0].close();
        out[1].close();
        NativeValue[] next = new NativeValue[out.length - 2];
        System.arraycopy(out, 2, next, 0, next.length);
        releasePresent();
        present = next;
        // The binding that just ran keeps references to its inputs (the old past) until its next turn; drop them now.
        b.clear();
    }

    @Override
    public void compact(int[] keep, int oldRows, int pastLength, int drop) {
        NativeValue[] fresh = kvMemory.keepRows(present, kv, keep, pastLength, pastLength - drop, drop, pastLength - drop);
        releasePresent();
        present = fresh;
    }

    @Override
    public void join(FloatBuffer embeds, LongBuffer mask, LongBuffer pos, int n, int width, int oldRows, int pastLength) {
        if (present == null) {
            throw new IllegalStateException("rows join a running batch only");
        }
        FloatBuffer joinLogits = Tensors.floats(n * vocab);
        FloatBuffer joinHidden = Tensors.floats(n * hidden);
        List<NativeValue> in = new ArrayList<>(5);
        NativeValue[] joined = null;
        NativeValue[] fresh = new NativeValue[present.length];
        IoBinding b = bindings[turn];
        try {
            in.add(NativeValue.wrap(host(embeds, (long) n * width * hidden, Float.BYTES), cpu, OrtApi.FLOAT, n, width, hidden));
            in.add(NativeValue.wrap(host(mask, (long) n * width, Long.BYTES), cpu, OrtApi.INT64, n, width));
            in.add(NativeValue.wrap(host(pos, (long) n * width, Long.BYTES), cpu, OrtApi.INT64, n, width));
            in.add(NativeValue.wrap(host(joinLogits, (long) n * vocab, Float.BYTES), cpu, OrtApi.FLOAT, n, vocab));
            in.add(NativeValue.wrap(host(joinHidden, (long) n * hidden, Float.BYTES), cpu, OrtApi.FLOAT, n, hidden));
            b.clear();
            b.bindInput("inputs_embeds", in.get(0));
            b.bindInput("attention_mask", in.get(1));
            b.bindInput("position_ids", in.get(2));
            for (int i = 0; i < kv.layers(); i++) {
                b.bindInput(kv.pastK()[i], emptyPast(n));
                b.bindInput(kv.pastV()[i], emptyPast(n));
            }
            // Output order is the binding order: logits, last_hidden, then K/V per layer.
            b.bindOutput("logits", in.get(3));
            b.bindOutput("last_hidden", in.get(4));
            for (int i = 0; i < kv.layers(); i++) {
                b.bindOutputToDevice(kv.presentK()[i], kvMemory.info());
                b.bindOutputToDevice(kv.presentV()[i], kvMemory.info());
            }
            b.run(runOptions);
            NativeValue[] out = b.outputs();
            out[0].close();
            out[1].close();
            joined = new NativeValue[out.length - 2];
            System.arraycopy(out, 2, joined, 0, joined.length);
            hostBytes += (long) n * width * (hidden * Float.BYTES + 2L * Long.BYTES)
                    + (long) n * (vocab + hidden) * Float.BYTES;
            int heads = kv.kvHeads();
            long rowBytes = (long) kv.headDim() * kv.elementBytes();
            int merged = Math.max(pastLength, width);
            int oldShift = merged - pastLength;
            int newShift = merged - width;
            for (int i = 0; i < present.length; i++) {
                long a = present[i].dataAddress();
                long j = joined[i].dataAddress();
                fresh[i] = kvMemory.allocate(kv.elementType(), oldRows + n, heads, merged, kv.headDim());
                long dst = fresh[i].dataAddress();
                // The allocator does not zero: the padding columns (masked) must hold finite values.
                kvMemory.zero(dst, (long) (oldRows + n) * heads * merged * rowBytes);
                // Every (row, head) is one line: old rows' lines shift right by oldShift, joined rows' by newShift.
                kvMemory.copy2d(dst + oldShift * rowBytes, merged * rowBytes, a, pastLength * rowBytes,
                        pastLength * rowBytes, (long) oldRows * heads);
                kvMemory.copy2d(dst + ((long) oldRows * heads * merged + newShift) * rowBytes, merged * rowBytes, j,
                        width * rowBytes, width * rowBytes, (long) n * heads);
            }
            kvMemory.sync();
        } catch (RuntimeException e) {
            for (NativeValue v : fresh) {
                closeQuietly(v);
            }
            throw e;
        } finally {
            // The binding keeps references to its inputs and outputs until cleared.
            b.clear();
            in.forEach(NativeValue::close);
            if (joined != null) {
                for (NativeValue v : joined) {
                    v.close();
                }
            }
        }
        releasePresent();
        present = fresh;
        logitsBuf.put(oldRows * vocab, joinLogits, 0, n * vocab);
        lastHiddenBuf.put(oldRows * hidden, joinHidden, 0, n * hidden);
    }

    private void releasePresent() {
        if (present != null) {
            for (NativeValue v : present) {
                v.close();
            }
            present = null;
        }
    }

    @Override
    public void terminate() {
        runOptions.terminate();
    }

    @Override
    public long hostBytes() {
        return hostBytes;
    }

    @Override
    public void close() {
        releasePresent();
        List<AutoCloseable> all = new ArrayList<>();
        all.add(bindings[1]);
        all.add(bindings[0]);
        emptyPasts.values().forEach(all::add);
        stepIns.values().forEach(all::add);
        outs.values().forEach(v -> all.addAll(List.of(v)));
        all.addAll(List.of(runOptions, kvMemory, cpu));
        all.forEach(BoundTalkerRunner::closeQuietly);
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
