package io.q3tts.adapters.inference.onnx.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.q3tts.ports.model.ModelException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The talker over the Microsoft Java binding: the {@code present_*} tensors of one run are passed
 * back as the next run's {@code past_*} inputs, and the previous result is closed once the next run
 * is done; only a compaction or a join copies the cache (through the host). Both copy bytes, not
 * floats, so an fp16 cache is copied as it is. On the CPU the cache never leaves
 * native memory; on a GPU the binding copies every output to the host and every input back (it has
 * no I/O binding), which {@link #hostBytes()} counts. {@code logits} and {@code last_hidden} are
 * written into pinned host tensors.
 */
final class JavaTalkerRunner implements TalkerRunner {

    private final OrtEnvironment env;
    private final OrtSession talker;
    private final KvLayout kv;
    private final int hidden;
    private final OrtSession.RunOptions runOptions;
    private final PerBatch logitsOut;
    private final PerBatch lastHiddenOut;
    private final PerBatch stepIn;
    private final Map<Integer, OnnxTensor> emptyPast = new HashMap<>();
    private final Set<String> requested;
    private final Map<String, OnnxTensor> inputs = new HashMap<>();
    private final Map<String, OnnxTensor> pinned = new HashMap<>();
    private final int vocab;
    private final FloatBuffer logitsBuf;
    private final FloatBuffer lastHiddenBuf;
    /** The current past: a run's result, or tensors made by a compaction. */
    private OrtSession.Result kvResult;
    private OnnxTensor[] kvOwned;
    private long positions;
    private long hostBytes;

    JavaTalkerRunner(OrtEnvironment env, OrtSession talker, KvLayout kv, FloatBuffer logitsBuf, FloatBuffer lastHiddenBuf,
                     FloatBuffer stepBuf, int vocab, int hidden, OrtSession.RunOptions runOptions) {
        this.env = env;
        this.talker = talker;
        this.kv = kv;
        this.vocab = vocab;
        this.hidden = hidden;
        this.runOptions = runOptions;
        this.logitsBuf = logitsBuf;
        this.lastHiddenBuf = lastHiddenBuf;
        this.logitsOut = new PerBatch(b -> Tensors.view(env, logitsBuf, b * vocab, b, vocab));
        this.lastHiddenOut = new PerBatch(b -> Tensors.view(env, lastHiddenBuf, b * hidden, b, hidden));
        this.stepIn = new PerBatch(b -> Tensors.view(env, stepBuf, b * hidden, b, 1, hidden));
        this.requested = kv.presents();
    }

    private OnnxTensor emptyPast(int rows) {
        return emptyPast.computeIfAbsent(rows, b -> {
            try {
                return OnnxTensor.createTensor(env, ByteBuffer.allocateDirect(0).order(ByteOrder.nativeOrder()),
                        new long[] {b, kv.kvHeads(), 0, kv.headDim()}, kv.javaType());
            } catch (OrtException e) {
                throw new ModelException("Cannot create the empty KV past: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void prefill(FloatBuffer embeds, LongBuffer mask, LongBuffer pos, int rows, int width) throws OrtException {
        releasePast();
        positions = 0;
        try (OnnxTensor in = Tensors.view(env, embeds, rows * width * hidden, rows, width, hidden);
             OnnxTensor maskIn = mask == null ? null : Tensors.view(env, mask, rows * width, rows, width);
             OnnxTensor posIn = pos == null ? null : Tensors.view(env, pos, rows * width, rows, width)) {
            inputs.put("inputs_embeds", in);
            if (mask != null) {
                inputs.put("attention_mask", maskIn);
                inputs.put("position_ids", posIn);
            }
            for (int i = 0; i < kv.layers(); i++) {
                inputs.put(kv.pastK()[i], emptyPast(rows));
                inputs.put(kv.pastV()[i], emptyPast(rows));
            }
            run(rows, width, (long) rows * width * hidden * Float.BYTES + (mask == null ? 0 : 2L * rows * width * Long.BYTES));
        }
    }

    @Override
    public void step(int rows, LongBuffer mask, int total, LongBuffer pos) throws OrtException {
        try (OnnxTensor maskIn = mask == null ? null : Tensors.view(env, mask, rows * total, rows, total);
             OnnxTensor posIn = pos == null ? null : Tensors.view(env, pos, rows, rows, 1)) {
            inputs.put("inputs_embeds", stepIn.get(rows));
            if (mask != null) {
                inputs.put("attention_mask", maskIn);
                inputs.put("position_ids", posIn);
            }
            for (int i = 0; i < kv.layers(); i++) {
                inputs.put(kv.pastK()[i], currentPast(2 * i));
                inputs.put(kv.pastV()[i], currentPast(2 * i + 1));
            }
            long small = (long) rows * hidden * Float.BYTES + (mask == null ? 0 : ((long) rows * total + rows) * Long.BYTES);
            run(rows, 1, small + kv.bytes((long) rows * positions));
        }
    }

    private void run(int rows, int length, long inBytes) throws OrtException {
        pinned.put("logits", logitsOut.get(rows));
        pinned.put("last_hidden", lastHiddenOut.get(rows));
        OrtSession.Result next = talker.run(inputs, requested, pinned, runOptions);
        positions += length;
        hostBytes += inBytes + kv.bytes((long) rows * positions) + (long) rows * (vocab + hidden) * Float.BYTES;
        releasePast();
        kvResult = next;
    }

    @Override
    public void compact(int[] keep, int oldRows, int pastLength, int drop) {
        int heads = kv.kvHeads();
        int rowBytes = kv.headDim() * kv.elementBytes();
        int newLength = pastLength - drop;
        OnnxTensor[] fresh = new OnnxTensor[2 * kv.layers()];
        try {
            for (int i = 0; i < fresh.length; i++) {
                ByteBuffer src = currentPast(i).getByteBuffer();
                if (src.capacity() != (long) oldRows * heads * pastLength * rowBytes) {
                    throw new ModelException("unexpected KV size during batch compaction");
                }
                ByteBuffer dst = ByteBuffer.allocateDirect(keep.length * heads * newLength * rowBytes)
                        .order(ByteOrder.nativeOrder());
                for (int r = 0; r < keep.length; r++) {
                    for (int h = 0; h < heads; h++) {
                        int from = ((keep[r] * heads + h) * pastLength + drop) * rowBytes;
                        int to = (r * heads + h) * newLength * rowBytes;
                        dst.put(to, src, from, newLength * rowBytes);
                    }
                }
                fresh[i] = OnnxTensor.createTensor(env, dst, new long[] {keep.length, heads, newLength, kv.headDim()},
                        kv.javaType());
            }
        } catch (OrtException | RuntimeException e) {
            for (OnnxTensor t : fresh) {
                if (t != null) {
                    t.close();
                }
            }
            throw e instanceof RuntimeException r ? r : new ModelException("KV compaction failed: " + e.getMessage(), e);
        }
        releasePast();
        kvOwned = fresh;
        positions = newLength;
    }

    @Override
    public void join(FloatBuffer embeds, LongBuffer mask, LongBuffer pos, int n, int width, int oldRows, int pastLength)
            throws OrtException {
        FloatBuffer joinLogits = Tensors.floats(n * vocab);
        FloatBuffer joinHidden = Tensors.floats(n * hidden);
        OrtSession.Result result;
        try (OnnxTensor in = Tensors.view(env, embeds, n * width * hidden, n, width, hidden);
             OnnxTensor maskIn = Tensors.view(env, mask, n * width, n, width);
             OnnxTensor posIn = Tensors.view(env, pos, n * width, n, width);
             OnnxTensor logitsJ = Tensors.view(env, joinLogits, n * vocab, n, vocab);
             OnnxTensor hiddenJ = Tensors.view(env, joinHidden, n * hidden, n, hidden)) {
            Map<String, OnnxTensor> joinInputs = new HashMap<>();
            joinInputs.put("inputs_embeds", in);
            joinInputs.put("attention_mask", maskIn);
            joinInputs.put("position_ids", posIn);
            for (int i = 0; i < kv.layers(); i++) {
                joinInputs.put(kv.pastK()[i], emptyPast(n));
                joinInputs.put(kv.pastV()[i], emptyPast(n));
            }
            result = talker.run(joinInputs, requested, Map.of("logits", logitsJ, "last_hidden", hiddenJ), runOptions);
        }
        hostBytes += (long) n * width * (hidden * Float.BYTES + 2L * Long.BYTES) + kv.bytes((long) n * width)
                + (long) n * (vocab + hidden) * Float.BYTES;
        int heads = kv.kvHeads();
        int rowBytes = kv.headDim() * kv.elementBytes();
        int merged = Math.max(pastLength, width);
        int oldShift = merged - pastLength;
        int newShift = merged - width;
        OnnxTensor[] fresh = new OnnxTensor[2 * kv.layers()];
        try (result) {
            for (int i = 0; i < fresh.length; i++) {
                int layer = i / 2;
                ByteBuffer a = currentPast(i).getByteBuffer();
                ByteBuffer b = Tensors.output(result, i % 2 == 0 ? kv.presentK()[layer] : kv.presentV()[layer])
                        .getByteBuffer();
                if (a.capacity() != (long) oldRows * heads * pastLength * rowBytes
                        || b.capacity() != (long) n * heads * width * rowBytes) {
                    throw new ModelException("unexpected KV size while rows join the batch");
                }
                // Zeroed, so the padding columns (masked) hold finite values.
                ByteBuffer dst = ByteBuffer.allocateDirect((oldRows + n) * heads * merged * rowBytes)
                        .order(ByteOrder.nativeOrder());
                for (int r = 0; r < oldRows; r++) {
                    for (int h = 0; h < heads; h++) {
                        dst.put(((r * heads + h) * merged + oldShift) * rowBytes, a,
                                (r * heads + h) * pastLength * rowBytes, pastLength * rowBytes);
                    }
                }
                for (int r = 0; r < n; r++) {
                    for (int h = 0; h < heads; h++) {
                        dst.put((((oldRows + r) * heads + h) * merged + newShift) * rowBytes, b,
                                (r * heads + h) * width * rowBytes, width * rowBytes);
                    }
                }
                fresh[i] = OnnxTensor.createTensor(env, dst, new long[] {oldRows + n, heads, merged, kv.headDim()},
                        kv.javaType());
            }
        } catch (OrtException | RuntimeException e) {
            for (OnnxTensor t : fresh) {
                if (t != null) {
                    t.close();
                }
            }
            throw e instanceof RuntimeException r ? r : new ModelException("KV merge failed: " + e.getMessage(), e);
        }
        releasePast();
        kvOwned = fresh;
        positions = merged;
        logitsBuf.put(oldRows * vocab, joinLogits, 0, n * vocab);
        lastHiddenBuf.put(oldRows * hidden, joinHidden, 0, n * hidden);
    }

    private OnnxTensor currentPast(int i) {
        if (kvOwned != null) {
            return kvOwned[i];
        }
        int layer = i / 2;
        return Tensors.output(kvResult, i % 2 == 0 ? kv.presentK()[layer] : kv.presentV()[layer]);
    }

    private void releasePast() {
        if (kvResult != null) {
            kvResult.close();
            kvResult = null;
        }
        if (kvOwned != null) {
            for (OnnxTensor t : kvOwned) {
                t.close();
            }
            kvOwned = null;
        }
    }

    @Override
    public void terminate() {
        // The loop's run options are shared with this runner; the loop sets their terminate flag.
    }

    @Override
    public long hostBytes() {
        return hostBytes;
    }

    @Override
    public void close() {
        releasePast();
        emptyPast.values().forEach(OnnxTensor::close);
        emptyPast.clear();
        logitsOut.close();
        lastHiddenOut.close();
        stepIn.close();
    }
}
