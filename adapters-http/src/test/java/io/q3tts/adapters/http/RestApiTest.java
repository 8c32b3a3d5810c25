package io.q3tts.adapters.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.in.synthesis.CloneVoice;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneCommand;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.web.RouteSpec;
import io.q3tts.ports.web.SocketSession;
import io.q3tts.ports.web.SocketSpec;
import io.q3tts.ports.web.WebResponse;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The REST API, the plugin mounts and the OpenAPI document over a fake core. */
class RestApiTest {

    static final long MAX_UPLOAD = 64 * 1024;
    static FakeCore core;
    static HttpServer server;
    static Client client;

    @BeforeAll
    static void start() {
        core = new FakeCore();
        RouteSpec hello = new RouteSpec(io.q3tts.ports.web.HttpMethod.GET, "/hello/{name}",
                r -> WebResponse.json(Map.of("hello", r.pathParam("name"), "n", r.optionalInt("n").orElse(0))), "Greets");
        RouteSpec bad = RouteSpec.post("/fail", r -> {
            throw new InvalidArgumentException("chapter", "chapter is required.");
        });
        RouteSpec streamed = RouteSpec.get("/count", r -> WebResponse.stream("text/plain", sink -> {
            for (int i = 0; i < 3; i++) {
                sink.write(("" + i).getBytes(StandardCharsets.UTF_8));
            }
        }));
        RouteSpec root = RouteSpec.get("/", r -> WebResponse.html("<p>narrator</p>"));
        SocketSpec echo = new SocketSpec("/echo", (conn, up) -> new SocketSession() {
            @Override
            public void onText(String text) {
                conn.sendText("echo:" + text);
            }
        }, "Echo");
        server = new HttpServer(core, List.of(new PluginRoutes("narrator", List.of(hello, bad, streamed, root), List.of(echo))),
                HttpServerConfig.defaults().withPort(0).withMaxUploadBytes(MAX_UPLOAD)).start();
        client = new Client(server.port());
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    static void assertError(HttpResponse<byte[]> r, int status, String type, String field) {
        assertEquals(status, r.statusCode(), Client.text(r));
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        Map<String, Object> body = Client.json(r);
        assertEquals(type, body.get("error_type"), Client.text(r));
        assertEquals(type, body.get("errorType"), "the old name stays as an alias: " + Client.text(r));
        assertEquals(field, body.get("field"), Client.text(r));
        assertInstanceOf(String.class, body.get("error"));
    }

    // ---- synthesis

    @Test
    void customVoiceReturnsWavWithMetadataHeaders() {
        var r = client.postJson("/api/v1/tts/custom-voice", "{\"input\":\"Hello\",\"voice\":\"Vivian\",\"seed\":42}");
        assertEquals(200, r.statusCode(), Client.text(r));
        assertEquals("audio/wav", r.headers().firstValue("content-type").orElseThrow());
        assertEquals("RIFF", new String(r.body(), 0, 4, StandardCharsets.US_ASCII));
        assertEquals(44 + FakeCore.CHUNK * 5 * 2, r.body().length);
        assertTrue(r.headers().firstValue("x-q3tts-output-id").orElseThrow().startsWith("out-job-"));
        assertEquals("42", r.headers().firstValue("x-q3tts-seed").orElseThrow());
        assertEquals("demo-custom-voice", r.headers().firstValue("x-q3tts-model").orElseThrow());
        assertEquals("0.2", r.headers().firstValue("x-q3tts-rtf").orElseThrow());
        assertEquals("true", r.headers().firstValue("x-q3tts-random-weights").orElseThrow());
    }

    @Test
    void speedIsPassedOnAndCheckedAndNotStreamed() {
        var r = client.postJson("/api/v1/tts/custom-voice", "{\"input\":\"Hello\",\"voice\":\"ryan\",\"speed\":0.5}");
        assertEquals(200, r.statusCode(), Client.text(r));
        assertEquals(0.5, core.commands.getLast().options().speed());
        assertError(client.postJson("/api/v1/tts/custom-voice", "{\"input\":\"Hello\",\"voice\":\"ryan\",\"speed\":4.5}"),
                400, "INVALID_ARGUMENT", "speed");
        assertError(client.postJson("/api/v1/tts/custom-voice",
                "{\"input\":\"Hello\",\"voice\":\"ryan\",\"speed\":2,\"response_format\":\"pcm\",\"stream\":true}"),
                422, "UNSUPPORTED", "speed");
    }

    @Test
    void responseJsonGivesReferenceAndMetadata() {
        var r = client.postJson("/api/v1/tts/custom-voice?response=json", "{\"input\":\"Hello\",\"voice\":\"ryan\"}");
        assertEquals(200, r.statusCode(), Client.text(r));
        @SuppressWarnings("unchecked")
        Map<String, Object> output = (Map<String, Object>) Client.json(r).get("output");
        assertTrue(output.get("audio_url").toString().startsWith("/api/v1/outputs/out-job-"));
        assertEquals("42", output.get("seed"));
    }

    @Test
    void otherFormatsAndResampling() {
        var pcm = client.postJson("/api/v1/tts/custom-voice", "{\"input\":\"Hi\",\"voice\":\"ryan\",\"response_format\":\"pcm\"}");
        assertEquals("audio/pcm", pcm.headers().firstValue("content-type").orElseThrow());
        assertEquals(FakeCore.CHUNK * 5 * 2, pcm.body().length);
        var mp3 = client.postJson("/api/v1/tts/custom-voice", "{\"input\":\"Hi\",\"voice\":\"ryan\",\"response_format\":\"mp3\"}");
        assertEquals("audio/mpeg", mp3.headers().firstValue("content-type").orElseThrow());
        var down = client.postJson("/api/v1/tts/custom-voice", "{\"input\":\"Hi\",\"voice\":\"ryan\",\"sample_rate\":16000}");
        assertEquals(200, down.statusCode(), Client.text(down));
        assertEquals("16000", down.headers().firstValue("x-q3tts-sample-rate").orElseThrow());
        assertEquals(44 + FakeCore.CHUNK * 5 * 2 * 2 / 3, down.body().length);
        assertEquals(16000, ByteBuffer.wrap(down.body()).order(ByteOrder.LITTLE_ENDIAN).getInt(24));
        assertError(client.postJson("/api/v1/tts/custom-voice",
                "{\"input\":\"Hi\",\"voice\":\"ryan\",\"sample_rate\":16000,\"response_format\":\"mp3\"}"),
                422, "UNSUPPORTED", "sample_rate");
        assertError(client.postJson("/api/v1/tts/custom-voice", "{\"input\":\"Hi\",\"voice\":\"ryan\",\"sample_rate\":100}"),
                400, "INVALID_ARGUMENT", "sample_rate");
        assertError(client.postJson("/api/v1/tts/custom-voice", "{\"input\":\"Hi\",\"voice\":\"ryan\",\"response_format\":\"ogg\"}"),
                400, "INVALID_ARGUMENT", "response_format");
    }

    @Test
    void badInputNamesTheField() {
        assertError(client.postJson("/api/v1/tts/custom-voice", "{\"voice\":\"ryan\"}"), 400, "INVALID_ARGUMENT", "input");
        assertError(client.postJson("/api/v1/tts/custom-voice", "{\"input\":\"Hi\"}"), 400, "INVALID_ARGUMENT", "voice");
        assertError(client.postJson("/api/v1/tts/custom-voice", "{\"input\":\"Hi\",\"voice\":\"ryan\",\"temperature\":\"hot\"}"),
                400, "INVALID_ARGUMENT", "temperature");
        assertError(client.postJson("/api/v1/tts/custom-voice", "{\"input\":7,\"voice\":\"ryan\"}"), 400, "INVALID_ARGUMENT", "input");
        assertError(client.postJson("/api/v1/tts/custom-voice", "{\"input\":\"Hi\",\"voice\":\"ryan\",\"seed\":1.5}"),
                400, "INVALID_ARGUMENT", "seed");
        assertError(client.postJson("/api/v1/tts/custom-voice", "{\"input\":\"Hi\",\"voice\":\"ryan\",\"top_p\":3}"),
                400, "INVALID_ARGUMENT", "top_p");
        assertError(client.postJson("/api/v1/tts/custom-voice", "{\"input\":\"Hi\",\"voice\":\"nobody\"}"), 404, "NOT_FOUND", "voice");
        assertError(client.postJson("/api/v1/tts/custom-voice", "{\"input\":\"Hi\",\"voice\":\"ryan\",\"model\":\"nope\"}"),
                404, "NOT_FOUND", "model");
        assertError(client.postJson("/api/v1/tts/custom-voice", "{\"input\":\"Hi\",\"voice\":\"ryan\",\"model\":\"../etc\"}"),
                400, "INVALID_ARGUMENT", "model");
        assertError(client.postJson("/api/v1/tts/custom-voice", "{\"input\":\"Hi\",\"voice\":\"ryan\",\"model\":\"demo-base\"}"),
                422, "UNSUPPORTED", "model");
        assertError(client.postJson("/api/v1/tts/custom-voice", "{\"input\": \"Hi\","), 400, "INVALID_ARGUMENT", "body");
        assertError(client.postJson("/api/v1/tts/voice-design", "{\"input\":\"Hi\"}"), 400, "INVALID_ARGUMENT", "instructions");
        assertError(client.postJson("/api/v1/tts/custom-voice?response=xml", "{\"input\":\"Hi\",\"voice\":\"ryan\"}"),
                400, "INVALID_ARGUMENT", "response");
    }

    @Test
    void oversizedJsonBodyIs413() {
        String big = "{\"input\":\"" + "a".repeat(1_100_000) + "\",\"voice\":\"ryan\"}";
        assertError(client.postJson("/api/v1/tts/custom-voice", big), 413, "PAYLOAD_TOO_LARGE", null);
    }

    @Test
    void overloadedIs429WithRetryAfter() {
        core.overloaded = true;
        try {
            var r = client.postJson("/api/v1/tts/custom-voice", "{\"input\":\"Hi\",\"voice\":\"ryan\"}");
            assertError(r, 429, "OVERLOADED", null);
            assertEquals("3", r.headers().firstValue("retry-after").orElseThrow());
            var j = client.postJson("/api/v1/jobs", "{\"task\":\"custom_voice\",\"input\":\"Hi\",\"voice\":\"ryan\"}");
            assertError(j, 429, "OVERLOADED", null);
            assertEquals("7", j.headers().firstValue("retry-after").orElseThrow());
            var o = client.postJson("/v1/audio/speech", "{\"model\":\"tts-1\",\"input\":\"Hi\",\"voice\":\"ryan\"}");
            assertEquals(429, o.statusCode());
            assertEquals("3", o.headers().firstValue("retry-after").orElseThrow());
        } finally {
            core.overloaded = false;
        }
    }

    @Test
    void voiceDesignAndCloneWithSavedVoiceJson() {
        var d = client.postJson("/api/v1/tts/voice-design", "{\"input\":\"Hi\",\"instructions\":\"a calm old man\"}");
        assertEquals(200, d.statusCode(), Client.text(d));
        var c = client.postJson("/api/v1/tts/voice-clone", "{\"input\":\"Hi\",\"voice\":\"narrator\"}");
        assertEquals(200, c.statusCode(), Client.text(c));
        assertError(client.postJson("/api/v1/tts/voice-clone", "{\"input\":\"Hi\",\"voice\":\"ghost\"}"), 404, "NOT_FOUND", "voice");
        assertError(client.postJson("/api/v1/tts/voice-clone", "{\"input\":\"Hi\"}"), 400, "INVALID_ARGUMENT", "voice");
        assertError(client.postJson("/api/v1/tts/voice-clone", "{\"input\":\"Hi\",\"voice\":\"a/../b\"}"), 400, "INVALID_ARGUMENT", "voice");
    }

    @Test
    void cloneWithMultipartReference() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("input", "Hello there");
        f.put("ref_text", "Reference words");
        f.put("ref_audio", Client.wav());
        var r = client.postMultipart("/api/v1/tts/voice-clone", f);
        assertEquals(200, r.statusCode(), Client.text(r));
        SynthesizeVoiceCloneCommand cmd = (SynthesizeVoiceCloneCommand) core.commands.getLast();
        CloneVoice.UploadedReference ref = (CloneVoice.UploadedReference) cmd.voice();
        assertArrayEquals(Client.wav(), ref.audio().bytes());
        assertEquals("Reference words", ref.transcript());

        Map<String, Object> xvec = new LinkedHashMap<>(f);
        xvec.remove("ref_text");
        xvec.put("x_vector_only_mode", "true");
        assertEquals(200, client.postMultipart("/api/v1/tts/voice-clone", xvec).statusCode());
        xvec.remove("x_vector_only_mode");
        assertError(client.postMultipart("/api/v1/tts/voice-clone", xvec), 400, "INVALID_ARGUMENT", "ref_text");

        Map<String, Object> corrupt = new LinkedHashMap<>(f);
        corrupt.put("ref_audio", "not audio at all".getBytes(StandardCharsets.UTF_8));
        assertError(client.postMultipart("/api/v1/tts/voice-clone", corrupt), 415, "UNSUPPORTED_MEDIA", "ref_audio");

        Map<String, Object> huge = new LinkedHashMap<>(f);
        huge.put("ref_audio", new byte[(int) MAX_UPLOAD + 10]);
        var big = client.postMultipart("/api/v1/tts/voice-clone", huge);
        assertEquals(413, big.statusCode(), Client.text(big));
        assertEquals("PAYLOAD_TOO_LARGE", Client.json(big).get("errorType"));

        String b64 = java.util.Base64.getEncoder().encodeToString(Client.wav());
        var json = client.postJson("/api/v1/tts/voice-clone",
                "{\"input\":\"Hi\",\"ref_audio\":\"data:audio/wav;base64," + b64 + "\",\"ref_text\":\"words\"}");
        assertEquals(200, json.statusCode(), Client.text(json));
        assertError(client.postJson("/api/v1/tts/voice-clone", "{\"input\":\"Hi\",\"ref_audio\":\"!!!\",\"ref_text\":\"w\"}"),
                400, "INVALID_ARGUMENT", "ref_audio");
    }

    @Test
    void designThenCloneCreatesAVoice() {
        var r = client.postJson("/api/v1/tts/design-then-clone",
                "{\"name\":\"Old Wizard\",\"instructions\":\"a grumpy wizard\",\"input\":\"You shall not pass.\"}");
        assertEquals(201, r.statusCode(), Client.text(r));
        assertEquals("/api/v1/voices/old-wizard", r.headers().firstValue("location").orElseThrow());
        var again = client.postJson("/api/v1/tts/design-then-clone",
                "{\"name\":\"Old Wizard\",\"instructions\":\"a grumpy wizard\",\"input\":\"You shall not pass.\"}");
        assertError(again, 409, "CONFLICT", "name");
    }

    @Test
    void streamingSendsChunkedPcmAndWav() throws Exception {
        var pcm = client.postJson("/api/v1/tts/custom-voice",
                "{\"input\":\"Hi\",\"voice\":\"ryan\",\"stream\":true,\"response_format\":\"pcm\"}");
        assertEquals(200, pcm.statusCode(), Client.text(pcm));
        assertEquals(FakeCore.CHUNK * 5 * 2, pcm.body().length);
        assertEquals("24000", pcm.headers().firstValue("x-q3tts-sample-rate").orElseThrow());
        assertTrue(pcm.headers().firstValue("x-q3tts-job-id").isPresent());
        var wav = client.postJson("/api/v1/tts/custom-voice", "{\"input\":\"Hi\",\"voice\":\"ryan\",\"stream\":true}");
        assertEquals(44 + FakeCore.CHUNK * 5 * 2, wav.body().length);
        assertEquals(-1, ByteBuffer.wrap(wav.body()).order(ByteOrder.LITTLE_ENDIAN).getInt(40));
        assertError(client.postJson("/api/v1/tts/custom-voice",
                "{\"input\":\"Hi\",\"voice\":\"ryan\",\"stream\":true,\"response_format\":\"mp3\"}"),
                400, "INVALID_ARGUMENT", "response_format");
        assertError(client.postJson("/api/v1/tts/custom-voice", "{\"input\":\"Hi\",\"voice\":\"nobody\",\"stream\":true}"),
                404, "NOT_FOUND", "voice");
    }

    // ---- tokenizer

    @Test
    void tokenizerEncodeAndDecode() {
        var enc = client.postMultipart("/api/v1/tokenizer/encode", Map.of("audio", Client.wav()));
        assertEquals(200, enc.statusCode(), Client.text(enc));
        assertEquals(3, Client.json(enc).get("frames"));
        assertError(client.postMultipart("/api/v1/tokenizer/encode", Map.of("model", "demo-codec")), 400, "INVALID_ARGUMENT", "audio");
        assertError(client.postMultipart("/api/v1/tokenizer/encode", Map.of("audio", "xx".getBytes(StandardCharsets.UTF_8))),
                415, "UNSUPPORTED_MEDIA", "audio");
        String row = "[" + "1,".repeat(15) + "1]";
        var dec = client.postJson("/api/v1/tokenizer/decode", "{\"codes\":[" + row + "," + row + "]}");
        assertEquals(200, dec.statusCode(), Client.text(dec));
        assertEquals(44 + 2 * 1920 * 2, dec.body().length);
        assertError(client.postJson("/api/v1/tokenizer/decode", "{\"codes\":[[1,\"x\"]]}"), 400, "INVALID_ARGUMENT", "codes");
        assertError(client.postJson("/api/v1/tokenizer/decode", "{\"codes\":[[1,2],[3]]}"), 400, "INVALID_ARGUMENT", "codes");
        assertError(client.postJson("/api/v1/tokenizer/decode", "{\"codes\":[]}"), 400, "INVALID_ARGUMENT", "codes");
    }

    // ---- jobs

    @Test
    void jobsSubmitGetListCancel() {
        var r = client.postJson("/api/v1/jobs", "{\"task\":\"custom-voice\",\"input\":\"Hi\",\"voice\":\"ryan\"}");
        assertEquals(202, r.statusCode(), Client.text(r));
        String id = Client.json(r).get("id").toString();
        assertEquals("/api/v1/jobs/" + id, r.headers().firstValue("location").orElseThrow());
        var g = client.get("/api/v1/jobs/" + id);
        assertEquals("queued", Client.json(g).get("state"));
        @SuppressWarnings("unchecked")
        Map<String, Object> progress = (Map<String, Object>) Client.json(g).get("progress");
        assertEquals(1, progress.get("queue_position"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> queued = (List<Map<String, Object>>) Client.json(client.get("/api/v1/jobs?state=queued,running")).get("jobs");
        assertTrue(queued.stream().anyMatch(j -> j.get("id").equals(id)));
        var c = client.delete("/api/v1/jobs/" + id);
        assertEquals("cancelled", Client.json(c).get("state"));
        assertError(client.get("/api/v1/jobs?state=sleeping"), 400, "INVALID_ARGUMENT", "state");
        assertError(client.get("/api/v1/jobs?limit=0"), 400, "INVALID_ARGUMENT", "limit");
        assertError(client.get("/api/v1/jobs/nope"), 404, "NOT_FOUND", "job_id");
        assertError(client.get("/api/v1/jobs/..secret"), 400, "INVALID_ARGUMENT", "job_id");
        assertError(client.postJson("/api/v1/jobs", "{\"input\":\"Hi\"}"), 400, "INVALID_ARGUMENT", "task");
        assertError(client.postJson("/api/v1/jobs", "{\"task\":\"dance\"}"), 400, "INVALID_ARGUMENT", "task");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> frame(String text) {
        assertNotNull(text, "a frame arrived");
        return (Map<String, Object>) Json.parse(text.getBytes(StandardCharsets.UTF_8), "frame");
    }

    @Test
    void aJobIsFollowedAndCancelledOverItsWebSocket() throws Exception {
        String id = Client.json(client.postJson("/api/v1/jobs", "{\"task\":\"custom_voice\",\"input\":\"Hi\",\"voice\":\"ryan\"}"))
                .get("id").toString();
        java.util.concurrent.BlockingQueue<String> frames = new java.util.concurrent.LinkedBlockingQueue<>();
        java.net.http.WebSocket.Listener listener = new java.net.http.WebSocket.Listener() {
            @Override
            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence d, boolean last) {
                frames.add(d.toString());
                w.request(1);
                return null;
            }
        };
        var ws = client.http.newWebSocketBuilder().buildAsync(
                URI.create("ws://127.0.0.1:" + server.port() + "/api/v1/jobs/" + id + "/socket"), listener).get(5, TimeUnit.SECONDS);
        Map<String, Object> first = frame(frames.poll(5, TimeUnit.SECONDS));
        assertEquals("state", first.get("type"));
        assertEquals(id, first.get("id"));
        assertEquals("queued", first.get("state"));
        ws.sendText("{\"type\":\"pause\"}", true);
        assertEquals("type", frame(frames.poll(5, TimeUnit.SECONDS)).get("field"));
        ws.sendText("{\"type\":\"cancel\"}", true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!"cancelled".equals(Client.json(client.get("/api/v1/jobs/" + id)).get("state")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals("cancelled", Client.json(client.get("/api/v1/jobs/" + id)).get("state"));
        ws.abort();

        java.util.concurrent.BlockingQueue<String> unknown = new java.util.concurrent.LinkedBlockingQueue<>();
        client.http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/api/v1/jobs/nope/socket"),
                new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence d, boolean last) {
                        unknown.add(d.toString());
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        Map<String, Object> error = frame(unknown.poll(5, TimeUnit.SECONDS));
        assertEquals("NOT_FOUND", error.get("errorType"));
        assertEquals("job_id", error.get("field"));
    }

    @Test
    void jobEventsAsServerSentEvents() throws Exception {
        var r = client.postJson("/api/v1/jobs", "{\"task\":\"voice_design\",\"input\":\"Hi\",\"instructions\":\"calm\"}");
        String id = Client.json(r).get("id").toString();
        CompletableFuture<List<String>> lines = CompletableFuture.supplyAsync(() -> {
            try {
                HttpResponse<InputStream> s = client.http.send(HttpRequest.newBuilder(
                        URI.create(client.base + "/api/v1/jobs/" + id + "/events?audio=true")).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                assertEquals("text/event-stream;charset=utf-8",
                        s.headers().firstValue("content-type").orElseThrow().replace(" ", "").toLowerCase());
                try (BufferedReader in = new BufferedReader(new InputStreamReader(s.body(), StandardCharsets.UTF_8))) {
                    return in.lines().filter(l -> l.startsWith("event:")).toList();
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!core.watched(id)) {
            assertTrue(System.nanoTime() < deadline, "SSE never subscribed");
            Thread.sleep(10);
        }
        core.finish(id);
        assertEquals(List.of("event: state", "event: state", "event: progress", "event: audio", "event: state"),
                lines.get(10, TimeUnit.SECONDS));
        assertError(client.get("/api/v1/jobs/unknown/events"), 404, "NOT_FOUND", "job_id");
    }

    // ---- voices, outputs, models

    @Test
    void voicesCrud() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name", "Test Voice");
        f.put("ref_text", "Hello");
        f.put("audio_sample", Client.wav());
        var c = client.postMultipart("/api/v1/voices", f);
        assertEquals(201, c.statusCode(), Client.text(c));
        assertEquals("test-voice", Client.json(c).get("id"));
        assertError(client.postMultipart("/api/v1/voices", f), 409, "CONFLICT", "name");
        Map<String, Object> noFile = new LinkedHashMap<>(f);
        noFile.remove("audio_sample");
        noFile.put("name", "Other");
        assertError(client.postMultipart("/api/v1/voices", noFile), 400, "INVALID_ARGUMENT", "audio_sample");
        Map<String, Object> corrupt = new LinkedHashMap<>(f);
        corrupt.put("name", "Corrupt");
        corrupt.put("audio_sample", new byte[] {1, 2, 3});
        assertError(client.postMultipart("/api/v1/voices", corrupt), 415, "UNSUPPORTED_MEDIA", "audio_sample");
        Map<String, Object> huge = new LinkedHashMap<>(f);
        huge.put("name", "Huge");
        huge.put("audio_sample", new byte[(int) MAX_UPLOAD * 2]);
        assertEquals(413, client.postMultipart("/api/v1/voices", huge).statusCode());

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> all = (List<Map<String, Object>>) Client.json(client.get("/api/v1/voices")).get("voices");
        assertTrue(all.stream().anyMatch(v -> v.get("id").equals("test-voice")));
        assertEquals("Hello", Client.json(client.get("/api/v1/voices/test-voice")).get("ref_text"));
        var p = client.method("PATCH", "/api/v1/voices/test-voice", "{\"description\":\"warm\"}");
        assertEquals("warm", Client.json(p).get("description"));
        assertError(client.method("PATCH", "/api/v1/voices/test-voice", "{\"ref_text\":\"  \"}"), 400, "INVALID_ARGUMENT", "ref_text");
        var clip = client.get("/api/v1/voices/test-voice/clip?format=flac");
        assertEquals("audio/flac", clip.headers().firstValue("content-type").orElseThrow());
        assertEquals(204, client.delete("/api/v1/voices/test-voice").statusCode());
        assertError(client.get("/api/v1/voices/test-voice"), 404, "NOT_FOUND", "voice_id");
        assertError(client.get("/api/v1/voices/.hidden"), 400, "INVALID_ARGUMENT", "voice_id");
        assertError(client.get("/api/v1/voices/a..b/clip"), 400, "INVALID_ARGUMENT", "voice_id");
    }

    @Test
    void outputsListGetDownloadDelete() {
        var s = client.postJson("/api/v1/tts/custom-voice", "{\"input\":\"Hi\",\"voice\":\"ryan\"}");
        String id = s.headers().firstValue("x-q3tts-output-id").orElseThrow();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list = (List<Map<String, Object>>) Client.json(
                client.get("/api/v1/outputs?limit=1000&task=custom_voice")).get("outputs");
        assertTrue(list.stream().anyMatch(o -> o.get("id").equals(id)));
        assertEquals(id, Client.json(client.get("/api/v1/outputs/" + id)).get("id"));
        var wav = client.get("/api/v1/outputs/" + id + "/audio");
        assertEquals("audio/wav", wav.headers().firstValue("content-type").orElseThrow());
        var head = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.base + "/api/v1/outputs/" + id
                + "/audio")).header("Range", "bytes=0-99").GET());
        assertEquals(206, head.statusCode(), "players may ask for a byte range (seeking, duration of long tracks)");
        assertEquals(100, head.body().length);
        assertEquals("bytes 0-99/" + wav.body().length, head.headers().firstValue("content-range").orElseThrow());
        assertArrayEquals(java.util.Arrays.copyOf(wav.body(), 100), head.body());
        var tail = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.base + "/api/v1/outputs/" + id
                + "/audio")).header("Range", "bytes=-10").GET());
        assertArrayEquals(java.util.Arrays.copyOfRange(wav.body(), wav.body().length - 10, wav.body().length), tail.body());
        assertEquals(416, client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.base + "/api/v1/outputs/"
                + id + "/audio")).header("Range", "bytes=999999-").GET()).statusCode());
        assertEquals("bytes", wav.headers().firstValue("accept-ranges").orElseThrow());
        var opus = client.get("/api/v1/outputs/" + id + "/audio?format=opus");
        assertEquals("audio/ogg", opus.headers().firstValue("content-type").orElseThrow());
        var pcm8k = client.get("/api/v1/outputs/" + id + "/audio?format=pcm&sample_rate=8000");
        assertEquals(FakeCore.CHUNK * 10 / 3 * 2, pcm8k.body().length);
        assertError(client.get("/api/v1/outputs/" + id + "/audio?format=aiff"), 400, "INVALID_ARGUMENT", "format");
        assertError(client.get("/api/v1/outputs?task=singing"), 400, "INVALID_ARGUMENT", "task");
        assertError(client.get("/api/v1/outputs?limit=abc"), 400, "INVALID_ARGUMENT", "limit");
        assertEquals(204, client.delete("/api/v1/outputs/" + id).statusCode());
        assertError(client.get("/api/v1/outputs/" + id), 404, "NOT_FOUND", "output_id");
        assertError(client.delete("/api/v1/outputs/..%2F..%2Fetc"), 400, "INVALID_ARGUMENT", "output_id");
    }

    @Test
    void modelsAndHealth() {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> models = (List<Map<String, Object>>) Client.json(client.get("/api/v1/models")).get("models");
        Map<String, Object> cv = models.stream().filter(m -> m.get("id").equals("demo-custom-voice")).findFirst().orElseThrow();
        assertEquals(List.of("custom_voice"), cv.get("tasks"));
        assertEquals(true, cv.get("random_weights"));
        assertNotNull(cv.get("warning"));
        assertEquals("available", cv.get("residency"));
        assertEquals("loaded", Client.json(client.postJson("/api/v1/models/demo-base/load", "")).get("residency"));
        assertEquals("available", Client.json(client.postJson("/api/v1/models/demo-base/unload", "")).get("residency"));
        assertError(client.get("/api/v1/models/none"), 404, "NOT_FOUND", "model");
        assertError(client.postJson("/api/v1/models/none/load", ""), 404, "NOT_FOUND", "model");
        var h = Client.json(client.get("/api/v1/health"));
        assertEquals("ok", h.get("status"));
        assertEquals(true, h.get("random_weights_only"));
        assertEquals(false, h.get("api_keys"), "no keys configured");
    }

    @Test
    void unknownRoutesAreJson404() {
        assertError(client.get("/api/v1/nothing"), 404, "NOT_FOUND", null);
        var oa = client.get("/v1/nothing");
        assertEquals(404, oa.statusCode());
        assertTrue(Client.json(oa).get("error") instanceof Map<?, ?>);
    }

    // ---- plugins

    @Test
    void pluginRoutesAreMountedUnderTheirId() {
        var r = client.get("/plugins/narrator/hello/world?n=3");
        assertEquals(Map.of("hello", "world", "n", 3), Client.json(r));
        assertError(client.get("/plugins/narrator/hello/world?n=x"), 400, "INVALID_ARGUMENT", "n");
        assertError(client.postJson("/plugins/narrator/fail", "{}"), 400, "INVALID_ARGUMENT", "chapter");
        assertEquals("012", Client.text(client.get("/plugins/narrator/count")));
        assertEquals("<p>narrator</p>", Client.text(client.get("/plugins/narrator")));
        assertError(client.get("/hello/world"), 404, "NOT_FOUND", null);
    }

    @Test
    void pluginSocketIsBridged() throws Exception {
        CompletableFuture<String> got = new CompletableFuture<>();
        var ws = client.http.newWebSocketBuilder().buildAsync(
                URI.create("ws://127.0.0.1:" + server.port() + "/plugins/narrator/echo"),
                new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence d, boolean last) {
                        got.complete(d.toString());
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        ws.sendText("hi", true);
        assertEquals("echo:hi", got.get(5, TimeUnit.SECONDS));
        ws.abort();
    }

    // ---- OpenAPI

    @Test
    @SuppressWarnings("unchecked")
    void everyRouteIsInTheOpenApiDocument() {
        var r = client.get("/api/v1/openapi.json");
        assertEquals(200, r.statusCode());
        Map<String, Object> doc = Client.json(r);
        assertEquals("3.0.3", doc.get("openapi"));
        Map<String, Object> paths = (Map<String, Object>) doc.get("paths");
        for (String key : server.routeKeys()) {
            String[] mp = key.split(" ", 2);
            String method = mp[0].equals("WS") ? "get" : mp[0].toLowerCase();
            // Javalin's <name> (a parameter that may hold slashes) is OpenAPI's {name}.
            Map<String, Object> item = (Map<String, Object>) paths.get(mp[1].replaceAll("<([^>]+)>", "{$1}"));
            assertNotNull(item, "missing path in openapi.json: " + key);
            assertNotNull(item.get(method), "missing operation in openapi.json: " + key);
        }
        Map<String, Object> shipped = (Map<String, Object>) OpenApiRoute.document().get("paths");
        java.util.Set<String> mounted = new java.util.HashSet<>();
        server.routeKeys().forEach(k -> mounted.add(k.replaceAll("<([^>]+)>", "{$1}")));
        for (String path : shipped.keySet()) {
            for (String method : ((Map<String, Object>) shipped.get(path)).keySet()) {
                String key = method.toUpperCase() + " " + path;
                assertTrue(mounted.contains(key) || mounted.contains("WS " + path),
                        "openapi.json documents a route the server does not have: " + key);
            }
        }
    }
}
