package io.q3tts.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipelines' parsers through one real server (issue 12): the preview routes report the encoding
 * used, the exact text per item and what is skipped with reasons; a bad cue is skipped, not a refused
 * file, in a job on the real engine; hostile documents are a 200 or a 400 with a field, never a 5xx,
 * and never slow; and the table read's pause after a skipped action line reaches the mix.
 */
class ParsersEndToEndTest {

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

    private static byte[] utf16WithBom(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_16LE);
        byte[] out = new byte[body.length + 2];
        out[0] = (byte) 0xFF;
        out[1] = (byte) 0xFE;
        System.arraycopy(body, 0, out, 2, body.length);
        return out;
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSubtitleParseRouteReportsEncodingSkippedCuesAndTheTextPerVoice() {
        String vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Bob>Hi.</v> <v Ann>Hello there.</v>\n\n"
                + "00::00:04.000 --> 00:00:05.000\nBroken.\n\n00:00:06.000 --> 00:00:07.000line:40%\nIf 2<3 and 5>1.\n";
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("subtitles", utf16WithBom(vtt));
        HttpResponse<byte[]> r = client.postMultipart("/plugins/subtitles/parse", fields);
        assertEquals(200, r.statusCode(), () -> E2e.text(r));
        Map<String, Object> body = E2e.json(r);
        assertEquals("UTF-16LE", body.get("encoding"));
        List<Map<String, Object>> cues = (List<Map<String, Object>>) body.get("cues");
        assertEquals(List.of("Hi.", "Hello there.", "If 2<3 and 5>1."), cues.stream().map(c -> c.get("text")).toList());
        assertEquals(List.of("Bob", "Ann"), body.get("speakers"));
        List<Map<String, Object>> skipped = (List<Map<String, Object>>) body.get("skipped");
        assertEquals(1, skipped.size());
        assertEquals(6, skipped.getFirst().get("line"));
        assertTrue(((String) skipped.getFirst().get("reason")).startsWith("bad timestamp '00::00:04.000'"), skipped.toString());

        fields.put("encoding", "klingon-9");
        HttpResponse<byte[]> bad = client.postMultipart("/plugins/subtitles/parse", fields);
        assertEquals(400, bad.statusCode(), () -> E2e.text(bad));
        assertEquals("encoding", E2e.json(bad).get("field"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSubtitleFileWithABadCueIsSpokenWithoutItOnTheRealEngine() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("subtitles", "1\n00:00:00,250 --> 00:00:01,250\nHello there.\n\n2\n-00:00:01,000 --> 00:00:02,000\nNever.\n\n"
                + "3\n00:00:01,500 --> 00:00:02,000\nGood bye.\n");
        fields.put("voice", "ryan");
        fields.put("model", "demo-custom-voice");
        fields.put("max_new_tokens", "8");
        fields.put("seed", "7");
        Map<String, Object> out = client.output(client.awaitEnd(E2e.submitted(client.postMultipart("/plugins/subtitles/jobs",
                fields))));
        Map<String, Object> report = E2e.json(client.file(out, "report.json"));
        assertEquals(List.of("Hello there.", "Good bye."), ((List<Map<String, Object>>) report.get("cues")).stream()
                .map(c -> c.get("text")).toList());
        assertEquals("UTF-8", report.get("encoding"));
        List<Map<String, Object>> skipped = (List<Map<String, Object>>) report.get("skipped");
        assertEquals(6, skipped.getFirst().get("line"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theNarrationPreviewShowsTheExactChunksAndWhatIsLeftOutOfABook() {
        String book = "The Project Gutenberg eBook of Caf\u00e9\n\n*** START OF THE PROJECT GUTENBERG EBOOK CAF\u00c9 ***\n\n"
                + "# Chapter one\n\nsnake_case_name and 2*3*4 at the caf\u00e9.[^1]\n\n    code();\n\n[^1]: A note.\n\n"
                + "*** END OF THE PROJECT GUTENBERG EBOOK CAF\u00c9 ***\n\nLicence text.\n";
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("text", book.getBytes(Charset.forName("windows-1252")));
        fields.put("format", "markdown");
        HttpResponse<byte[]> r = client.postMultipart("/plugins/narration/chunks", fields);
        assertEquals(200, r.statusCode(), () -> E2e.text(r));
        Map<String, Object> body = E2e.json(r);
        assertEquals("windows-1252", body.get("encoding"));
        assertEquals(book, body.get("decoded_text"));
        List<Map<String, Object>> chunks = (List<Map<String, Object>>) body.get("chunks");
        assertEquals(List.of("Chapter one", "snake_case_name and 2*3*4 at the caf\u00e9."),
                chunks.stream().map(c -> c.get("text")).toList());
        assertEquals(List.of(1, 2), chunks.stream().map(c -> ((Number) c.get("number")).intValue()).toList());
        List<String> reasons = ((List<Map<String, Object>>) body.get("skipped")).stream()
                .map(k -> (String) k.get("reason")).toList();
        assertEquals(4, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).contains("Gutenberg header") && reasons.get(3).contains("licence"), reasons.toString());
    }

    @Test
    void hostileDocumentsAreNeverAServerFaultNorSlow() {
        List<Map<String, Object>> bodies = List.of(
                Map.of("text", "Intro.\n\n" + "-".repeat(3500) + "\n\nOutro.", "format", "markdown"),
                Map.of("text", "[".repeat(40_000), "format", "markdown"),
                Map.of("text", ">".repeat(20_000) + " deep", "format", "markdown"),
                Map.of("text", "*a ".repeat(20_000), "format", "markdown"),
                Map.of("text", "［＃".repeat(20_000), "format", "text"));
        for (Map<String, Object> body : bodies) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = client.postJson("/plugins/narration/chunks", body);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(r.statusCode() == 200 || r.statusCode() == 400, () -> r.statusCode() + " " + E2e.text(r));
            assertTrue(ms < 2_000, "took " + ms + " ms");
            if (r.statusCode() == 400) {
                assertTrue(E2e.json(r).get("field") != null, E2e.text(r));
            }
        }
        for (String script : List.of("#P#:" + "(".repeat(30_000), "a:\n".repeat(20_000), "/*".repeat(20_000))) {
            HttpResponse<byte[]> r = client.postJson("/plugins/script-read/preview", Map.of("script", script));
            assertTrue(r.statusCode() == 200 || r.statusCode() == 400, () -> r.statusCode() + " " + E2e.text(r));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theTableReadExamplesPauseAfterASkippedActionLineReachesTheMix() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("script", "ALICE: Did you hear that?\nBOB (whispering): It's only the wind.\nThe door creaks open.\n"
                + "[pause 1.5s]\nALICE: That was not the wind.");
        body.put("voices", Map.of("ALICE", "vivian", "BOB", "ryan"));
        body.put("model", "demo-custom-voice");
        body.put("max_new_tokens", 6);
        body.put("seed", 3);
        Map<String, Object> preview = E2e.json(client.postJson("/plugins/script-read/preview", body));
        assertEquals("UTF-8", preview.get("encoding"));
        Map<String, Object> out = client.output(client.awaitEnd(E2e.submitted(client.postJson("/plugins/script-read/jobs",
                body))));
        List<Map<String, Object>> lines = (List<Map<String, Object>>) E2e.json(client.file(out, "manifest.json")).get("lines");
        assertEquals(3, lines.size());
        int gap = ((Number) lines.get(2).get("start_sample")).intValue() - ((Number) lines.get(1).get("end_sample")).intValue();
        assertEquals(36_000, gap, "1.5 s at 24 kHz, not the default 0.35 s");
    }
}
