package io.q3tts.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.in.synthesis.CloneVoice;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceCommand;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneCommand;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceDesignCommand;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible routes, and disconnects during HTTP streaming. */
class OpenAiApiTest {

    FakeCore core;
    HttpServer server;
    Client client;

    @BeforeEach
    void start() {
        core = new FakeCore();
        server = new HttpServer(core, List.of(), HttpServerConfig.defaults().withPort(0)).start();
        client = new Client(server.port());
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @SuppressWarnings("unchecked")
    static void assertOpenAiError(HttpResponse<byte[]> r, int status, String type, String param) {
        assertEquals(status, r.statusCode(), Client.text(r));
        Map<String, Object> err = (Map<String, Object>) Client.json(r).get("error");
        assertEquals(type, err.get("type"), Client.text(r));
        assertEquals(param, err.get("param"), Client.text(r));
        assertInstanceOf(String.class, err.get("message"));
        assertTrue(err.containsKey("code"));
    }

    @Test
    void speechDefaultsToMp3AndRoutesByVoiceAndModel() {
        var r = client.postJson("/v1/audio/speech", "{\"model\":\"tts-1\",\"input\":\"Hello\",\"voice\":\"vivian\"}");
        assertEquals(200, r.statusCode(), Client.text(r));
        assertEquals("audio/mpeg", r.headers().firstValue("content-type").orElseThrow());
        assertInstanceOf(SynthesizeCustomVoiceCommand.class, core.commands.getLast());

        client.postJson("/v1/audio/speech", "{\"model\":\"tts-1\",\"input\":\"Hello\",\"voice\":\"narrator\",\"response_format\":\"wav\"}");
        SynthesizeVoiceCloneCommand clone = assertInstanceOf(SynthesizeVoiceCloneCommand.class, core.commands.getLast());
        assertEquals(new CloneVoice.SavedVoice("narrator"), clone.voice());

        client.postJson("/v1/audio/speech", "{\"model\":\"tts-1\",\"input\":\"Hello\",\"voice\":{\"id\":\"narrator\"}}");
        assertInstanceOf(SynthesizeVoiceCloneCommand.class, core.commands.getLast());

        var d = client.postJson("/v1/audio/speech",
                "{\"model\":\"demo-voice-design\",\"input\":\"Hello\",\"voice\":\"alloy\",\"instructions\":\"a child\"}");
        assertEquals(200, d.statusCode(), Client.text(d));
        SynthesizeVoiceDesignCommand design = assertInstanceOf(SynthesizeVoiceDesignCommand.class, core.commands.getLast());
        assertEquals("a child", design.instruct());

        client.postJson("/v1/audio/speech", "{\"model\":\"demo-custom-voice\",\"input\":\"Hi\",\"voice\":\"ryan\",\"instructions\":\"happily\"}");
        assertEquals("happily", ((SynthesizeCustomVoiceCommand) core.commands.getLast()).instruct());

        var pcm = client.postJson("/v1/audio/speech", "{\"model\":\"tts-1\",\"input\":\"Hi\",\"voice\":\"ryan\",\"response_format\":\"pcm\",\"speed\":1.0}");
        assertEquals(FakeCore.CHUNK * 5 * 2, pcm.body().length);

        var fast = client.postJson("/v1/audio/speech", "{\"model\":\"tts-1\",\"input\":\"Hi\",\"voice\":\"ryan\",\"speed\":1.5}");
        assertEquals(200, fast.statusCode(), Client.text(fast));
        assertEquals(1.5, core.commands.getLast().options().speed());
    }

    @Test
    void speechErrorsUseOpenAiShape() {
        assertOpenAiError(client.postJson("/v1/audio/speech", "{\"model\":\"tts-1\",\"input\":\"Hi\",\"voice\":\"ryan\",\"response_format\":\"aac\"}"),
                400, "invalid_argument", "response_format");
        assertOpenAiError(client.postJson("/v1/audio/speech", "{\"model\":\"tts-1\",\"input\":\"Hi\",\"voice\":\"ryan\",\"speed\":0.2}"),
                400, "invalid_argument", "speed");
        assertOpenAiError(client.postJson("/v1/audio/speech",
                "{\"model\":\"tts-1\",\"input\":\"Hi\",\"voice\":\"ryan\",\"speed\":2,\"response_format\":\"pcm\",\"stream\":true}"),
                422, "unsupported", "speed");
        assertOpenAiError(client.postJson("/v1/audio/speech",
                "{\"model\":\"tts-1\",\"input\":\"Hi\",\"voice\":\"ryan\",\"speed\":2,\"response_format\":\"pcm\",\"stream_format\":\"sse\"}"),
                422, "unsupported", "speed");
        assertOpenAiError(client.postJson("/v1/audio/speech", "{\"model\":\"tts-1\",\"input\":\"Hi\",\"voice\":\"ryan\",\"speed\":9}"),
                400, "invalid_argument", "speed");
        assertOpenAiError(client.postJson("/v1/audio/speech", "{\"model\":\"tts-1\",\"input\":\"Hi\",\"voice\":\"alloy\"}"),
                404, "not_found", "voice");
        assertOpenAiError(client.postJson("/v1/audio/speech", "{\"model\":\"gpt-9\",\"input\":\"Hi\",\"voice\":\"ryan\"}"),
                404, "not_found", "model");
        assertOpenAiError(client.postJson("/v1/audio/speech", "{\"model\":\"tts-1\",\"voice\":\"ryan\"}"),
                400, "invalid_argument", "input");
        assertOpenAiError(client.postJson("/v1/audio/speech", "{\"model\":\"tts-1\",\"input\":\"Hi\",\"voice\":3}"),
                400, "invalid_argument", "voice");
        assertOpenAiError(client.postJson("/v1/audio/speech", "{\"model\":\"tts-1\",\"input\":\"Hi\",\"voice\":\"ryan\",\"task_type\":\"Karaoke\"}"),
                400, "invalid_argument", "task_type");
        assertOpenAiError(client.postMultipart("/v1/audio/speech", Map.of("input", "Hi")), 400, "invalid_argument", "body");
    }

    @Test
    void speechStreamsRawAndSse() {
        var raw = client.postJson("/v1/audio/speech",
                "{\"model\":\"tts-1\",\"input\":\"Hi\",\"voice\":\"ryan\",\"response_format\":\"pcm\",\"stream\":true}");
        assertEquals(200, raw.statusCode(), Client.text(raw));
        assertEquals(FakeCore.CHUNK * 5 * 2, raw.body().length);
        var sse = client.postJson("/v1/audio/speech",
                "{\"model\":\"tts-1\",\"input\":\"Hi\",\"voice\":\"ryan\",\"response_format\":\"pcm\",\"stream_format\":\"sse\"}");
        String text = Client.text(sse);
        assertEquals(5, text.split("event: speech.audio.delta").length - 1, text);
        assertTrue(text.contains("event: speech.audio.done"));
        assertOpenAiError(client.postJson("/v1/audio/speech",
                "{\"model\":\"tts-1\",\"input\":\"Hi\",\"voice\":\"ryan\",\"stream\":true}"), 400, "invalid_argument", "response_format");
    }

    @Test
    @SuppressWarnings("unchecked")
    void modelsAndVoices() {
        Map<String, Object> models = Client.json(client.get("/v1/models"));
        assertEquals("list", models.get("object"));
        List<Map<String, Object>> data = (List<Map<String, Object>>) models.get("data");
        assertTrue(data.stream().anyMatch(m -> m.get("id").equals("demo-base") && m.get("object").equals("model")));

        Map<String, Object> voices = Client.json(client.get("/v1/audio/voices"));
        assertEquals(List.of("vivian", "ryan"), voices.get("voices"));
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name", "Uploaded One");
        f.put("ref_text", "Hello");
        f.put("consent", "yes");
        f.put("audio_sample", Client.wav());
        assertEquals(201, client.postMultipart("/v1/audio/voices", f).statusCode());
        assertOpenAiError(client.postMultipart("/v1/audio/voices", f), 409, "conflict", "name");
        assertEquals(true, Client.json(client.delete("/v1/audio/voices/uploaded-one")).get("deleted"));
        assertOpenAiError(client.delete("/v1/audio/voices/uploaded-one"), 404, "not_found", "voice_id");
        assertOpenAiError(client.delete("/v1/audio/voices/..x"), 400, "invalid_argument", "voice");
    }

    @Test
    void httpStreamDisconnectCancelsTheJob() throws Exception {
        core.chunks = 400;
        core.chunkDelayMillis = 10;
        HttpResponse<InputStream> r = client.http.send(HttpRequest.newBuilder(URI.create(client.base + "/api/v1/tts/custom-voice"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":\"Hi\",\"voice\":\"ryan\",\"stream\":true}")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        try (InputStream in = r.body()) {
            assertEquals(44, in.readNBytes(44).length);
        }
        assertTrue(core.cancelled.await(10, TimeUnit.SECONDS), "a client that goes away must cancel its job");
    }
}
