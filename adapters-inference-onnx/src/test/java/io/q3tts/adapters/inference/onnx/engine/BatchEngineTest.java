package io.q3tts.adapters.inference.onnx.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.adapters.inference.onnx.bundle.Bundle;
import io.q3tts.adapters.inference.onnx.bundle.OnnxRuntimeConfig;
import io.q3tts.adapters.inference.onnx.bundle.OrtRuntime;
import io.q3tts.adapters.inference.onnx.text.TextTokenizer;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.out.inference.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The batched frame loop on the CustomVoice demo bundle: rows are independent (seeded sampling,
 * limits, text layout, speakers), finished rows leave the batch, and a row's failure or
 * cancellation ends that row alone. Seeded sampling is used where rows are compared with their
 * alone runs: a sampled pick is far from a tie, so float rounding between batch sizes cannot flip it.
 */
class BatchEngineTest {

    private static Bundle bundle;
    private static TextTokenizer tokenizer;
    private static Qwen3TtsEngine fused;
    private static Qwen3TtsEngine stepwise;
    private static Qwen3TtsEngine bound;

    @BeforeAll
    static void open() throws Exception {
        bundle = Bundle.open(TestPaths.requireBundle("custom-voice"), new OrtRuntime(OnnxRuntimeConfig.cpu()));
        tokenizer = TextTokenizer.load(bundle.tokenizerFile());
        fused = new Qwen3TtsEngine(bundle, tokenizer, PredictorMode.FUSED);
        stepwise = new Qwen3TtsEngine(bundle, tokenizer, PredictorMode.STEPWISE);
        bound = new Qwen3TtsEngine(bundle, tokenizer, PredictorMode.FUSED, TalkerPath.IO_BINDING);
    }

    @AfterAll
    static void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
        if (bundle != null) {
            bundle.close();
        }
    }

    private static SamplingParams seeded(long seed, double temperature, int topK) {
        return new SamplingParams(true, temperature, topK, 1.0, 1.05, true, 0.9, 50, 1.0, seed);
    }

    private static GenerationSettings settings(SamplingParams p, int max) {
        return GenerationSettings.of(bundle.manifest(), p, max, null);
    }

    private record Spec(TalkerPrompt prompt, GenerationSettings settings) { }

    private static List<Spec> mixedRows() {
        return List.of(
                new Spec(fused.customVoicePrompt("Hello there, how are you today?", "ryan", "english", null, false),
                        settings(seeded(1, 0.9, 50), 14)),
                new Spec(fused.customVoicePrompt("Short.", "vivian", "auto", null, true), settings(seeded(2, 1.2, 10), 5)),
                new Spec(fused.customVoicePrompt("你好，今天天气怎么样？我们去公园散步吧。", "eric", "chinese", null, true),
                        settings(seeded(3, 0.7, 0), 9)),
                new Spec(fused.customVoicePrompt("On 2026-11-24 at 10:30, pay $1,234.56.", "serena", "english", null, false),
                        settings(seeded(4, 0.9, 50), 2)));
    }

    private static List<BatchRow.Outcome> runBatch(Qwen3TtsEngine engine, List<Spec> specs, List<FrameListener> listeners,
                                                   List<CancellationToken> cancels) {
        BatchRow.Outcome[] out = new BatchRow.Outcome[specs.size()];
        List<BatchRow> rows = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            int row = i;
            rows.add(new BatchRow(specs.get(i).prompt(), specs.get(i).settings(),
                    listeners == null ? null : listeners.get(i), null,
                    cancels == null ? CancellationToken.none() : cancels.get(i), o -> {
                        assertEquals(null, out[row], "one outcome per row");
                        out[row] = o;
                    }));
        }
        engine.generateBatch(rows);
        for (BatchRow.Outcome o : out) {
            assertNotNull(o, "every row gets an outcome");
        }
        return List.of(out);
    }

    @Test
    void givenRowsThatDifferInEverything_whenBatched_thenEachRowEqualsItsAloneRun_bothPredictorModes() {
        for (Qwen3TtsEngine engine : List.of(fused, stepwise)) {
            List<Spec> specs = mixedRows();
            List<BatchRow.Outcome> batched = runBatch(engine, specs, null, null);
            for (int i = 0; i < specs.size(); i++) {
                GeneratedCodes alone = engine.generate(specs.get(i).prompt(), specs.get(i).settings(), null, null,
                        CancellationToken.none());
                GeneratedCodes got = batched.get(i).codes();
                assertNotNull(got, "row " + i + ": " + batched.get(i).error());
                assertEquals(alone.stopReason(), got.stopReason(), engine.generatorMode() + " row " + i);
                assertEquals(alone.frameCount(), got.frameCount(), engine.generatorMode() + " row " + i);
                for (int f = 0; f < alone.frameCount(); f++) {
                    assertArrayEquals(alone.frames()[f], got.frames()[f], engine.generatorMode() + " row " + i + " frame " + f);
                }
            }
            // max_new_tokens 14, 5, 9 and 2: rows leave the batch at four different frames.
            assertEquals(List.of(13, 4, 8, 1), batched.stream().map(o -> o.codes().frameCount()).toList());
        }
    }

    @Test
    void givenRowsThatEndInTheSameStep_thenTheSourceHearsOnceAfterTheirOutcomes_soTheyCanBeDecodedTogether() {
        List<String> events = new ArrayList<>();
        List<BatchRow> rows = new ArrayList<>();
        int[] limits = {6, 9, 6};
        for (int i = 0; i < limits.length; i++) {
            int row = i;
            GenerationSettings s = settings(seeded(10 + i, 0.9, 50), limits[i]).withEosSuppressed();
            rows.add(new BatchRow(fused.customVoicePrompt("Line " + i + " of the pack.", "ryan", "english", null, false),
                    s, null, null, CancellationToken.none(), o -> {
                        assertNotNull(o.codes(), "row " + row + ": " + o.error());
                        events.add("done " + row + " (" + o.codes().frameCount() + " frames)");
                    }));
        }
        fused.generateBatch(rows, new CodeGenerator.RowSource() {
            @Override
            public List<BatchRow> poll(int free) {
                return List.of();
            }

            @Override
            public void rowsFinished() {
                events.add("finished");
            }
        }, 8);
        assertEquals(List.of("done 0 (5 frames)", "done 2 (5 frames)", "finished", "done 1 (8 frames)", "finished"),
                events);
    }

    @Test
    void givenASeededRow_whenItsNeighboursChange_thenItsCodesDoNot() {
        List<Spec> specs = mixedRows();
        GeneratedCodes withThree = runBatch(fused, specs, null, null).get(0).codes();
        List<Spec> other = List.of(specs.get(0),
                new Spec(fused.customVoicePrompt("A completely different neighbour line.", "aiden", "english", null, true),
                        settings(seeded(99, 1.5, 3), 14)));
        GeneratedCodes withOne = runBatch(fused, other, null, null).get(0).codes();
        assertEquals(withThree.frameCount(), withOne.frameCount());
        for (int f = 0; f < withOne.frameCount(); f++) {
            assertArrayEquals(withThree.frames()[f], withOne.frames()[f], "frame " + f);
        }
    }

    @Test
    void givenARowWhoseListenerThrows_whenBatched_thenOnlyThatRowFails() {
        List<Spec> specs = mixedRows();
        IllegalStateException boom = new IllegalStateException("listener failed");
        List<FrameListener> listeners = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            int row = i;
            listeners.add((frame, codes, elapsed) -> {
                if (row == 0 && frame == 2) {
                    throw boom;
                }
            });
        }
        List<BatchRow.Outcome> out = runBatch(fused, specs, listeners, null);
        assertSame(boom, out.get(0).error());
        for (int i = 1; i < specs.size(); i++) {
            GeneratedCodes alone = fused.generate(specs.get(i).prompt(), specs.get(i).settings(), null, null,
                    CancellationToken.none());
            assertEquals(alone.frameCount(), out.get(i).codes().frameCount(), "row " + i);
            assertArrayEquals(alone.frames()[alone.frameCount() - 1], out.get(i).codes().frames()[alone.frameCount() - 1]);
        }
    }

    @Test
    void givenOneRowCancelledMidway_whenBatched_thenItEndsCancelledAndTheOthersFinish() {
        List<Spec> specs = mixedRows();
        CancellationToken source = CancellationToken.create();
        List<CancellationToken> cancels = List.of(source, CancellationToken.none(), CancellationToken.none(),
                CancellationToken.none());
        int[] seen = new int[specs.size()];
        List<FrameListener> listeners = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            int row = i;
            listeners.add((frame, codes, elapsed) -> {
                seen[row]++;
                if (row == 0 && frame == 3) {
                    source.cancel();
                }
            });
        }
        List<BatchRow.Outcome> out = runBatch(stepwise, specs, listeners, cancels);
        assertInstanceOf(CancelledException.class, out.get(0).error());
        assertEquals(4, seen[0], "no frame after the cancelling one");
        assertEquals(List.of(4, 8, 1), List.of(out.get(1).codes().frameCount(), out.get(2).codes().frameCount(),
                out.get(3).codes().frameCount()));
        assertEquals(List.of(4, 8, 1), List.of(seen[1], seen[2], seen[3]));
    }

    @Test
    void givenEveryRowCancelledBeforeTheStart_thenEveryRowEndsCancelledWithoutRunning() {
        CancellationToken source = CancellationToken.create();
        source.cancel();
        List<Spec> specs = mixedRows();
        List<BatchRow.Outcome> out = runBatch(fused, specs, null, List.of(source, source, source, source));
        out.forEach(o -> assertInstanceOf(CancelledException.class, o.error()));
    }

    @Test
    void givenRowsJoiningAtFrameBoundaries_whenBatched_thenEachEqualsItsAloneRun_andTheLimitHolds() {
        String longText = "This line is much longer than the others, so that its prompt is longer than the running "
                + "batch's whole past when it joins, and the batch's own rows get extra left padding.";
        // Both talker paths: the I/O-binding runner merges the joining rows' KV through host memory.
        for (Qwen3TtsEngine engine : List.of(fused, stepwise, bound)) {
            List<Spec> specs = List.of(
                    new Spec(engine.customVoicePrompt("Short.", "ryan", "english", null, false), settings(seeded(11, 0.9, 50), 12)),
                    new Spec(engine.customVoicePrompt("Hi.", "vivian", "english", null, true), settings(seeded(12, 0.9, 50), 3)),
                    new Spec(engine.customVoicePrompt(longText, "aiden", "english", null, false), settings(seeded(13, 0.9, 50), 8)),
                    new Spec(engine.customVoicePrompt("你好。", "eric", "chinese", null, true), settings(seeded(14, 0.9, 50), 6)));
            BatchRow.Outcome[] out = new BatchRow.Outcome[specs.size()];
            List<BatchRow> rows = new ArrayList<>();
            for (int i = 0; i < specs.size(); i++) {
                int row = i;
                rows.add(new BatchRow(specs.get(i).prompt(), specs.get(i).settings(), null, null, CancellationToken.none(),
                        o -> out[row] = o));
            }
            List<Integer> polls = new ArrayList<>();
            List<BatchRow> offered = new ArrayList<>(rows.subList(2, 4));
            engine.generateBatch(rows.subList(0, 2), free -> {
                polls.add(free);
                if (offered.isEmpty()) {
                    return List.of();
                }
                return List.of(offered.removeFirst());
            }, 2);
            assertTrue(polls.stream().allMatch(f -> f >= 1 && f <= 2), "never more than the free rows: " + polls);
            assertTrue(polls.contains(1), "rows were offered while the batch ran: " + polls);
            for (int i = 0; i < specs.size(); i++) {
                GeneratedCodes alone = engine.generate(specs.get(i).prompt(), specs.get(i).settings(), null, null,
                        CancellationToken.none());
                assertNotNull(out[i].codes(), "row " + i + ": " + out[i].error());
                String label = engine.generatorMode() + " " + engine.talkerPath() + " row " + i;
                assertEquals(alone.frameCount(), out[i].codes().frameCount(), label);
                for (int f = 0; f < alone.frameCount(); f++) {
                    assertArrayEquals(alone.frames()[f], out[i].codes().frames()[f], label + " frame " + f);
                }
            }
        }
        assertTrue(fused.continuousBatching());
        assertTrue(bound.continuousBatching(), "the I/O-binding path joins rows on the CPU too");
    }

    @Test
    void theBatchFactsComeFromTheGraphs() {
        var dims = bundle.manifest();
        assertTrue(fused.batched(), "the demo bundles are exported with a batch dimension (version 2)");
        assertEquals(2, dims.version());
        assertTrue(dims.maxBatch() >= 16);
        assertTrue(fused.kvBytesPerPosition() > 0);
        assertEquals(0, fused.kvBytesPerPosition() % (2 * Float.BYTES));
    }
}
