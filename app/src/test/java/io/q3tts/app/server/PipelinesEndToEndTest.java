package io.q3tts.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.app.config.Q3ttsConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline plugins (subtitles, narration) through one real server and engine on the demo CustomVoice bundle. */
class PipelinesEndToEndTest {

    @TempDir
    static Path dir;

    private static Q3ttsServer server;
    private static E2e client;

    @BeforeAll
    static void start() {
        Q3ttsConfig config = ServerEndToEndTest.config(dir);
        server = Q3ttsServer.start(ServerEndToEndTest.settings(config), DrivenPorts.onDisk(config.paths()));
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
    void givenAVttWithTwoSpeakers_whenRendered_thenEachCueIsSpokenAndPlacedAtItsStartSample() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("subtitles", "WEBVTT\n\n00:00.250 --> 00:01.250\n<v Ann>Hello there.\n\n"
                + "00:01.500 --> 00:02.000\n<v Bob>Good bye.\n");
        fields.put("voices", "{\"Ann\": \"vivian\"}");
        fields.put("voice", "ryan");
        fields.put("model", "demo-custom-voice");
        fields.put("max_new_tokens", "12");
        fields.put("seed", "7");
        HttpResponse<byte[]> r = client.postMultipart("/plugins/subtitles/render", fields);
        assertEquals(200, r.statusCode(), () -> E2e.text(r));

        Map<String, Object> report = E2e.json(r);
        List<Map<String, Object>> cues = (List<Map<String, Object>>) report.get("cues");
        assertEquals(2, cues.size());
        assertEquals(6_000, ((Number) cues.get(0).get("start_sample")).intValue());
        assertEquals(36_000, ((Number) cues.get(1).get("start_sample")).intValue());
        assertEquals("vivian", cues.get(0).get("voice"));
        assertEquals("ryan", cues.get(1).get("voice"));
        for (Map<String, Object> c : cues) {
            assertTrue(c.get("output_id") instanceof String, "each cue is a stored output");
            double stretch = ((Number) c.get("stretch")).doubleValue();
            assertTrue(stretch >= 1.0 && stretch <= 1.35, "stretch " + stretch);
        }
        byte[] wav = Base64.getDecoder().decode((String) ((Map<String, Object>) report.get("audio")).get("base64"));
        int samples = (wav.length - 44) / 2;
        assertTrue(samples >= 48_000, "the track reaches the last cue's end: " + samples);
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
        HttpResponse<byte[]> r = client.postJson("/plugins/narration/render", body);
        assertEquals(200, r.statusCode(), () -> E2e.text(r));

        Map<String, Object> report = E2e.json(r);
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
        }
        byte[] wav = Base64.getDecoder().decode((String) report.get("audio_base64"));
        assertEquals("RIFF", new String(wav, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        double seconds = ((Number) report.get("duration_seconds")).doubleValue();
        assertEquals(seconds * 24_000, (wav.length - 44) / 2.0, 24.0, "the WAV holds the reported duration");
    }
}
