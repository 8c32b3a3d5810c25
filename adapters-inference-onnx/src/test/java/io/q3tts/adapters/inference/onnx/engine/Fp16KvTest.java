package io.q3tts.adapters.inference.onnx.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.q3tts.adapters.inference.onnx.ffm.NativeSession;
import io.q3tts.adapters.inference.onnx.ffm.OrtApi;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An fp16-KV talker graph (the I/O of an {@code --fp16} bundle: f32 {@code inputs_embeds},
 * {@code logits}, {@code last_hidden}; f16 {@code past_*}/{@code present_*}) runs through both talker
 * runners on the CPU: the KV element type is read from the graph, the empty past is created as
 * FLOAT16, and the cache carries over between steps.
 *
 * <p>The graph is built here (a real ONNX model, encoded by hand): present = Concat(past,
 * f16(inputs_embeds as [1, KV, S, D])), logits = mean of f32(present_key) over heads and positions,
 * last_hidden = mean of inputs_embeds over positions. So after n rows, logits[d] is the mean of
 * row[h * D + d] over all rows and heads: the test sees whether every past row survived.
 */
class Fp16KvTest {

    private static final int KV = 2;
    private static final int D = 4;
    private static final int H = KV * D;

    @TempDir
    Path dir;

    @Test
    void bothRunnersCarryAnFp16CacheAndAgree() throws Exception {
        Path graph = dir.resolve("talker.onnx");
        Files.write(graph, miniTalker());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession javaSession = env.createSession(graph.toString(), new OrtSession.SessionOptions());
             NativeSession nativeSession = NativeSession.open(graph, new NativeSession.Options(false, 0, 1, 1, false, true))) {
            KvLayout kvJava = KvLayout.of(javaSession, "mini");
            KvLayout kvNative = KvLayout.of(nativeSession, "mini");
            assertEquals(OrtApi.FLOAT16, kvJava.elementType());
            assertEquals(OrtApi.FLOAT16, kvNative.elementType());
            assertEquals(2, kvJava.elementBytes());

            FloatBuffer[] a = {Tensors.floats(D), Tensors.floats(H), Tensors.floats(H)};
            FloatBuffer[] b = {Tensors.floats(D), Tensors.floats(H), Tensors.floats(H)};
            try (OrtSession.RunOptions ro = new OrtSession.RunOptions();
                 TalkerRunner java = new JavaTalkerRunner(env, javaSession, kvJava, a[0], a[1], a[2], D, H, ro);
                 TalkerRunner bound = new BoundTalkerRunner(nativeSession, kvNative, b[0], b[1], b[2], D, H, -1)) {
                int prompt = 3;
                int steps = 5;
                float[][] rows = new float[prompt + steps][H];
                for (int r = 0; r < rows.length; r++) {
                    for (int i = 0; i < H; i++) {
                        rows[r][i] = (r + 1) * 0.25f + i * 0.125f;
                    }
                }
                FloatBuffer pre = Tensors.floats(prompt * H);
                for (int r = 0; r < prompt; r++) {
                    pre.put(r * H, rows[r]);
                }
                // A version-1 style graph: no attention mask, no positions.
                java.prefill(pre, null, null, 1, prompt);
                bound.prefill(pre, null, null, 1, prompt);
                check(a, b, rows, prompt);
                for (int n = 0; n < steps; n++) {
                    a[2].put(0, rows[prompt + n]);
                    b[2].put(0, rows[prompt + n]);
                    java.step(1, null, prompt + n + 1, null);
                    bound.step(1, null, prompt + n + 1, null);
                    check(a, b, rows, prompt + n + 1);
                }
                assertEquals(((long) prompt * H + (D + H) + (long) steps * (2 * H + D)) * Float.BYTES,
                        bound.hostBytes(), "only inputs, logits and last_hidden cross with I/O binding");
            }
        }
    }

    @Test
    void compactionKeepsTheChosenRowsOfAnFp16Cache() throws Exception {
        Path graph = dir.resolve("talker.onnx");
        Files.write(graph, miniTalker());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession javaSession = env.createSession(graph.toString(), new OrtSession.SessionOptions());
             NativeSession nativeSession = NativeSession.open(graph, new NativeSession.Options(false, 0, 1, 1, false, true))) {
            int batch = 3;
            FloatBuffer[] a = {Tensors.floats(batch * D), Tensors.floats(batch * H), Tensors.floats(batch * H)};
            FloatBuffer[] b = {Tensors.floats(batch * D), Tensors.floats(batch * H), Tensors.floats(batch * H)};
            try (OrtSession.RunOptions ro = new OrtSession.RunOptions();
                 TalkerRunner java = new JavaTalkerRunner(env, javaSession, KvLayout.of(javaSession, "mini"), a[0], a[1],
                         a[2], D, H, ro);
                 TalkerRunner bound = new BoundTalkerRunner(nativeSession, KvLayout.of(nativeSession, "mini"), b[0], b[1],
                         b[2], D, H, -1)) {
                int prompt = 4;
                float[][][] rows = new float[batch][prompt + 1][H];
                FloatBuffer pre = Tensors.floats(batch * prompt * H);
                for (int r = 0; r < batch; r++) {
                    for (int t = 0; t <= prompt; t++) {
                        for (int i = 0; i < H; i++) {
                            rows[r][t][i] = (r + 1) * 0.5f + t * 0.25f + i * 0.0625f;
                        }
                    }
                    for (int t = 0; t < prompt; t++) {
                        pre.put((r * prompt + t) * H, rows[r][t]);
                    }
                }
                java.prefill(pre, null, null, batch, prompt);
                bound.prefill(pre, null, null, batch, prompt);
                // Row 0 ends: keep rows 2 and 1 (in that order) and drop the first position.
                int[] keep = {2, 1};
                java.compact(keep, batch, prompt, 1);
                bound.compact(keep, batch, prompt, 1);
                for (int r = 0; r < keep.length; r++) {
                    a[2].put(r * H, rows[keep[r]][prompt]);
                    b[2].put(r * H, rows[keep[r]][prompt]);
                }
                java.step(keep.length, null, prompt, null);
                bound.step(keep.length, null, prompt, null);
                float[] la = new float[keep.length * D];
                float[] lb = new float[keep.length * D];
                a[0].get(0, la);
                b[0].get(0, lb);
                assertArrayEquals(la, lb, "both runners after compaction");
                for (int r = 0; r < keep.length; r++) {
                    for (int d = 0; d < D; d++) {
                        double sum = 0;
                        for (int t = 1; t <= prompt; t++) {
                            for (int h = 0; h < KV; h++) {
                                sum += rows[keep[r]][t][h * D + d];
                            }
                        }
                        assertEquals(sum / (prompt * KV), la[r * D + d], 0.01, "row " + r + " dim " + d);
                    }
                }
            }
        }
    }

    /**
     * Rows join a running batch of an fp16 cache (continuous batching) through both runners: first a
     * row with a longer prompt than the batch's past (the batch's rows get left padding), then one
     * with a shorter prompt (it gets left padding). The graph's logits average the whole cache, so
     * they show that every row's past survived, in its place, and that padding holds zeros.
     */
    @Test
    void joiningRowsMergeIntoAnFp16CacheThroughBothRunners() throws Exception {
        Path graph = dir.resolve("talker2.onnx");
        Files.write(graph, miniTalker(true));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession javaSession = env.createSession(graph.toString(), new OrtSession.SessionOptions());
             NativeSession nativeSession = NativeSession.open(graph, new NativeSession.Options(false, 0, 1, 1, false, true))) {
            int capacity = 4;
            FloatBuffer[] a = {Tensors.floats(capacity * D), Tensors.floats(capacity * H), Tensors.floats(capacity * H)};
            FloatBuffer[] b = {Tensors.floats(capacity * D), Tensors.floats(capacity * H), Tensors.floats(capacity * H)};
            try (OrtSession.RunOptions ro = new OrtSession.RunOptions();
                 TalkerRunner java = new JavaTalkerRunner(env, javaSession, KvLayout.of(javaSession, "mini"), a[0], a[1],
                         a[2], D, H, ro);
                 TalkerRunner bound = new BoundTalkerRunner(nativeSession, KvLayout.of(nativeSession, "mini"), b[0], b[1],
                         b[2], D, H, -1)) {
                // The cache as the test expects it: per row, its columns (null = zero padding).
                List<List<float[]>> cache = new ArrayList<>();
                int[] seed = {0};
                int prompt = 3;
                FloatBuffer pre = Tensors.floats(2 * prompt * H);
                for (int r = 0; r < 2; r++) {
                    List<float[]> cols = new ArrayList<>();
                    for (int t = 0; t < prompt; t++) {
                        float[] col = column(seed);
                        pre.put((r * prompt + t) * H, col);
                        cols.add(col);
                    }
                    cache.add(cols);
                }
                java.prefill(pre, ones(2 * prompt), ones(2 * prompt), 2, prompt);
                bound.prefill(pre, ones(2 * prompt), ones(2 * prompt), 2, prompt);
                checkRows(a, b, cache, 0, 2);
                int past = prompt;
                for (int width : new int[] {5, 2}) {
                    // One row joins with a prompt of `width` positions.
                    int old = cache.size();
                    FloatBuffer joinEmbeds = Tensors.floats(width * H);
                    List<float[]> cols = new ArrayList<>();
                    for (int t = 0; t < width; t++) {
                        float[] col = column(seed);
                        joinEmbeds.put(t * H, col);
                        cols.add(col);
                    }
                    java.join(joinEmbeds, ones(width), ones(width), 1, width, old, past);
                    bound.join(joinEmbeds, ones(width), ones(width), 1, width, old, past);
                    cache.add(cols);
                    checkRows(a, b, cache, old, old + 1);
                    int merged = Math.max(past, width);
                    for (List<float[]> c : cache) {
                        while (c.size() < merged) {
                            c.addFirst(null);
                        }
                    }
                    past = merged;
                    // One step for every row: each sees its own past, padded, plus its step input.
                    int rows = cache.size();
                    for (int r = 0; r < rows; r++) {
                        float[] col = column(seed);
                        a[2].put(r * H, col);
                        b[2].put(r * H, col);
                        cache.get(r).add(col);
                    }
                    java.step(rows, ones(rows * (past + 1)), past + 1, ones(rows));
                    bound.step(rows, ones(rows * (past + 1)), past + 1, ones(rows));
                    past++;
                    checkRows(a, b, cache, 0, rows);
                }
            }
        }
    }

    private static float[] column(int[] seed) {
        float[] col = new float[H];
        int s = ++seed[0];
        for (int i = 0; i < H; i++) {
            col[i] = (s % 7) * 0.25f + i * 0.125f - 0.5f;
        }
        return col;
    }

    private static LongBuffer ones(int n) {
        LongBuffer l = Tensors.longs(n);
        for (int i = 0; i < n; i++) {
            l.put(i, 1);
        }
        return l;
    }

    /** Rows {@code from..to-1} of both runners' logits equal each other and the mean of the row's cache. */
    private static void checkRows(FloatBuffer[] a, FloatBuffer[] b, List<List<float[]>> cache, int from, int to) {
        for (int r = from; r < to; r++) {
            float[] la = new float[D];
            float[] lb = new float[D];
            a[0].get(r * D, la);
            b[0].get(r * D, lb);
            assertArrayEquals(la, lb, "both runners, row " + r);
            List<float[]> cols = cache.get(r);
            for (int d = 0; d < D; d++) {
                double sum = 0;
                for (float[] col : cols) {
                    for (int h = 0; col != null && h < KV; h++) {
                        sum += col[h * D + d];
                    }
                }
                assertEquals(sum / (cols.size() * KV), la[d], 0.01, "row " + r + " dim " + d);
            }
        }
    }

    private static void check(FloatBuffer[] a, FloatBuffer[] b, float[][] rows, int n) {
        float[] la = new float[D];
        float[] lb = new float[D];
        a[0].get(0, la);
        b[0].get(0, lb);
        assertArrayEquals(la, lb, "logits after " + n + " rows");
        float[] expected = new float[D];
        for (int d = 0; d < D; d++) {
            double s = 0;
            for (int r = 0; r < n; r++) {
                for (int h = 0; h < KV; h++) {
                    s += rows[r][h * D + d];
                }
            }
            expected[d] = (float) (s / (n * KV));
        }
        // The values pass through fp16 (about 3 significant digits).
        assertArrayEquals(expected, la, 0.01f, "logits after " + n + " rows");
    }

    // ---- a minimal ONNX protobuf writer (only the fields this graph needs) ----

    private static byte[] miniTalker() {
        return miniTalker(false);
    }

    /** @param v2 whether the graph also declares {@code attention_mask} and {@code position_ids} (unused) */
    private static byte[] miniTalker(boolean v2) {
        Pb shape = new Pb().bytes(8, "shape".getBytes(StandardCharsets.UTF_8)).varint(2, 7).varint(1, 4)
                .bytes(9, longsLe(0, -1, KV, D));
        Pb graph = new Pb()
                .msg(1, node("Reshape", List.of("inputs_embeds", "shape"), "x4"))
                .msg(1, node("Transpose", List.of("x4"), "xt").msg(5, ints("perm", 0, 2, 1, 3)))
                .msg(1, node("Cast", List.of("xt"), "x16").msg(5, intAttr("to", 10)))
                .msg(1, node("Concat", List.of("past_key.0", "x16"), "present_key.0").msg(5, intAttr("axis", 2)))
                .msg(1, node("Concat", List.of("past_value.0", "x16"), "present_value.0").msg(5, intAttr("axis", 2)))
                .msg(1, node("Cast", List.of("present_key.0"), "k32").msg(5, intAttr("to", 1)))
                .msg(1, node("ReduceMean", List.of("k32"), "logits").msg(5, ints("axes", 1, 2)).msg(5, intAttr("keepdims", 0)))
                .msg(1, node("ReduceMean", List.of("inputs_embeds"), "last_hidden").msg(5, ints("axes", 1))
                        .msg(5, intAttr("keepdims", 0)))
                .string(2, "mini_talker")
                .msg(5, shape)
                .msg(11, value("inputs_embeds", 1, "B", "S", String.valueOf(H)))
                .msg(11, value("past_key.0", 10, "B", String.valueOf(KV), "P", String.valueOf(D)))
                .msg(11, value("past_value.0", 10, "B", String.valueOf(KV), "P", String.valueOf(D)));
        if (v2) {
            graph.msg(11, value("attention_mask", 7, "B", "T")).msg(11, value("position_ids", 7, "B", "S"));
        }
        graph
                .msg(12, value("logits", 1, "B", String.valueOf(D)))
                .msg(12, value("last_hidden", 1, "B", String.valueOf(H)))
                .msg(12, value("present_key.0", 10, "B", String.valueOf(KV), "T", String.valueOf(D)))
                .msg(12, value("present_value.0", 10, "B", String.valueOf(KV), "T", String.valueOf(D)));
        return new Pb().varint(1, 8).string(2, "q3tts-test").msg(7, graph)
                .msg(8, new Pb().string(1, "").varint(2, 17)).toBytes();
    }

    private static Pb node(String op, List<String> inputs, String output) {
        Pb n = new Pb();
        inputs.forEach(i -> n.string(1, i));
        return n.string(2, output).string(3, op + "_" + output).string(4, op);
    }

    private static Pb intAttr(String name, long v) {
        return new Pb().string(1, name).varint(3, v).varint(20, 2);
    }

    private static Pb ints(String name, long... v) {
        Pb a = new Pb().string(1, name);
        for (long x : v) {
            a.varint(8, x);
        }
        return a.varint(20, 7);
    }

    /** A tensor value info; a dimension is a number or a symbolic name. */
    private static Pb value(String name, int elemType, String... dims) {
        Pb shape = new Pb();
        for (String d : dims) {
            shape.msg(1, d.chars().allMatch(Character::isDigit) ? new Pb().varint(1, Long.parseLong(d)) : new Pb().string(2, d));
        }
        return new Pb().string(1, name).msg(2, new Pb().msg(1, new Pb().varint(1, elemType).msg(2, shape)));
    }

    private static byte[] longsLe(long... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return b.array();
    }

    /** Protocol-buffer wire format: varints and length-delimited fields. */
    private static final class Pb {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        private void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        Pb varint(int field, long v) {
            raw((long) field << 3);
            raw(v);
            return this;
        }

        Pb bytes(int field, byte[] b) {
            raw(((long) field << 3) | 2);
            raw(b.length);
            out.writeBytes(b);
            return this;
        }

        Pb string(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Pb msg(int field, Pb m) {
            return bytes(field, m.toBytes());
        }

        byte[] toBytes() {
            return out.toByteArray();
        }
    }
}
