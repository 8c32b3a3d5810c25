package io.q3tts.adapters.inference.onnx.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The talker over the Microsoft Java binding: the {@code present_*} tensors of one run are passed
 * back as the next run's {@code past_*} inputs, and the previous result is closed once the next run
 * is done. On the CPU the cache never leaves native memory; on a GPU the binding copies every
 * output to the host and every input back (it has no I/O binding), which {@link #hostBytes()}
 * counts. {@code logits} and {@code last_hidden} are written into pinned host tensors.
 */
final class JavaTalkerRunner implements TalkerRunner {

    private final OrtEnvironment env;
    private final OrtSession talker;
    private final KvLayout kv;
    private final OnnxTensor stepIn;
    private final OrtSession.RunOptions runOptions;
    private final Map<String, OnnxTensor> pinned = new HashMap<>();
    private final Set<String> requested;
    private final Map<String, OnnxTensor> inputs = new HashMap<>();
    private final OnnxTensor emptyPast;
    private OrtSession.Result previous;
    private long positions;
    private long hostBytes;

    JavaTalkerRunner(OrtEnvironment env, OrtSession talker, KvLayout kv, OnnxTensor logitsOut, OnnxTensor lastHiddenOut,
                     OnnxTensor stepIn, OrtSession.RunOptions runOptions) throws OrtException {
        this.env = env;
        this.talker = talker;
        this.kv = kv;
        this.stepIn = stepIn;
        this.runOptions = runOptions;
        pinned.put("logits", logitsOut);
        pinned.put("last_hidden", lastHiddenOut);
        this.requested = kv.presents();
        this.emptyPast = OnnxTensor.createTensor(env, ByteBuffer.allocateDirect(0).order(ByteOrder.nativeOrder()),
                new long[] {1, kv.kvHeads(), 0, kv.headDim()}, kv.javaType());
    }

    @Override
    public void prefill(FloatBuffer embeds, int length) throws OrtException {
        try (OnnxTensor in = Tensors.wrap(env, embeds, 1, length, embeds.capacity() / length)) {
            run(in, length, (long) embeds.capacity() * Float.BYTES);
        }
    }

    @Override
    public void step() throws OrtException {
        run(stepIn, 1, (long) stepIn.getInfo().getNumElements() * Float.BYTES);
    }

    private void run(OnnxTensor input, int length, long inputBytes) throws OrtException {
        inputs.put("inputs_embeds", input);
        for (int i = 0; i < kv.layers(); i++) {
            inputs.put(kv.pastK()[i], previous == null ? emptyPast : Tensors.output(previous, kv.presentK()[i]));
            inputs.put(kv.pastV()[i], previous == null ? emptyPast : Tensors.output(previous, kv.presentV()[i]));
        }
        OrtSession.Result next = talker.run(inputs, requested, pinned, runOptions);
        hostBytes += inputBytes + kv.bytes(positions) + kv.bytes(positions + length) + pinnedBytes();
        positions += length;
        if (previous != null) {
            previous.close();
        }
        previous = next;
    }

    private long pinnedBytes() {
        long n = 0;
        for (OnnxTensor t : pinned.values()) {
            n += t.getInfo().getNumElements() * Float.BYTES;
        }
        return n;
    }

    @Override
    public long hostBytes() {
        return hostBytes;
    }

    @Override
    public void close() {
        if (previous != null) {
            previous.close();
            previous = null;
        }
        emptyPast.close();
    }
}
