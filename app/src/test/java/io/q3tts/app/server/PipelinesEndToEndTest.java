package io.q3tts.app.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline plugins (subtitles, narration) as jobs through one real server and engine on the demo
 * CustomVoice bundle: submit, follow to the end, read the one output with its files; and a run cut
 * off by a shutdown that a new server resumes without speaking the finished chunks again.
 */
class PipelinesEndToEndTest {

    @TempDir
    static Path dir;

    private static Q3ttsServer server;
    private static E2e client;

    @BeforeAll
    static void start() {
        server = E2e.startServer(dir);
        client = new E2e(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void givenAVttWithTwoSpeakers_whenRendered_thenEachCueIsSpokenPlacedAtItsStartSampleAndStoredAsOneOutput() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("subtitles", "WEBVTT\n\n00:00.250 --> 00:01.250\n<v Ann>Hello there.\n\n"
                + "00:01.500 --> 00:02.000\n<v Bob>Good bye.\n");
        fields.put("voices", "{\"Ann\": \"vivian\"}");
        fields.put("voice", "ryan");
        fields.put("model", "demo-custom-voice");
        fields.put("max_new_tokens", "12");
        fields.put("seed", "7");
        String job = E2e.submitted(client.postMultipart("/plugins/subtitles/jobs", fields));
        Map<String, Object> end = client.awaitEnd(job);
        assertEquals("subtitles", end.get("pipeline"));
        Map<String, Object> progress = (Map<String, Object>) end.get("progress");
        assertEquals(2, ((Number) progress.get("steps")).intValue());
        Map<String, Object> out = client.output(end);
        assertEquals("subtitles", out.get("pipeline"));

        Map<String, Object> report = E2e.json(client.file(out, "report.json"));
        List<Map<String, Object>> cues = (List<Map<String, Object>>) report.get("cues");
        assertEquals(2, cues.size());
        assertEquals(6_000, ((Number) cues.get(0).get("start_sample")).intValue());
        assertEquals(36_000, ((Number) cues.get(1).get("start_sample")).intValue());
        assertEquals("vivian", cues.get(0).get("voice"));
        assertEquals("ryan", cues.get(1).get("voice"));
        for (Map<String, Object> c : cues) {
            double stretch = ((Number) c.get("stretch")).doubleValue();
            assertTrue(stretch >= 1.0 && stretch <= 1.35, "stretch " + stretch);
            byte[] cueWav = client.file(out, (String) c.get("file"));
            assertEquals(((Number) c.get("achieved_ms")).doubleValue() * 24, (cueWav.length - 44) / 2.0, 1.0);
        }
        byte[] wav = client.get((String) out.get("audio_url")).body();
        assertTrue((wav.length - 44) / 2 >= 48_000, "the track reaches the last cue's end");
        List<Map<String, Object>> all = (List<Map<String, Object>>) E2e.json(client.get("/api/v1/outputs?pipeline=subtitles"))
                .get("outputs");
        assertEquals(List.of(out.get("id")), all.stream().map(o -> o.get("id")).toList(),
                "the cues are not separate outputs: the run is one output");
    }

    @Test
    void theSubtitlesPageRendersWithItsFormAndTheParserLimits() {
        HttpResponse<byte[]> r = client.get("/tasks/subtitles");
        assertEquals(200, r.statusCode(), () -> E2e.text(r));
        String html = E2e.text(r);
        assertTrue(html.contains("id=\"sub-form\"") && html.contains("5000 cues"), html);
    }

    @Test
    @SuppressWarnings("unchecked")
    void givenMarkdownWithTwoChapters_whenRendered_thenEveryChunkIsSpokenInOrderAndChaptersAreMarked() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", "# One\n\nFirst sentence here. Second one follows.\n\n# Two\n\nThe end.");
        body.put("format", "markdown");
        body.put("voice", "ryan");
        body.put("model", "demo-custom-voice");
        body.put("max_new_tokens", 8);
        body.put("seed", 7);
        Map<String, Object> out = client.output(client.awaitEnd(
                E2e.submitted(client.postJson("/plugins/narration/jobs", body))));

        Map<String, Object> report = E2e.json(client.file(out, "report.json"));
        List<Map<String, Object>> chunks = (List<Map<String, Object>>) report.get("chunks");
        List<Map<String, Object>> chapters = (List<Map<String, Object>>) report.get("chapters");
        assertTrue(chunks.size() >= 2, "chunks: " + chunks);
        assertEquals(2, chapters.size(), "chapters: " + chapters);
        double previousEnd = -1;
        for (Map<String, Object> c : chunks) {
            double start = ((Number) c.get("start")).doubleValue();
            double end = ((Number) c.get("end")).doubleValue();
            assertTrue(start >= previousEnd && end > start, "chunks in order without overlap: " + chunks);
            previousEnd = end;
            assertEquals("RIFF", new String(client.file(out, (String) c.get("file")), 0, 4,
                    java.nio.charset.StandardCharsets.US_ASCII));
        }
        byte[] wav = client.get((String) out.get("audio_url")).body();
        double seconds = ((Number) report.get("duration_seconds")).doubleValue();
        assertEquals(seconds * 24_000, (wav.length - 44) / 2.0, 24.0, "the WAV holds the reported duration");
    }

    @Test
    @SuppressWarnings("unchecked")
    void givenASavedVoiceWithPreviousChunkContext_whenNarrated_thenTheBaseModelClonesEachChunkFromTheOneBefore()
            throws Exception {
        String voiceId = client.saveFixtureVoice("Narrator voice");

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", "The first paragraph is read in the saved voice.\n\nThe second continues from the first.");
        body.put("voice", "saved:" + voiceId);
        body.put("model", "demo-base");
        body.put("context", "previous_chunk");
        // 40 frames = 3.2 s, longer than the 2 s a take needs to serve as the next chunk's reference.
        body.put("max_new_tokens", 40);
        body.put("seed", 9);
        Map<String, Object> out = client.output(client.awaitEnd(E2e.submitted(client.postJson("/plugins/narration/jobs", body))));
        assertEquals("previous_chunk", ((Map<String, Object>) out.get("parameters")).get("context"));
        assertEquals("voice_clone", out.get("task"));
        Map<String, Object> report = E2e.json(client.file(out, "report.json"));
        List<Map<String, Object>> chunks = (List<Map<String, Object>>) report.get("chunks");
        assertEquals(2, chunks.size());
        double first = ((Number) chunks.get(0).get("end")).doubleValue() - ((Number) chunks.get(0).get("start")).doubleValue();
        assertTrue(first >= PREVIOUS_CONTEXT_SECONDS, "the first take is long enough to be the second's reference: " + first);
    }

    /** NarrationPlugin.MIN_CONTEXT_SECONDS: shorter takes are not used as a reference. */
    private static final double PREVIOUS_CONTEXT_SECONDS = 2.0;

    @Test
    void givenABadRequest_whenSubmitted_thenA400NamesTheFieldAndNoJobOrOutputIsLeft() {
        int before = ((List<?>) E2e.json(client.get("/api/v1/outputs?pipeline=narration")).get("outputs")).size();
        HttpResponse<byte[]> r = client.postJson("/plugins/narration/jobs", Map.of("text", "Hello.", "voice", "saved:../x"));
        assertEquals(400, r.statusCode(), () -> E2e.text(r));
        assertEquals("voice", E2e.json(r).get("field"));
        HttpResponse<byte[]> r2 = client.postMultipart("/plugins/subtitles/jobs",
                Map.of("subtitles", "1\n00:00:xx,000 --> 00:00:01,000\nhi\n", "voice", "ryan"));
        assertEquals(400, r2.statusCode(), () -> E2e.text(r2));
        assertEquals("subtitles", E2e.json(r2).get("field"));
        assertEquals(before, ((List<?>) E2e.json(client.get("/api/v1/outputs?pipeline=narration")).get("outputs")).size());
    }

    /** Posts a pipeline request that must be refused at once; returns the error body. */
    private static Map<String, Object> refused(HttpResponse<byte[]> r, long startedNanos) {
        assertEquals(400, r.statusCode(), () -> E2e.text(r));
        assertTrue(System.nanoTime() - startedNanos < Duration.ofSeconds(3).toNanos(), "refused at once, before any compute");
        return E2e.json(r);
    }

    @Test
    void givenAVoiceNoStepCouldSpeakWith_whenAPipelineIsSubmitted_thenA400NamesTheFieldAndWhoAndNoJobStarts() {
        int jobs = client.jobs().size();
        long t = System.nanoTime();
        Map<String, Object> ghost = refused(client.postJson("/plugins/narration/jobs",
                Map.of("text", "Hello.", "voice", "saved:ghost")), t);
        assertEquals("voice", ghost.get("field"));
        assertTrue(((String) ghost.get("error")).contains("saved voice 'ghost' does not exist"), ghost.toString());
        t = System.nanoTime();
        Map<String, Object> preset = refused(client.postJson("/plugins/narration/jobs",
                Map.of("text", "Hello.", "voice", "nobody", "model", "demo-custom-voice")), t);
        assertEquals("voice", preset.get("field"));
        assertTrue(((String) preset.get("error")).contains("ryan"), "names the speakers there are: " + preset);
        t = System.nanoTime();
        assertEquals("voice", refused(client.postJson("/plugins/narration/jobs",
                Map.of("text", "Hello.", "voice", "design:a warm voice")), t).get("field"));

        String vtt = "WEBVTT\n\n00:00.250 --> 00:01.250\n<v Ann>Hello there.\n\n00:01.500 --> 00:02.000\n<v Bob>Good bye.\n";
        t = System.nanoTime();
        Map<String, Object> cue = refused(client.postMultipart("/plugins/subtitles/jobs",
                Map.of("subtitles", vtt, "voices", "{\"Ann\": \"vivian\", \"Bob\": \"saved:ghost\"}")), t);
        assertEquals("voices", cue.get("field"));
        assertTrue(((String) cue.get("error")).contains("the voice of Bob, first needed at cue 2"), cue.toString());
        t = System.nanoTime();
        Map<String, Object> fallback = refused(client.postMultipart("/plugins/subtitles/jobs",
                Map.of("subtitles", vtt, "voices", "{\"Ann\": \"vivian\"}", "voice", "nobody")), t);
        assertEquals("voice", fallback.get("field"), "the default voice");

        t = System.nanoTime();
        Map<String, Object> line = refused(client.postJson("/plugins/script-read/jobs", Map.of("script",
                "ANN: Hello there.\nBOB: Good bye.\n", "voices", Map.of("ANN", "vivian", "BOB", "nobody"))), t);
        assertEquals("voices", line.get("field"));
        assertTrue(((String) line.get("error")).contains("voice of BOB, first needed at line 2"), line.toString());
        t = System.nanoTime();
        Map<String, Object> npc = refused(client.postMultipart("/plugins/npc-pack/jobs", Map.of("input",
                "character,line_id,text\nguard,a,Halt.\n", "characters", "character,voice\nguard,saved:ghost\n")), t);
        assertEquals("characters", npc.get("field"));
        assertTrue(((String) npc.get("error")).contains("character 'guard'"), "names the character: " + npc);
        assertEquals(jobs, client.jobs().size(), "no job was started");
    }

    @Test
    @SuppressWarnings("unchecked")
    void givenANarrationCutOffByAShutdown_whenANewServerStarts_thenItResumesWithoutRespeakingFinishedChunks(
            @TempDir Path other) throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 10; i++) {
            text.append("Paragraph number ").append(i).append(" is here.\n\n");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", text.toString());
        body.put("voice", "ryan");
        body.put("model", "demo-custom-voice");
        body.put("max_new_tokens", 30);
        body.put("seed", 11);

        E2e.CutOff cut = E2e.submitThenShutDown(other, "/plugins/narration/jobs", body, 2, Duration.ofSeconds(60));
        String job = cut.job();
        int doneBeforeCut = cut.stepsDone();
        assertTrue(doneBeforeCut >= 2 && doneBeforeCut < 10, "cut off part-way: " + doneBeforeCut);
        assertTrue(Files.isDirectory(other.resolve("outputs").resolve(DrivenPorts.PIPELINE_RUNS).resolve(job)),
                "the interrupted run is kept on disk");

        Q3ttsServer second = E2e.startUnbatchedServer(other);
        try {
            E2e c = new E2e(second.port());
            Map<String, Object> out = c.output(c.awaitEnd(job));
            Map<String, Object> report = E2e.json(c.file(out, "report.json"));
            int resumed = ((Number) report.get("resumed_takes")).intValue();
            assertTrue(resumed >= doneBeforeCut, "finished chunks were reused: " + resumed + " of " + doneBeforeCut);
            List<Map<String, Object>> jobs = c.jobs();
            long spoken = jobs.stream().filter(j -> "custom_voice".equals(j.get("kind"))).count();
            assertEquals(10 - resumed, spoken, "the new server spoke only the chunks that were not finished");
            assertTrue(!Files.exists(other.resolve("outputs").resolve(DrivenPorts.PIPELINE_RUNS).resolve(job)),
                    "a finished run leaves no state behind");

            Map<String, Object> fresh = c.output(c.awaitEnd(E2e.submitted(c.postJson("/plugins/narration/jobs", body))));
            assertArrayEquals(c.get((String) fresh.get("audio_url")).body(), c.get((String) out.get("audio_url")).body(),
                    "the resumed run sounds exactly like an uninterrupted one");
        } finally {
            second.close();
        }
    }
}
