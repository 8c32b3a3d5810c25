package io.q3tts.adapters.inference.onnx.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.q3tts.adapters.inference.onnx.bundle.Bundle;
import io.q3tts.adapters.inference.onnx.bundle.OnnxRuntimeConfig;
import io.q3tts.adapters.inference.onnx.bundle.OrtRuntime;
import io.q3tts.adapters.inference.onnx.ffm.OrtCallException;
import io.q3tts.ports.model.CancellationToken;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two talker runners on the real demo talker: identical outputs at every step, and the host
 * traffic of the I/O-binding runner does not depend on the sequence length (the KV cache never
 * crosses the binding boundary), while the Java binding's grows with it.
 */
class TalkerRunnerTest {

    private static final int STEPS = 48;
    private static OrtRuntime runtime;
    private static Bundle bundle;
    private static CodeGenerator javaPath;
    private static CodeGenerator boundPath;

    @BeforeAll
    static void open() {
        runtime = new OrtRuntime(OnnxRuntimeConfig.cpu());
        bundle = Bundle.open(TestPaths.requireBundle("custom-voice"), runtime);
        CodecEmbeddings emb = new CodecEmbeddings(bundle);
        javaPath = new CodeGenerator(bundle, emb, PredictorMode.FUSED, TalkerPath.JAVA_BINDING);
        boundPath = new CodeGenerator(bundle, emb, PredictorMode.FUSED, TalkerPath.IO_BINDING);
    }

    @AfterAll
    static void close() {
        bundle.close();
        runtime.close();
    }

    /** One runner with its host buffers and the tensors that view them. */
    private static final class Io implements AutoCloseable {
        final FloatBuffer logits;
        final FloatBuffer hidden;
        final FloatBuffer step;
        final List<AutoCloseable> owned = new ArrayList<>();
        final TalkerRunner runner;

        Io(CodeGenerator g, int vocab, int h, CancellationToken cancel) throws Exception {
            OrtEnvironment env = bundle.runtime().env();
            logits = Tensors.floats(vocab);
            hidden = Tensors.floats(h);
            step = Tensors.floats(h);
            OnnxTensor lo = own(Tensors.wrap(env, logits, 1, vocab));
            OnnxTensor ho = own(Tensors.wrap(env, hidden, 1, h));
            OnnxTensor si = own(Tensors.wrap(env, step, 1, 1, h));
            OrtSession.RunOptions ro = own(new OrtSession.RunOptions());
            runner = g.openTalker(logits, hidden, step, lo, ho, si, ro, cancel);
        }

        <T extends AutoCloseable> T own(T t) {
            owned.add(t);
            return t;
        }

        @Override
        public void close() throws Exception {
            runner.close();
            for (AutoCloseable c : owned) {
                c.close();
            }
        }
    }

    @Test
    void bothPathsGiveIdenticalOutputsAndOnlyTheBoundPathHasConstantTraffic() throws Exception {
        int h = new CodecEmbeddings(bundle).hidden();
        int vocab = new CodecEmbeddings(bundle).codecVocab();
        SplittableRandom rnd = new SplittableRandom(7);
        int prompt = 9;
        FloatBuffer prefill = Tensors.floats(prompt * h);
        for (int i = 0; i < prompt * h; i++) {
            prefill.put(i, (float) (rnd.nextGaussian() * 0.1));
        }
        float[][] steps = new float[STEPS][h];
        for (float[] s : steps) {
            for (int i = 0; i < h; i++) {
                s[i] = (float) (rnd.nextGaussian() * 0.1);
            }
        }
        try (Io a = new Io(javaPath, vocab, h, CancellationToken.none());
             Io b = new Io(boundPath, vocab, h, CancellationToken.none())) {
            a.runner.prefill(prefill, prompt);
            b.runner.prefill(prefill, prompt);
            assertSame(a, b, "prefill");
            long[] boundDelta = new long[STEPS];
            long[] javaDelta = new long[STEPS];
            for (int n = 0; n < STEPS; n++) {
                a.step.put(0, steps[n]);
                b.step.put(0, steps[n]);
                long ja = a.runner.hostBytes();
                long jb = b.runner.hostBytes();
                a.runner.step();
                b.runner.step();
                javaDelta[n] = a.runner.hostBytes() - ja;
                boundDelta[n] = b.runner.hostBytes() - jb;
                assertSame(a, b, "step " + n);
            }
            long expected = (2L * h + vocab) * Float.BYTES;
            for (int n = 0; n < STEPS; n++) {
                assertEquals(expected, boundDelta[n], "I/O binding host bytes at step " + n);
            }
            KvLayout kv = javaPath.talkerKv();
            long perPosition = kv.bytes(1);
            // The Java binding moves the past and the present KV: two positions' worth more at every step.
            assertEquals(2 * perPosition * (STEPS - 1), javaDelta[STEPS - 1] - javaDelta[0]);
            assertTrue(javaDelta[0] > boundDelta[0] + 2 * prompt * perPosition,
                    "java " + javaDelta[0] + " vs bound " + boundDelta[0]);
        }
    }

    private static void assertSame(Io a, Io b, String what) {
        float[] la = new float[a.logits.capacity()];
        float[] lb = new float[b.logits.capacity()];
        a.logits.get(0, la);
        b.logits.get(0, lb);
        assertArrayEquals(la, lb, what + ": logits");
        float[] ha = new float[a.hidden.capacity()];
        float[] hb = new float[b.hidden.capacity()];
        a.hidden.get(0, ha);
        b.hidden.get(0, hb);
        assertArrayEquals(ha, hb, what + ": last_hidden");
        assertTrue(Float.isFinite(la[0]) && la[0] != 0f, what + ": logits were written");
    }

    @Test
    void aCancelledTokenTerminatesTheBoundRun() throws Exception {
        int h = new CodecEmbeddings(bundle).hidden();
        int vocab = new CodecEmbeddings(bundle).codecVocab();
        CancellationToken token = CancellationToken.create();
        try (Io b = new Io(boundPath, vocab, h, token)) {
            b.runner.prefill(Tensors.floats(3 * h), 3);
            token.cancel();
            assertThrows(OrtCallException.class, b.runner::step);
        }
    }

    @Test
    void nonFiniteLogitsNameTheFp16Fix() {
        assertTrue(CodeGenerator.nonFiniteMessage("fp16").contains("this fp16 bundle overflowed; use the fp32 bundle"));
        assertTrue(CodeGenerator.nonFiniteMessage("fp32").contains("non-finite"));
    }
}
