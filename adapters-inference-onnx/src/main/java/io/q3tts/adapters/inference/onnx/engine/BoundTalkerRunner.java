package io.q3tts.adapters.inference.onnx.engine;

import io.q3tts.adapters.inference.onnx.ffm.IoBinding;
import io.q3tts.adapters.inference.onnx.ffm.MemoryInfo;
import io.q3tts.adapters.inference.onnx.ffm.NativeRunOptions;
import io.q3tts.adapters.inference.onnx.ffm.NativeSession;
import io.q3tts.adapters.inference.onnx.ffm.NativeValue;
import io.q3tts.adapters.inference.onnx.ffm.OrtApi;
import io.q3tts.ports.model.CancellationToken;
import java.lang.foreign.MemorySegment;
import java.nio.FloatBuffer;

/**
 * The talker over I/O binding (ONNX Runtime C API through {@code ffm}): the KV cache stays in the
 * memory the graph produced it in (the CUDA device on a GPU) from one step to the next.
 *
 * <p>Two bindings alternate (ping-pong): step n binds the {@code present_*} values that step n-1's
 * binding produced as its {@code past_*} inputs and binds its own {@code present_*} outputs to the
 * KV device; then the previous values are released, so at most two caches (past and present) are
 * alive. Only the step input ({@code inputs_embeds}, host), {@code logits} and {@code last_hidden}
 * (bound to the caller's host buffers, written in place) cross between host and device:
 * {@link #hostBytes()} grows by the same amount at every step, whatever the sequence length.
 *
 * <p>Cancellation sets the terminate flag of this runner's own run options. Not thread-safe: one
 * runner per generation.
 */
final class BoundTalkerRunner implements TalkerRunner {

    private static final String INPUT = "inputs_embeds";

    private final NativeSession session;
    private final KvLayout kv;
    private final int hidden;
    private final MemoryInfo cpu;
    private final MemoryInfo kvMemory;
    private final NativeRunOptions runOptions;
    private final CancellationToken.Registration registration;
    private final IoBinding[] bindings = new IoBinding[2];
    private final NativeValue logits;
    private final NativeValue lastHidden;
    private final NativeValue stepIn;
    private final NativeValue emptyPast;
    private final long fixedOutBytes;
    private final long stepBytes;
    private NativeValue[] present;
    private int turn;
    private long hostBytes;

    /**
     * @param session the talker session (C API)
     * @param kv its KV layout
     * @param logitsBuf host buffer for {@code logits} [1, vocab]
     * @param lastHiddenBuf host buffer for {@code last_hidden} [1, H]
     * @param stepBuf host buffer of the step input [1, 1, H]
     * @param cudaDevice the CUDA device holding the cache, or -1 for host memory
     * @param cancel terminates a running graph
     */
    BoundTalkerRunner(NativeSession session, KvLayout kv, FloatBuffer logitsBuf, FloatBuffer lastHiddenBuf,
                      FloatBuffer stepBuf, int cudaDevice, CancellationToken cancel) {
        this.session = session;
        this.kv = kv;
        this.hidden = lastHiddenBuf.capacity();
        MemoryInfo cpuInfo = null;
        MemoryInfo kvInfo = null;
        NativeRunOptions options = null;
        NativeValue l = null;
        NativeValue h = null;
        NativeValue s = null;
        NativeValue e = null;
        try {
            cpuInfo = MemoryInfo.cpu();
            kvInfo = cudaDevice >= 0 ? MemoryInfo.cuda(cudaDevice) : MemoryInfo.cpu();
            options = new NativeRunOptions();
            l = NativeValue.wrap(host(logitsBuf), cpuInfo, OrtApi.FLOAT, 1, logitsBuf.capacity());
            h = NativeValue.wrap(host(lastHiddenBuf), cpuInfo, OrtApi.FLOAT, 1, hidden);
            s = NativeValue.wrap(host(stepBuf), cpuInfo, OrtApi.FLOAT, 1, 1, hidden);
            e = NativeValue.allocate(kv.elementType(), 1, kv.kvHeads(), 0, kv.headDim());
            bindings[0] = session.newBinding();
            bindings[1] = session.newBinding();
        } catch (RuntimeException ex) {
            for (AutoCloseable c : new AutoCloseable[] {bindings[1], bindings[0], e, s, h, l, options, kvInfo, cpuInfo}) {
                closeQuietly(c);
            }
            throw ex;
        }
        this.cpu = cpuInfo;
        this.kvMemory = kvInfo;
        this.runOptions = options;
        this.logits = l;
        this.lastHidden = h;
        this.stepIn = s;
        this.emptyPast = e;
        this.fixedOutBytes = ((long) logitsBuf.capacity() + hidden) * Float.BYTES;
        this.stepBytes = (long) hidden * Float.BYTES;
        NativeRunOptions forCancel = options;
        this.registration = cancel.onCancel(forCancel::terminate);
    }

    private static MemorySegment host(FloatBuffer buf) {
        return MemorySegment.ofBuffer(buf.duplicate().clear());
    }

    @Override
    public void prefill(FloatBuffer embeds, int length) {
        try (NativeValue in = NativeValue.wrap(host(embeds), cpu, OrtApi.FLOAT, 1, length, hidden)) {
            run(in, (long) length * hidden * Float.BYTES);
        }
    }

    @Override
    public void step() {
        run(stepIn, stepBytes);
    }

    private void run(NativeValue input, long inputBytes) {
        IoBinding b = bindings[turn];
        turn ^= 1;
        b.clear();
        b.bindInput(INPUT, input);
        for (int i = 0; i < kv.layers(); i++) {
            b.bindInput(kv.pastK()[i], present == null ? emptyPast : present[2 * i]);
            b.bindInput(kv.pastV()[i], present == null ? emptyPast : present[2 * i + 1]);
        }
        // Output order is the binding order: logits, last_hidden, then K/V per layer.
        b.bindOutput("logits", logits);
        b.bindOutput("last_hidden", lastHidden);
        for (int i = 0; i < kv.layers(); i++) {
            b.bindOutputToDevice(kv.presentK()[i], kvMemory);
            b.bindOutputToDevice(kv.presentV()[i], kvMemory);
        }
        b.run(runOptions);
        NativeValue[] out = b.outputs();
        hostBytes += inputBytes + fixedOutBytes;
        out[0].close();
        out[1].close();
        NativeValue[] next = new NativeValue[out.length - 2];
        System.arraycopy(out, 2, next, 0, next.length);
        releasePresent();
        present = next;
        // The binding that just ran keeps references to its inputs (the old past) until its next turn; drop them now.
        b.clear();
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
    public long hostBytes() {
        return hostBytes;
    }

    @Override
    public void close() {
        registration.close();
        releasePresent();
        for (AutoCloseable c : new AutoCloseable[] {bindings[1], bindings[0], emptyPast, stepIn, lastHidden, logits,
                runOptions, kvMemory, cpu}) {
            closeQuietly(c);
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
