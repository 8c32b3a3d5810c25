package io.q3tts.adapters.inference.onnx.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.q3tts.adapters.inference.onnx.bundle.Bundle;
import io.q3tts.adapters.inference.onnx.bundle.OnnxRuntimeConfig;
import io.q3tts.adapters.inference.onnx.bundle.OrtRuntime;
import io.q3tts.adapters.inference.onnx.text.TextTokenizer;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.out.inference.SamplingParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ONNX Runtime's profiler through the real engine on the demo bundle, for every talker path (the
 * Java binding's sessions and the C API's): one Chrome-trace file per session lands in the
 * configured folder when the bundle closes, the talker's holds its node events, and nothing is
 * written anywhere else (not in the working directory, ONNX Runtime's default, nor in the bundle).
 */
class OrtProfileTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FRAMES = 4;

    @ParameterizedTest
    @EnumSource(TalkerPath.class)
    void givenProfilingOn_whenTheEngineRuns_thenEachSessionWritesItsProfileIntoTheFolderOnly(TalkerPath path,
            @TempDir Path tmp) throws Exception {
        Path bundleDir = TestPaths.requireBundle("custom-voice");
        Path cwd = Path.of("").toAbsolutePath();
        Set<String> cwdBefore = list(cwd);
        Set<String> bundleBefore = list(bundleDir);
        Path profiles = tmp.resolve("profiles");

        try (OrtRuntime runtime = new OrtRuntime(OnnxRuntimeConfig.cpu().withProfiling(profiles));
             Bundle bundle = Bundle.open(bundleDir, runtime);
             TextTokenizer tokenizer = TextTokenizer.load(bundle.tokenizerFile())) {
            Qwen3TtsEngine engine = new Qwen3TtsEngine(bundle, tokenizer, PredictorMode.FUSED, path);
            GenerationSettings settings = GenerationSettings.of(bundle.manifest(), SamplingParams.greedy(), FRAMES + 1, null)
                    .withEosSuppressed();
            TalkerPrompt prompt = engine.customVoicePrompt("Hello there.", "ryan", "english", null, false);
            GeneratedCodes codes = engine.generate(prompt, settings, null, null, CancellationToken.none());
            assertEquals(FRAMES, codes.frameCount());
            engine.decode(codes.frames(), null);
            // Nothing is written before the session ends: ONNX Runtime keeps the events in memory.
            bundle.close();
        }

        String binding = path == TalkerPath.JAVA_BINDING ? "java" : "capi";
        String talker = path == TalkerPath.STATIC_KV ? "talker_static" : "talker";
        List<Path> files;
        try (Stream<Path> s = Files.list(profiles)) {
            files = s.sorted().toList();
        }
        assertTrue(files.stream().allMatch(f -> f.getFileName().toString().endsWith(".json")), files.toString());
        Path talkerFile = files.stream()
                .filter(f -> f.getFileName().toString().startsWith(talker + "." + binding + "-"))
                .findFirst().orElseThrow(() -> new AssertionError("no " + talker + "." + binding + " profile in " + files));
        assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().startsWith("code_predictor_frame.java-")), files.toString());
        assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().startsWith("codec_decoder.java-")), files.toString());

        JsonNode events = JSON.readTree(talkerFile.toFile());
        int runs = 0;
        int nodes = 0;
        boolean matMul = false;
        for (JsonNode e : events) {
            String cat = e.path("cat").asText();
            if (cat.equals("Session") && e.path("name").asText().equals("model_run")) {
                runs++;
            } else if (cat.equals("Node") && e.path("name").asText().endsWith("_kernel_time")) {
                nodes++;
                matMul |= e.path("args").path("op_name").asText().equals("MatMul");
                assertEquals("CPUExecutionProvider", e.path("args").path("provider").asText());
            }
        }
        // One prefill and one run per decision after it (the last decision only hits the cap).
        assertTrue(runs >= FRAMES, "model_run events: " + runs);
        assertTrue(nodes > runs, "node events: " + nodes);
        assertTrue(matMul, "the talker's MatMul nodes are profiled");

        assertEquals(cwdBefore, list(cwd), "nothing written to the working directory");
        assertEquals(bundleBefore, list(bundleDir), "nothing written into the bundle");
        assertEquals(Set.of("profiles"), list(tmp), "nothing written next to the profile folder");
    }

    @Test
    void givenTheDefaults_thenProfilingIsOff() {
        assertNull(OnnxRuntimeConfig.defaults().profileDir());
        assertNull(OnnxRuntimeConfig.cpu().profileDir());
        try (OrtRuntime runtime = new OrtRuntime(OnnxRuntimeConfig.cpu())) {
            assertNull(runtime.nativeOptions(Path.of("talker.onnx")).profilePrefix());
        }
    }

    private static Set<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(TreeSet::new, Set::add, Set::addAll);
        }
    }
}
