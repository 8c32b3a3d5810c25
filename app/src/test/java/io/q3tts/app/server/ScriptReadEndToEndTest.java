package io.q3tts.app.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The script / table-read pipeline through a real server and engine on the demo bundles
 * (CustomVoice, VoiceDesign, Base): the example script in, the mix, per-line files and manifests out
 * with each line's place in the mix exact to the sample; bad scripts refused with the line; and a run
 * cut off by a shutdown that a new server finishes without speaking finished lines again, with the
 * same audio as an uninterrupted run.
 */
class ScriptReadEndToEndTest {

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

    private static String example(String name) throws IOException {
        return Files.readString(ServerEndToEndTest.repo().resolve("docs/examples/" + name));
    }

    private static float[] samples(byte[] wav) {
        assertEquals("RIFF", new String(wav, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(24_000, ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).getInt(24));
        ByteBuffer b = ByteBuffer.wrap(wav, 44, wav.length - 44).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[(wav.length - 44) / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getShort() / 32768f;
        }
        return out;
    }

    @Test
    @SuppressWarnings("unchecked")
    void givenTheExampleScript_whenRead_thenTheMixLineFilesAndManifestAgreeToTheSample() throws IOException {
        long designsBefore = client.jobs().stream().filter(j -> "design_then_clone".equals(j.get("kind"))).count();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("script", example("table-read.txt"));
        fields.put("voices", "{\"ALICE\": \"vivian\", \"BOB\": \"design:a sleepy young man\"}");
        fields.put("narrator", "ryan");
        fields.put("model", "demo-custom-voice");
        fields.put("max_new_tokens", "8");
        fields.put("seed", "3");
        String job = E2e.submitted(client.postMultipart("/plugins/script-read/jobs", fields));
        Map<String, Object> end = client.awaitEnd(job);
        assertEquals("script-read", end.get("pipeline"));
        assertEquals(7, ((Number) ((Map<String, Object>) end.get("progress")).get("steps")).intValue(),
                "one designed voice and six lines");
        Map<String, Object> out = client.output(end);

        List<String> listed = ((List<Map<String, Object>>) out.get("files")).stream().map(f -> (String) f.get("path")).toList();
        assertEquals(List.of("lines/0001-narrator.wav", "lines/0002-alice.wav", "lines/0003-bob.wav", "lines/0004-alice.wav",
                "lines/0005-narrator.wav", "lines/0006-bob.wav", "manifest.csv", "manifest.json"), listed.stream().sorted().toList());
        float[] mix = samples(client.get((String) out.get("audio_url")).body());
        Map<String, Object> manifest = E2e.json(client.file(out, "manifest.json"));
        List<Map<String, Object>> lines = (List<Map<String, Object>>) manifest.get("lines");
        assertEquals(6, lines.size());
        int previousEnd = 0;
        for (Map<String, Object> l : lines) {
            int start = ((Number) l.get("start_sample")).intValue();
            int end2 = ((Number) l.get("end_sample")).intValue();
            assertTrue(start >= previousEnd && end2 > start, "lines in order, not overlapping: " + l);
            float[] file = samples(client.file(out, (String) l.get("file")));
            assertEquals(end2 - start, file.length, "the line file is as long as its place in the mix");
            for (int i = 0; i < file.length; i += 97) {
                assertEquals(mix[start + i], file[i], 1e-4, "the line file is its stretch of the mix");
            }
            assertEquals(start / 24_000.0, ((Number) l.get("start")).doubleValue(), 1e-6);
            previousEnd = end2;
        }
        assertEquals(mix.length, previousEnd, "the mix ends with the last line");
        assertEquals(List.of("ryan", "vivian", "design:a sleepy young man", "vivian", "ryan", "design:a sleepy young man"),
                lines.stream().map(l -> l.get("voice")).toList());
        assertEquals(lines.get(2).get("voice_id"), lines.get(5).get("voice_id"), "BOB is one designed voice");
        assertEquals("whispering", lines.get(2).get("instruct"));
        assertEquals(false, lines.get(2).get("instruct_applied"));
        assertTrue(((List<String>) manifest.get("warnings")).getFirst().contains("instruct 'whispering' is not used"));
        String csv = new String(client.file(out, "manifest.csv"), StandardCharsets.UTF_8);
        assertEquals(7, csv.split("\r\n").length, csv);

        assertEquals(designsBefore + 1, client.jobs().stream().filter(j -> "design_then_clone".equals(j.get("kind"))).count());
        assertFalse(E2e.text(client.get("/api/v1/voices")).contains("(script "), "the designed voice does not stay in the library");
        List<Map<String, Object>> all = (List<Map<String, Object>>) E2e.json(client.get("/api/v1/outputs?pipeline=script-read"))
                .get("outputs");
        assertTrue(all.stream().anyMatch(o -> o.get("id").equals(out.get("id"))));
    }

    @Test
    void givenABadScript_whenSubmitted_thenA400NamesTheFieldAndTheLine() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("script", "speaker,text\r\nALICE,Hello.\r\nBOB,\"never closed\r\n");
        body.put("voices", Map.of("ALICE", "vivian", "BOB", "ryan"));
        HttpResponse<byte[]> r = client.postJson("/plugins/script-read/jobs", body);
        assertEquals(400, r.statusCode(), () -> E2e.text(r));
        Map<String, Object> error = E2e.json(r);
        assertEquals("script", error.get("field"));
        assertTrue(((String) error.get("error")).startsWith("line 3: "), error.toString());

        body.put("script", "ALICE: Hello.\nCAROL: Hi.\nDAVE: Yo.");
        HttpResponse<byte[]> unmapped = client.postJson("/plugins/script-read/jobs", body);
        assertEquals(400, unmapped.statusCode(), () -> E2e.text(unmapped));
        assertEquals("voices", E2e.json(unmapped).get("field"));
        assertTrue(E2e.text(unmapped).contains("CAROL (line 2), DAVE (line 3)"), E2e.text(unmapped));

        HttpResponse<byte[]> preview = client.postJson("/plugins/script-read/preview", body);
        assertEquals(200, preview.statusCode(), () -> E2e.text(preview));
        assertEquals(List.of("CAROL", "DAVE"), E2e.json(preview).get("unmapped"));
    }

    @Test
    void thePageRendersWithItsForm() {
        HttpResponse<byte[]> r = client.get("/tasks/script-read");
        assertEquals(200, r.statusCode(), () -> E2e.text(r));
        assertTrue(E2e.text(r).contains("id=\"sr-form\"") && E2e.text(r).contains("2000 lines"), E2e.text(r));
    }

    @Test
    @SuppressWarnings("unchecked")
    void givenAReadCutOffByAShutdown_whenANewServerStarts_thenFinishedLinesAreNotSpokenAgainAndTheAudioIsTheSame(
            @TempDir Path other) {
        StringBuilder script = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            script.append(i % 2 == 0 ? "ANN: " : "BEN (calmly): ").append("This is line number ").append(i).append(".\n");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("script", script.toString());
        body.put("voices", Map.of("ANN", "vivian", "BEN", "ryan"));
        body.put("model", "demo-custom-voice");
        body.put("max_new_tokens", 16);
        body.put("seed", 11);

        E2e.CutOff cut = E2e.submitThenShutDown(other, "/plugins/script-read/jobs", body, 3, Duration.ofSeconds(90));
        String job = cut.job();
        int doneBeforeCut = cut.stepsDone();
        assertTrue(doneBeforeCut >= 3 && doneBeforeCut < 12, "cut off part-way: " + doneBeforeCut);

        Q3ttsServer second = E2e.startUnbatchedServer(other);
        try {
            E2e c = new E2e(second.port());
            Map<String, Object> out = c.output(c.awaitEnd(job));
            long spoken = c.jobs().stream().filter(j -> "custom_voice".equals(j.get("kind"))).count();
            assertTrue(spoken <= 12 - doneBeforeCut, "only unfinished lines were spoken: " + spoken + " after "
                    + doneBeforeCut + " done");
            Map<String, Object> resumedManifest = E2e.json(c.file(out, "manifest.json"));
            assertTrue(((Number) resumedManifest.get("resumed_steps")).intValue() >= doneBeforeCut, resumedManifest.toString());

            Map<String, Object> fresh = c.output(c.awaitEnd(
                    E2e.submitted(c.postJson("/plugins/script-read/jobs", body))));
            assertArrayEquals(c.get((String) fresh.get("audio_url")).body(),
                    c.get((String) out.get("audio_url")).body(), "the resumed mix is the uninterrupted mix");
            List<String> files = new ArrayList<>();
            ((List<Map<String, Object>>) out.get("files")).forEach(f -> files.add((String) f.get("path")));
            for (String f : files) {
                if (f.endsWith(".wav")) {
                    assertArrayEquals(c.file(fresh, f), c.file(out, f), f);
                }
            }
        } finally {
            second.close();
        }
    }
}
