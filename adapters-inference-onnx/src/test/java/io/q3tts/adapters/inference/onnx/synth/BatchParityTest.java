package io.q3tts.adapters.inference.onnx.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.q3tts.adapters.inference.onnx.bundle.OnnxRuntimeConfig;
import io.q3tts.adapters.inference.onnx.bundle.OrtRuntime;
import io.q3tts.adapters.inference.onnx.engine.BatchRow;
import io.q3tts.adapters.inference.onnx.engine.DecisionHook;
import io.q3tts.adapters.inference.onnx.engine.GeneratedCodes;
import io.q3tts.adapters.inference.onnx.engine.GenerationSettings;
import io.q3tts.adapters.inference.onnx.engine.PredictorMode;
import io.q3tts.adapters.inference.onnx.engine.Qwen3TtsEngine;
import io.q3tts.adapters.inference.onnx.engine.TalkerPath;
import io.q3tts.adapters.inference.onnx.engine.TalkerPrompt;
import io.q3tts.adapters.inference.onnx.engine.TestPaths;
import io.q3tts.adapters.inference.onnx.engine.VoiceClonePrompt;
import io.q3tts.adapters.inference.onnx.io.Npy;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.out.inference.BatchFeed;
import io.q3tts.ports.out.inference.BatchItem;
import io.q3tts.ports.out.inference.BatchOutcome;
import io.q3tts.ports.out.inference.FinishReason;
import io.q3tts.ports.out.inference.SynthesisRequest;
import io.q3tts.ports.out.inference.SynthesisResult;
import io.q3tts.ports.out.inference.TaskType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The official batched wrapper's fixtures ({@code fixtures/batch/}: one wrapper call with lists of
 * 3-4 texts of different lengths, left padding, greedy) against the Java batched loop, from the
 * user's input only (text, speaker, language, instruct, reference clip file):
 *
 * <ul>
 *   <li>the engine's batched loop, both predictor modes, gives every row's official batched codes
 *       frame for frame; at a recorded near-tie (official top-2 margin below the fixture epsilon)
 *       either token is accepted, counted, and the loop continues from the official token (as
 *       OfficialParityTest does);
 *   <li>each row of the Java batch equals the same request run alone through the engine, with one
 *       stated exception: a row may diverge at a decision the alone run itself shows as a near-tie
 *       (its top-2 margin below the epsilon), because batched and single float rounding differ;
 *       such divergences are counted and printed;
 *   <li>{@link OnnxSpeechSynthesizer#synthesizeBatch} gives every row a {@link BatchOutcome.Done}
 *       whose frames and waveform are the official batched ones (waveform checked where no tie
 *       changed a token).
 * </ul>
 */
class BatchParityTest {

    private static final double WAVE_TOL = 1e-4;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OrtRuntime RUNTIME = new OrtRuntime(OnnxRuntimeConfig.cpu());
    private static final Map<String, OnnxSpeechSynthesizer> OPEN = new HashMap<>();

    private static synchronized OnnxSpeechSynthesizer synthesizer(String model, PredictorMode mode) {
        return synthesizer(model, mode, TalkerPath.JAVA_BINDING);
    }

    private static synchronized OnnxSpeechSynthesizer synthesizer(String model, PredictorMode mode, TalkerPath path) {
        return OPEN.computeIfAbsent(model + "/" + mode + "/" + path, k -> OnnxSpeechSynthesizer.open(
                TestPaths.requireBundle(model), RUNTIME, SynthesizerOptions.defaults().withRunawayGuard(null)
                        .withChunking(2, 3).withPredictorMode(mode).withTalkerPath(path)));
    }

    /**
     * Every predictor mode through both talker paths (Java binding; I/O binding through the C API,
     * compaction included), and the fused predictor over the fixed-size KV talker (compaction, no joins).
     */
    private record Combo(PredictorMode mode, TalkerPath path) { }

    private static final List<Combo> COMBOS = List.of(new Combo(PredictorMode.FUSED, TalkerPath.JAVA_BINDING),
            new Combo(PredictorMode.STEPWISE, TalkerPath.JAVA_BINDING), new Combo(PredictorMode.FUSED, TalkerPath.IO_BINDING),
            new Combo(PredictorMode.STEPWISE, TalkerPath.IO_BINDING), new Combo(PredictorMode.FUSED, TalkerPath.STATIC_KV));

    @AfterAll
    static void closeAll() {
        OPEN.values().forEach(OnnxSpeechSynthesizer::close);
        OPEN.clear();
    }

    @TestFactory
    Stream<DynamicTest> everyOfficialBatchIsReproducedRowForRow() throws Exception {
        JsonNode index = JSON.readTree(TestPaths.requireFixture("index.json").toFile());
        double eps = index.path("near_tie_epsilon").asDouble(1e-4);
        List<DynamicTest> tests = new ArrayList<>();
        assertTrue(index.path("batch_cases").size() >= 3, "the fixtures hold batched cases for every task");
        for (JsonNode c : index.path("batch_cases")) {
            Path dir = TestPaths.fixtures().resolve(c.path("dir").asText());
            tests.add(DynamicTest.dynamicTest(c.path("name").asText(), () -> runCase(c, dir, eps)));
        }
        return tests.stream();
    }

    /** The official batched decisions of one row. */
    private record RowRef(int[][] codes, int[] talkerTokens, float[] talkerMargin, float[][] cpMargin) {

        static RowRef of(JsonNode row) {
            JsonNode td = row.path("talker_decisions");
            int[] tokens = ints(td.path("tokens"));
            float[] margin = floats(td.path("margin"));
            List<float[]> cp = new ArrayList<>();
            row.path("code_predictor_decisions").path("margin").forEach(r -> cp.add(floats(r)));
            return new RowRef(frames(row.path("codes")), tokens, margin, cp.toArray(new float[0][]));
        }
    }

    private void runCase(JsonNode entry, Path dir, double eps) throws Exception {
        String name = entry.path("name").asText();
        String model = entry.path("model").asText();
        String api = entry.path("api").asText();
        JsonNode cs = JSON.readTree(dir.resolve("case.json").toFile());
        JsonNode rowsJson = cs.path("rows");
        int n = rowsJson.size();
        List<SynthesisRequest> requests = new ArrayList<>();
        List<RowRef> refs = new ArrayList<>();
        for (JsonNode r : rowsJson) {
            requests.add(SynthesizerParityTest.request(api, r.path("request")));
            refs.add(RowRef.of(r));
        }

        StringBuilder report = new StringBuilder();
        boolean anyTieSwap = false;
        for (Combo combo : COMBOS) {
            PredictorMode mode = combo.mode();
            OnnxSpeechSynthesizer synth = synthesizer(model, mode, combo.path());
            Qwen3TtsEngine engine = synth.engine();
            List<TalkerPrompt> prompts = new ArrayList<>();
            List<GenerationSettings> settings = new ArrayList<>();
            for (SynthesisRequest req : requests) {
                VoiceClonePrompt voice = req.task() == TaskType.VOICE_CLONE
                        ? synth.voiceClonePrompt(req.voicePrompt(), CancellationToken.none()) : null;
                prompts.add(prompt(engine, req, voice));
                settings.add(GenerationSettings.of(engine.manifest(), req.sampling(), req.maxNewTokens(), null));
            }
            // 1. The batch against the official batch.
            int[] ties = new int[1];
            int[] checked = new int[1];
            List<String> mismatches = new ArrayList<>();
            GeneratedCodes[] batched = new GeneratedCodes[n];
            List<BatchRow> rows = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int row = i;
                rows.add(new BatchRow(prompts.get(i), settings.get(i), null,
                        officialHook(refs.get(i), eps, ties, checked, mismatches, name + " row " + i),
                        CancellationToken.none(), o -> {
                            if (o.error() != null) {
                                throw new AssertionError(name + " row " + row + " failed", o.error());
                            }
                            batched[row] = o.codes();
                        }));
            }
            engine.generateBatch(rows);
            assertTrue(mismatches.isEmpty(), name + " " + mode + ": " + mismatches);
            for (int i = 0; i < n; i++) {
                RowRef ref = refs.get(i);
                assertEquals(ref.codes().length, batched[i].frameCount(), name + " " + mode + " row " + i + ": frames");
                for (int f = 0; f < ref.codes().length; f++) {
                    assertArrayEquals(ref.codes()[f], batched[i].frames()[f], name + " " + mode + " row " + i + ": frame " + f);
                }
                assertEquals(rowsJson.get(i).path("stop_reason").asText(),
                        batched[i].stopReason().name().toLowerCase(java.util.Locale.ROOT), name + " row " + i + ": stop");
            }
            anyTieSwap |= ties[0] > 0;

            // 2. Each row of a free-running Java batch against the same request alone.
            GeneratedCodes[] free = new GeneratedCodes[n];
            List<BatchRow> freeRows = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int row = i;
                freeRows.add(new BatchRow(prompts.get(i), settings.get(i), null, null, CancellationToken.none(),
                        o -> free[row] = o.codes()));
            }
            engine.generateBatch(freeRows);
            int tieDivergences = 0;
            for (int i = 0; i < n; i++) {
                // A decision the alone run did not expose (the fused graph's residual codes) is never a tie.
                float[] aloneMargins = new float[Math.max(1, settings.get(i).maxNewTokens() * 16)];
                java.util.Arrays.fill(aloneMargins, Float.POSITIVE_INFINITY);
                GeneratedCodes alone = engine.generate(prompts.get(i), settings.get(i), null, marginRecorder(aloneMargins),
                        CancellationToken.none());
                int diverged = firstDifference(alone, free[i]);
                if (diverged < 0) {
                    continue;
                }
                float margin = aloneMargins[diverged];
                assertTrue(margin < eps, name + " " + mode + " row " + i + ": batched and alone differ at decision "
                        + diverged + " whose top-2 margin alone is " + margin + " (not a near-tie)");
                tieDivergences++;
            }
            report.append(String.format(" | %s decisions=%d official-ties=%d alone-vs-batch tie divergences=%d",
                    mode, checked[0], ties[0], tieDivergences));
        }

        // 3. Through the port, as a scheduler would call it.
        BatchOutcome[] outcomes = new BatchOutcome[n];
        List<BatchItem> items = new ArrayList<>();
        List<SynthesizerParityTest.Collector> chunks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int row = i;
            SynthesizerParityTest.Collector c = new SynthesizerParityTest.Collector();
            chunks.add(c);
            items.add(new BatchItem(requests.get(i), c, CancellationToken.none(), o -> {
                assertEquals(null, outcomes[row], "one outcome per row");
                outcomes[row] = o;
            }));
        }
        synthesizer(model, PredictorMode.FUSED).synthesizeBatch(items, BatchFeed.NONE);
        double worstWave = 0;
        for (int i = 0; i < n; i++) {
            BatchOutcome.Done done = assertInstanceOf(BatchOutcome.Done.class, outcomes[i], name + " row " + i);
            SynthesisResult result = done.result();
            JsonNode r = rowsJson.get(i);
            assertEquals(r.path("frames").asInt(), result.frames(), name + " row " + i + ": frames through the port");
            assertEquals("eos".equals(r.path("stop_reason").asText()) ? FinishReason.END_OF_SPEECH : FinishReason.MAX_NEW_TOKENS,
                    result.finishReason());
            float[] streamed = chunks.get(i).concatenated();
            assertTrue(Math.abs(streamed.length - result.samples().length) <= 1, name + " row " + i + ": streamed length");
            if (anyTieSwap) {
                continue;
            }
            float[] official;
            try (Npy npy = Npy.open(dir.resolve(r.path("waveform").asText()))) {
                official = npy.toFloatArray();
            }
            assertEquals(official.length, result.samples().length, name + " row " + i + ": samples");
            double d = SynthesizerParityTest.maxDiff(official, 0, result.samples(), 0, official.length);
            worstWave = Math.max(worstWave, d);
            assertTrue(d < WAVE_TOL, name + " row " + i + ": waveform max diff " + d);
        }
        System.out.printf("BATCH %-22s rows=%d frames=%s wave=%.2e%s%n", name, n, entry.path("frames"), worstWave, report);
    }

    private static TalkerPrompt prompt(Qwen3TtsEngine engine, SynthesisRequest r, VoiceClonePrompt voice) {
        boolean st = r.streamingTextInput();
        return switch (r.task()) {
            case CUSTOM_VOICE -> engine.customVoicePrompt(r.text(), r.speaker(), r.language(), r.instruct(), st);
            case VOICE_DESIGN -> engine.voiceDesignPrompt(r.text(), r.instruct(), r.language(), st);
            case VOICE_CLONE -> engine.voiceClonePrompt(r.text(), r.language(), voice, st);
        };
    }

    /** Compares every decision with the official batch; continues from the official token at a near-tie. */
    private static DecisionHook officialHook(RowRef ref, double eps, int[] ties, int[] checked, List<String> mismatches,
                                             String label) {
        return (decision, group, scores, chosen) -> {
            int expected;
            float margin;
            if (group == 0) {
                if (decision >= ref.talkerTokens().length) {
                    mismatches.add(label + ": talker decision " + decision + " beyond the reference");
                    return chosen;
                }
                expected = ref.talkerTokens()[decision];
                margin = ref.talkerMargin()[decision];
            } else {
                if (decision >= ref.codes().length) {
                    mismatches.add(label + ": frame " + decision + " beyond the reference");
                    return chosen;
                }
                expected = ref.codes()[decision][group];
                margin = ref.cpMargin()[decision][group - 1];
            }
            checked[0]++;
            if (chosen == expected) {
                return chosen;
            }
            if (margin < eps) {
                ties[0]++;
            } else {
                mismatches.add(label + ": decision " + decision + " group " + group + ": got " + chosen + ", official "
                        + expected + " (recorded margin " + margin + ")");
            }
            return expected;
        };
    }

    /** Records the top-2 margin of every decision, indexed as {@link #firstDifference} counts them. */
    private static DecisionHook marginRecorder(float[] margins) {
        return (decision, group, scores, chosen) -> {
            int at = decision * 16 + group;
            if (at < margins.length) {
                float best = Float.NEGATIVE_INFINITY;
                float second = Float.NEGATIVE_INFINITY;
                for (float s : scores) {
                    if (s > best) {
                        second = best;
                        best = s;
                    } else if (s > second) {
                        second = s;
                    }
                }
                margins[at] = best - second;
            }
            return chosen;
        };
    }

    /** @return the first differing decision as frame * 16 + group, or -1 when equal */
    private static int firstDifference(GeneratedCodes a, GeneratedCodes b) {
        int frames = Math.min(a.frameCount(), b.frameCount());
        for (int f = 0; f < frames; f++) {
            for (int g = 0; g < 16; g++) {
                if (a.frames()[f][g] != b.frames()[f][g]) {
                    return f * 16 + g;
                }
            }
        }
        return a.frameCount() == b.frameCount() ? -1 : frames * 16;
    }

    private static int[] ints(JsonNode arr) {
        int[] out = new int[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(i).asInt();
        }
        return out;
    }

    private static float[] floats(JsonNode arr) {
        float[] out = new float[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.parseFloat(arr.get(i).asText());
        }
        return out;
    }

    private static int[][] frames(JsonNode arr) {
        int[][] out = new int[arr.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = ints(arr.get(i));
        }
        return out;
    }
}
