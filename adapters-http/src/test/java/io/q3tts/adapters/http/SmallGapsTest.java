package io.q3tts.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The smaller gaps of issue #11: audio answers carry a filename, Jetty's own refusals answer JSON,
 * {@code /v1/audio/speech} honours or refuses {@code sample_rate}, control characters are refused in
 * synthesis input and voice names, and job views carry {@code job_id}.
 */
class SmallGapsTest {

    private static HttpServer server;
    private static Client client;

    @BeforeAll
    static void start() {
        server = new HttpServer(new FakeCore(), List.of(), HttpServerConfig.defaults().withPort(0)).start();
        client = new Client(server.port());
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void speechAndOutputAudioNameTheirFile() {
        var r = client.postJson("/api/v1/tts/custom-voice", "{\"input\":\"Hello\",\"voice\":\"ryan\"}");
        assertEquals(200, r.statusCode(), Client.text(r));
        String id = r.headers().firstValue("X-Q3tts-Output-Id").orElseThrow();
        assertEquals("inline; filename=\"q3tts-" + id + ".wav\"", r.headers().firstValue("Content-Disposition").orElse(null));
        var mp3 = client.postJson("/v1/audio/speech", "{\"input\":\"Hello\",\"voice\":\"ryan\"}");
        assertTrue(mp3.headers().firstValue("Content-Disposition").orElse("").endsWith(".mp3\""),
                mp3.headers().map().toString());
    }

    @Test
    void malformedPathsAnswerJsonNotAnHtmlPage() {
        for (String path : List.of("/api/v1/voices/a%00b", "/api/v1/outputs/%2e%2e/audio", "/api/v1/voices/a%zz")) {
            RawHttp.Response r = RawHttp.send(server.port(), "GET", path, Map.of(), null);
            assertTrue(r.status() >= 400 && r.status() < 500, path + ": " + r.status());
            assertTrue(r.header("content-type").startsWith("application/json"), path + ": " + r.headers() + " " + r.body());
            assertTrue(r.body().contains("\"error_type\""), path + ": " + r.body());
            assertTrue(!r.body().contains("<html"), r.body());
        }
    }

    @Test
    void openAiSpeechHonoursOrRefusesSampleRate() {
        var wav = client.postJson("/v1/audio/speech",
                "{\"input\":\"Hello\",\"voice\":\"ryan\",\"response_format\":\"wav\",\"sample_rate\":16000}");
        assertEquals(200, wav.statusCode(), Client.text(wav));
        assertEquals(16_000, ByteBuffer.wrap(wav.body()).order(ByteOrder.LITTLE_ENDIAN).getInt(24), "the WAV header's rate");
        var mp3 = client.postJson("/v1/audio/speech", "{\"input\":\"Hello\",\"voice\":\"ryan\",\"sample_rate\":16000}");
        assertEquals(422, mp3.statusCode(), Client.text(mp3));
        assertTrue(Client.text(mp3).contains("\"param\":\"sample_rate\""), Client.text(mp3));
    }

    @Test
    void controlCharactersAreRefusedNamingTheField() {
        var nul = client.postJson("/api/v1/tts/custom-voice", "{\"input\":\"Hel\\u0000lo\",\"voice\":\"ryan\"}");
        RestApiTest.assertError(nul, 400, "INVALID_ARGUMENT", "input");
        assertTrue(Client.text(nul).contains("U+0000"), Client.text(nul));
        var esc = client.postJson("/v1/audio/speech", "{\"input\":\"\\u001b[31mred\",\"voice\":\"ryan\"}");
        assertEquals(400, esc.statusCode(), Client.text(esc));
        assertEquals(200, client.postJson("/api/v1/tts/custom-voice", "{\"input\":\"Line one.\\nLine two.\\tTabbed.\","
                + "\"voice\":\"ryan\"}").statusCode(), "new lines and tabs are text");
        var name = client.postMultipart("/api/v1/voices", Map.of("name", "Bad\u0007Name", "audio_sample", new byte[] {1}));
        RestApiTest.assertError(name, 400, "INVALID_ARGUMENT", "name");
    }

    @Test
    void jobViewsCarryJobId() {
        var r = client.postJson("/api/v1/jobs", "{\"task\":\"custom_voice\",\"input\":\"Hello\",\"voice\":\"ryan\"}");
        assertEquals(202, r.statusCode(), Client.text(r));
        Map<String, Object> job = Client.json(r);
        assertEquals(job.get("id"), job.get("job_id"));
    }
}
