package io.q3tts.adapters.inference.onnx.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.q3tts.adapters.inference.onnx.bundle.Bundle;
import io.q3tts.adapters.inference.onnx.bundle.OnnxRuntimeConfig;
import io.q3tts.adapters.inference.onnx.bundle.OrtRuntime;
import io.q3tts.adapters.inference.onnx.engine.TalkerPath;
import io.q3tts.adapters.inference.onnx.engine.TestPaths;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.out.inference.BatchCapabilities;
import io.q3tts.ports.out.inference.BatchItem;
import io.q3tts.ports.out.inference.BatchOutcome;
import io.q3tts.ports.out.inference.SamplingParams;
import io.q3tts.ports.out.inference.SynthesisListener;
import io.q3tts.ports.out.inference.SynthesisRequest;
import io.q3tts.ports.out.inference.TaskType;
import io.q3tts.ports.out.inference.VoicePrompt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OnnxSpeechSynthesizer#synthesizeBatch} through the real engine on the demo bundles: rows end
 * alone (a bad voice, a cancelled row), more rows than fit wait for the next batch, joining rows
 * come from the feed between batches, and what the synthesizer reports about batching is true.
 */
class SynthesizeBatchTest {

    private static final OrtRuntime RUNTIME = new OrtRuntime(OnnxRuntimeConfig.cpu());
    private static final ObjectMapper JSON = new ObjectMapper();

    private static SynthesisRequest clone(String text, Path clip) {
        return SynthesisRequest.builder(TaskType.VOICE_CLONE, text).language("english")
                .voicePrompt(new VoicePrompt.ReferenceAudio(clip, null, true))
                .sampling(SamplingParams.greedy()).maxNewTokens(6).build();
    }

    private static BatchItem item(SynthesisRequest r, CancellationToken c, List<BatchOutcome> out, int i) {
        return new BatchItem(r, SynthesisListener.NONE, c, o -> out.set(i, o));
    }

    @Test
    void givenABadVoiceAndACancelledRow_whenBatched_thenOnlyThoseRowsFail_andLaterRowsComeFromTheFeed() {
        Path clip = TestPaths.requireFixture("clips/ref_24k_mono_f32.wav");
        try (OnnxSpeechSynthesizer synth = OnnxSpeechSynthesizer.open(TestPaths.requireBundle("base"), RUNTIME,
                SynthesizerOptions.defaults().withMaxBatch(2))) {
            CancellationToken cancelled = CancellationToken.create();
            cancelled.cancel();
            List<BatchOutcome> out = new ArrayList<>(java.util.Collections.nCopies(5, (BatchOutcome) null));
            List<BatchItem> rows = List.of(
                    item(clone("Hello there.", clip), CancellationToken.none(), out, 0),
                    item(clone("A missing clip.", clip.resolveSibling("no-such-clip.wav")), CancellationToken.none(), out, 1),
                    item(clone("Never runs.", clip), cancelled, out, 2),
                    item(clone("The fourth row waits for room.", clip), CancellationToken.none(), out, 3));
            List<Integer> polls = new ArrayList<>();
            synth.synthesizeBatch(rows, free -> {
                polls.add(free);
                return polls.size() == 1 ? List.of(item(clone("Joined from the feed.", clip), CancellationToken.none(), out, 4))
                        : List.of();
            });
            assertInstanceOf(BatchOutcome.Done.class, out.get(0));
            InvalidArgumentException bad = assertInstanceOf(InvalidArgumentException.class,
                    assertInstanceOf(BatchOutcome.Failed.class, out.get(1)).error());
            assertEquals("ref_audio", bad.field());
            assertInstanceOf(CancelledException.class, assertInstanceOf(BatchOutcome.Failed.class, out.get(2)).error());
            assertInstanceOf(BatchOutcome.Done.class, out.get(3));
            assertInstanceOf(BatchOutcome.Done.class, out.get(4));
            assertTrue(polls.stream().allMatch(p -> p >= 1 && p <= 2), "polled with the free room: " + polls);
            int frames = ((BatchOutcome.Done) out.get(0)).result().frames();
            assertTrue(frames >= 1 && frames <= 5, "at most max_new_tokens - 1 frames: " + frames);
        }
    }

    @Test
    void theCapabilitiesAreTheBundlesAndTheOptions() {
        try (OnnxSpeechSynthesizer synth = OnnxSpeechSynthesizer.open(TestPaths.requireBundle("custom-voice"), RUNTIME,
                SynthesizerOptions.defaults().withMaxBatch(8))) {
            BatchCapabilities caps = synth.batchCapabilities();
            assertEquals(8, caps.maxBatch());
            assertTrue(caps.continuous(), "version-2 bundles take rows at frame boundaries");
            assertTrue(caps.kvBytesPerPosition() > 0);
            assertTrue(synth.engine().manifest().maxBatch() >= 8);
        }
    }

    @Test
    void onTheFixedSizeKvPath_eachRowReservesTheWholeBuffer() {
        try (OnnxSpeechSynthesizer grow = OnnxSpeechSynthesizer.open(TestPaths.requireBundle("custom-voice"), RUNTIME,
                SynthesizerOptions.defaults().withMaxBatch(8));
             OnnxSpeechSynthesizer fixed = OnnxSpeechSynthesizer.open(TestPaths.requireBundle("custom-voice"), RUNTIME,
                SynthesizerOptions.defaults().withMaxBatch(8).withTalkerPath(TalkerPath.STATIC_KV))) {
            assertEquals(0, grow.batchCapabilities().reservedPositionsPerRow(), "a growing cache reserves nothing");
            BatchCapabilities caps = fixed.batchCapabilities();
            assertEquals(512, caps.reservedPositionsPerRow(), "the demo bundle's talker_static.onnx holds 512 positions");
            assertEquals(grow.batchCapabilities().kvBytesPerPosition(), caps.kvBytesPerPosition());
            assertEquals(512, caps.positionsHeld(40));
            assertEquals(600, caps.positionsHeld(600));
        }
    }

    @Test
    void givenAVersion1Manifest_whenOpened_thenItRunsOneRowAtATimeAndSaysReExportForBatching(@TempDir Path tmp)
            throws Exception {
        Path src = TestPaths.requireBundle("custom-voice");
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals("manifest.json")) {
                    Files.createSymbolicLink(tmp.resolve(f.getFileName()), f.toAbsolutePath());
                }
            }
        }
        ObjectNode manifest = (ObjectNode) JSON.readTree(src.resolve("manifest.json").toFile());
        manifest.put("bundle_version", 1);
        manifest.remove("batch");
        JSON.writeValue(tmp.resolve("manifest.json").toFile(), manifest);

        List<String> logged = new ArrayList<>();
        Logger log = Logger.getLogger(Bundle.class.getName());
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
            }

            @Override
            public void flush() { }

            @Override
            public void close() { }
        };
        log.addHandler(h);
        try (OnnxSpeechSynthesizer synth = OnnxSpeechSynthesizer.open(tmp, RUNTIME, SynthesizerOptions.defaults())) {
            assertEquals(1, synth.batchCapabilities().maxBatch());
            assertFalse(synth.batchCapabilities().continuous());
            assertTrue(logged.stream().anyMatch(m -> m.contains("re-export for batching")), logged.toString());
            List<BatchOutcome> out = new ArrayList<>(java.util.Collections.nCopies(2, (BatchOutcome) null));
            SynthesisRequest r = SynthesisRequest.builder(TaskType.CUSTOM_VOICE, "Hello.").speaker("ryan")
                    .language("english").sampling(SamplingParams.greedy()).maxNewTokens(4).build();
            synth.synthesizeBatch(List.of(item(r, CancellationToken.none(), out, 0), item(r, CancellationToken.none(), out, 1)),
                    free -> {
                        assertEquals(1, free, "one row at a time");
                        return List.of();
                    });
            BatchOutcome.Done a = assertInstanceOf(BatchOutcome.Done.class, out.get(0));
            BatchOutcome.Done b = assertInstanceOf(BatchOutcome.Done.class, out.get(1));
            assertEquals(a.result().frames(), b.result().frames(), "the same request gives the same codes");
        } finally {
            log.removeHandler(h);
        }
    }
}
