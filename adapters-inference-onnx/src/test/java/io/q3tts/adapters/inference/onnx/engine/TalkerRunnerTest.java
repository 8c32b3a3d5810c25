package io.q3tts.adapters.inference.onnx.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession;
import io.q3tts.adapters.inference.onnx.bundle.Bundle;
import io.q3tts.adapters.inference.onnx.bundle.OnnxRuntimeConfig;
import io.q3tts.adapters.inference.onnx.bundle.OrtRuntime;
import io.q3tts.adapters.inference.onnx.bundle.GraphKind;
import io.q3tts.adapters.inference.onnx.ffm.NativeSession;
import io.q3tts.adapters.inference.onnx.ffm.NativeValue;
import io.q3tts.adapters.inference.onnx.ffm.OrtCallException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The talker runners on the real demo talker: identical outputs at every step, and the host
 * traffic of the I/O-binding runner does not depend on the sequence length (the KV cache never
 * crosses the binding boundary), while the Java binding's grows with it. The fixed-size KV runner
 * agrees to rounding and its per-step traffic is one constant.
 */
class TalkerRunnerTest {

    private static final int STEPS = 48;
    private static OrtRuntime runtime;
    private static Bundle bundle;
    private static CodeGenerator javaPath;
    private static CodeGenerator boundPath;
    private static CodeGenerator staticPath;

    @BeforeAll
    static void open() {
        runtime = new OrtRuntime(OnnxRuntimeConfig.cpu());
        bundle = Bundle.open(TestPaths.requireBundle("custom-voice"), runtime);
        CodecEmbeddings emb = new CodecEmbeddings(bundle);
        javaPath = new CodeGenerator(bundle, emb, PredictorMode.FUSED, TalkerPath.JAVA_BINDING);
        boundPath = new CodeGenerator(bundle, emb, PredictorMode.FUSED, TalkerPath.IO_BINDING);
        staticPath = new CodeGenerator(bundle, emb, PredictorMode.FUSED, TalkerPath.STATIC_KV);
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

        final boolean v2;
        final LongBuffer mask = Tensors.longs(4096);
        final LongBuffer pos = Tensors.longs(1);
        int length;

        Io(CodeGenerator g, int vocab, int h) throws Exception {
            this(g, vocab, h, 64);
        }

        Io(CodeGenerator g, int vocab, int h, long positions) throws Exception {
            this(g, vocab, h, positions, null);
        }

        /** With {@code slots}: the CUDA-graph mode of the fixed-size runner, over host memory. */
        Io(CodeGenerator g, int vocab, int h, long positions, GraphSlots slots) throws Exception {
            logits = Tensors.floats(vocab);
            hidden = Tensors.floats(h);
            step = Tensors.floats(h);
            OrtSession.RunOptions ro = own(new OrtSession.RunOptions());
            runner = slots == null ? g.openTalker(logits, hidden, step, ro, positions, 1)
                    : new StaticTalkerRunner(bundle.nativeSession(GraphKind.TALKER_STATIC), g.staticKv(),
                            g.staticKvLength(), 1, logits, hidden, step, vocab, h, -1, slots);
            v2 = g.v2Talker();
            for (int i = 0; i < mask.capacity(); i++) {
                mask.put(i, 1);
            }
        }

        void prefill(FloatBuffer embeds, int n) throws Exception {
            LongBuffer p = Tensors.longs(n);
            for (int i = 0; i < n; i++) {
                p.put(i, i);
            }
            runner.prefill(embeds, v2 ? mask : null, v2 ? p : null, 1, n);
            length = n;
        }

        void step() throws Exception {
            pos.put(0, length);
            runner.step(1, v2 ? mask : null, length + 1, v2 ? pos : null);
            length++;
        }

        private <T extends AutoCloseable> T own(T t) {
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
        try (Io a = new Io(javaPath, vocab, h);
             Io b = new Io(boundPath, vocab, h)) {
            a.prefill(prefill, prompt);
            b.prefill(prefill, prompt);
            assertSame(a, b, "prefill");
            long[] boundDelta = new long[STEPS];
            long[] javaDelta = new long[STEPS];
            for (int n = 0; n < STEPS; n++) {
                a.step.put(0, steps[n]);
                b.step.put(0, steps[n]);
                long ja = a.runner.hostBytes();
                long jb = b.runner.hostBytes();
                a.step();
                b.step();
                javaDelta[n] = a.runner.hostBytes() - ja;
                boundDelta[n] = b.runner.hostBytes() - jb;
                assertSame(a, b, "step " + n);
            }
            // Per step: step input, logits, last hidden (constant) plus, for a version-2 graph, the int64
            // attention mask (8 bytes per position) and the position; the KV cache never crosses.
            long expected = (2L * h + vocab) * Float.BYTES;
            for (int n = 0; n < STEPS; n++) {
                long mask = a.v2 ? (prompt + n + 1 + 1) * (long) Long.BYTES : 0;
                assertEquals(expected + mask, boundDelta[n], "I/O binding host bytes at step " + n);
            }
            KvLayout kv = javaPath.talkerKv();
            long perPosition = kv.bytes(1);
            // The Java binding moves the past and the present KV: two positions' worth more at every step.
            long maskGrowth = a.v2 ? (STEPS - 1) * (long) Long.BYTES : 0;
            assertEquals(2 * perPosition * (STEPS - 1) + maskGrowth, javaDelta[STEPS - 1] - javaDelta[0]);
            assertTrue(javaDelta[0] > boundDelta[0] + 2 * prompt * perPosition,
                    "java " + javaDelta[0] + " vs bound " + boundDelta[0]);
        }
    }

    @Test
    void theFixedSizeCacheAgreesAndItsStepTrafficIsOneConstant() throws Exception {
        int h = new CodecEmbeddings(bundle).hidden();
        int vocab = new CodecEmbeddings(bundle).codecVocab();
        int max = staticPath.staticKvLength();
        assertEquals(512, max, "the demo bundles are exported with --static-kv 512");
        SplittableRandom rnd = new SplittableRandom(11);
        int prompt = 9;
        FloatBuffer prefill = Tensors.floats(prompt * h);
        for (int i = 0; i < prompt * h; i++) {
            prefill.put(i, (float) (rnd.nextGaussian() * 0.1));
        }
        try (Io b = new Io(boundPath, vocab, h);
             Io s = new Io(staticPath, vocab, h, prompt + STEPS + 1)) {
            assertTrue(s.runner instanceof StaticTalkerRunner, "a batch that fits runs on the fixed-size cache");
            b.prefill(prefill, prompt);
            s.prefill(prefill, prompt);
            assertClose(b, s, "prefill");
            long[] delta = new long[STEPS];
            for (int n = 0; n < STEPS; n++) {
                for (int i = 0; i < h; i++) {
                    float x = (float) (rnd.nextGaussian() * 0.1);
                    b.step.put(i, x);
                    s.step.put(i, x);
                }
                long before = s.runner.hostBytes();
                b.step();
                s.step();
                delta[n] = s.runner.hostBytes() - before;
                assertClose(b, s, "step " + n);
            }
            // Step input, logits, last hidden, the [1, N] mask, the position and the write index: whatever the length.
            long expected = (2L * h + vocab) * Float.BYTES + (max + 2L) * Long.BYTES;
            for (int n = 0; n < STEPS; n++) {
                assertEquals(expected, delta[n], "fixed-size KV host bytes at step " + n);
            }
        }
        try (Io over = new Io(staticPath, vocab, h, max + 1)) {
            assertTrue(over.runner instanceof BoundTalkerRunner, "a batch that may outgrow the buffer uses the growing cache");
        }
    }

    @Test
    void aBundleWithoutTheFixedSizeTalkerRunsWithTheDeviceCache() {
        assertEquals(TalkerPath.STATIC_KV, staticPath.path());
        try (Bundle int8 = Bundle.open(TestPaths.fixtures().resolve("bundles/custom-voice-int8"), runtime)) {
            assertTrue(!int8.has(GraphKind.TALKER_STATIC));
            CodeGenerator g = new CodeGenerator(int8, new CodecEmbeddings(int8), PredictorMode.FUSED, TalkerPath.STATIC_KV);
            assertEquals(TalkerPath.IO_BINDING, g.path());
            assertEquals(0, g.staticKvLength());
            assertTrue(g.continuousBatching());
        }
    }

    @Test
    void theCudaGraphModeReusesOneSlotsFixedBuffersAcrossGenerations() throws Exception {
        int h = new CodecEmbeddings(bundle).hidden();
        int vocab = new CodecEmbeddings(bundle).codecVocab();
        int max = staticPath.staticKvLength();
        assertTrue(!staticPath.cudaGraphs(), "no CUDA graphs on the CPU");
        NativeSession session = bundle.nativeSession(GraphKind.TALKER_STATIC);
        GraphSlots slots = new GraphSlots(session, staticPath.staticKv(), max, h, vocab, -1);
        SplittableRandom rnd = new SplittableRandom(5);
        long[] firstAddresses = null;
        int firstId = -1;
        for (int generation = 0; generation < 2; generation++) {
            int prompt = 6 + 5 * generation;
            FloatBuffer prefill = Tensors.floats(prompt * h);
            for (int i = 0; i < prompt * h; i++) {
                prefill.put(i, (float) (rnd.nextGaussian() * 0.1));
            }
            try (Io b = new Io(boundPath, vocab, h);
                 Io s = new Io(staticPath, vocab, h, prompt + STEPS + 1, slots)) {
                GraphSlots.Slot slot = slotOf(s);
                long[] addresses = addresses(slot);
                if (generation == 0) {
                    firstAddresses = addresses;
                    firstId = slot.id;
                } else {
                    assertEquals(firstId, slot.id, "the second generation gets the released slot again");
                    assertArrayEquals(firstAddresses, addresses, "and its buffers at the same addresses");
                }
                b.prefill(prefill, prompt);
                s.prefill(prefill, prompt);
                assertClose(b, s, "prefill " + generation);
                // The whole [1, N] mask at the first step, then only its new entry: constant either way.
                long expected = (2L * h + vocab) * Float.BYTES + (max + 2L) * Long.BYTES;
                for (int n = 0; n < STEPS; n++) {
                    if (n == 1) {
                        expected = (2L * h + vocab) * Float.BYTES + 3L * Long.BYTES;
                    }
                    for (int i = 0; i < h; i++) {
                        float x = (float) (rnd.nextGaussian() * 0.1);
                        b.step.put(i, x);
                        s.step.put(i, x);
                    }
                    long before = s.runner.hostBytes();
                    b.step();
                    s.step();
                    assertEquals(expected, s.runner.hostBytes() - before, "graph-mode host bytes at step " + n);
                    assertClose(b, s, "generation " + generation + " step " + n);
                }
                assertArrayEquals(addresses, addresses(slot), "no step moved a buffer");
            }
        }
    }

    private static GraphSlots.Slot slotOf(Io io) throws Exception {
        java.lang.reflect.Field f = StaticTalkerRunner.class.getDeclaredField("slot");
        f.setAccessible(true);
        return (GraphSlots.Slot) f.get(io.runner);
    }

    private static long[] addresses(GraphSlots.Slot s) {
        long[] a = new long[s.kv.length + 6];
        for (int i = 0; i < s.kv.length; i++) {
            a[i] = s.kv[i].dataAddress();
        }
        NativeValue[] small = {s.embeds, s.mask, s.pos, s.writeIndex, s.logits, s.lastHidden};
        for (int i = 0; i < small.length; i++) {
            a[s.kv.length + i] = small[i].dataAddress();
        }
        return a;
    }

    private static void assertClose(Io a, Io b, String what) {
        float[] la = new float[a.logits.capacity()];
        float[] lb = new float[b.logits.capacity()];
        a.logits.get(0, la);
        b.logits.get(0, lb);
        assertArrayEquals(la, lb, 1e-4f, what + ": logits");
        float[] ha = new float[a.hidden.capacity()];
        float[] hb = new float[b.hidden.capacity()];
        a.hidden.get(0, ha);
        b.hidden.get(0, hb);
        assertArrayEquals(ha, hb, 1e-4f, what + ": last_hidden");
        assertTrue(Float.isFinite(lb[0]) && lb[0] != 0f, what + ": logits were written");
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
    void terminateStopsTheBoundRun() throws Exception {
        int h = new CodecEmbeddings(bundle).hidden();
        int vocab = new CodecEmbeddings(bundle).codecVocab();
        try (Io b = new Io(boundPath, vocab, h)) {
            b.prefill(Tensors.floats(3 * h), 3);
            b.runner.terminate();
            assertThrows(OrtCallException.class, b::step);
        }
    }

    @Test
    void nonFiniteLogitsNameTheFp16Fix() {
        assertTrue(CodeGenerator.nonFiniteMessage("fp16", 3).contains("this fp16 bundle overflowed; use the fp32 bundle"));
        assertTrue(CodeGenerator.nonFiniteMessage("fp32", 3).contains("non-finite"));
    }
}
