package io.q3tts.adapters.inference.onnx.ffm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The C API binding against the library the Java binding loaded, on the real demo talker graph. */
class OrtApiTest {

    private static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("models"))) {
            p = p.getParent();
        }
        return p;
    }

    @Test
    void bindsTheVersionInThePom() throws Exception {
        String pom = Files.readString(repo().resolve("pom.xml"));
        Matcher m = Pattern.compile("<onnxruntime.version>([^<]+)</onnxruntime.version>").matcher(pom);
        assertTrue(m.find());
        assertEquals(m.group(1), OrtApi.get().version());
        assertEquals(OrtEnvironment.getEnvironment().getVersion(), OrtApi.get().version());
    }

    @Test
    void readsInputTypesAndRunsTheTalkerThroughABinding() {
        Path talker = repo().resolve("models/demo-custom-voice/talker.onnx");
        NativeSession.Options options = new NativeSession.Options(false, 0, 1, 1, false, true);
        try (NativeSession s = NativeSession.open(talker, options);
             MemoryInfo cpu = MemoryInfo.cpu();
             NativeRunOptions run = new NativeRunOptions();
             IoBinding b = s.newBinding();
             Arena arena = Arena.ofConfined()) {
            TensorType past = s.inputs().get("past_key.0");
            assertEquals(OrtApi.FLOAT, past.elementType());
            assertEquals(4, past.shape().length);
            assertTrue(s.outputs().contains("logits"));
            int h = (int) s.inputs().get("inputs_embeds").shape()[2];
            int layers = (int) s.inputs().keySet().stream().filter(n -> n.startsWith("past_key.")).count();
            MemorySegment in = arena.allocate(ValueLayout.JAVA_FLOAT, 2L * h);
            try (NativeValue x = NativeValue.wrap(in, cpu, OrtApi.FLOAT, 1, 2, h);
                 NativeValue empty = NativeValue.allocate(OrtApi.FLOAT, 1, past.shape()[1], 0, past.shape()[3])) {
                b.bindInput("inputs_embeds", x);
                // Version-2 graphs also take an attention mask and positions (int64 [1, 2]).
                MemorySegment mask = arena.allocateFrom(ValueLayout.JAVA_LONG, 1, 1);
                MemorySegment pos = arena.allocateFrom(ValueLayout.JAVA_LONG, 0, 1);
                NativeValue maskIn = NativeValue.wrap(mask, cpu, OrtApi.INT64, 1, 2);
                NativeValue posIn = NativeValue.wrap(pos, cpu, OrtApi.INT64, 1, 2);
                if (s.inputs().containsKey("attention_mask")) {
                    b.bindInput("attention_mask", maskIn);
                    b.bindInput("position_ids", posIn);
                }
                maskIn.close();
                posIn.close();
                for (int i = 0; i < layers; i++) {
                    b.bindInput("past_key." + i, empty);
                    b.bindInput("past_value." + i, empty);
                }
                for (String o : s.outputs()) {
                    b.bindOutputToDevice(o, cpu);
                }
                b.run(run);
                NativeValue[] out = b.outputs();
                assertEquals(s.outputs().size(), out.length);
                int k0 = s.outputs().indexOf("present_key.0");
                assertArrayEquals(new long[] {1, past.shape()[1], 2, past.shape()[3]}, out[k0].type().shape());
                for (NativeValue v : out) {
                    v.close();
                }
            }
        }
    }

    @Test
    void profilingWritesTheTraceAtThePrefixOnlyWhenAsked(@TempDir Path tmp) throws Exception {
        Path graph = repo().resolve("models/demo-custom-voice/code_predictor_frame.onnx");
        NativeSession.Options plain = new NativeSession.Options(false, 0, 1, 1, false, true);
        try (NativeSession s = NativeSession.open(graph, plain)) {
            assertThrows(IllegalStateException.class, s::endProfiling);
        }
        Path prefix = tmp.resolve("cp");
        try (NativeSession s = NativeSession.open(graph,
                new NativeSession.Options(false, 0, 1, 1, false, true, false, prefix))) {
            // EnableProfiling (entry 14) and SessionEndProfiling (entry 110): the file is ONNX Runtime's answer.
            Path written = s.endProfiling();
            assertEquals(tmp, written.getParent());
            assertTrue(written.getFileName().toString().startsWith("cp_"), written.toString());
            assertTrue(written.getFileName().toString().endsWith(".json"), written.toString());
            String trace = Files.readString(written);
            assertTrue(trace.contains("\"session_initialization\""), trace);
        }
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void aMissingGraphFailsWithOrtsMessage() {
        NativeSession.Options options = new NativeSession.Options(false, 0, 1, 1, false, true);
        OrtCallException e = assertThrows(OrtCallException.class,
                () -> NativeSession.open(Path.of("/nonexistent/x.onnx"), options));
        assertTrue(e.getMessage().startsWith("CreateSession(x.onnx) failed: "), e.getMessage());
    }
}
