package io.q3tts.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/audio/speech/batch} and {@code POST /api/v1/tts/<task>/batch} over a fake core. */
class BatchApiTest {

    FakeCore core;
    HttpServer server;
    Client client;

    @BeforeEach
    void start() {
        core = new FakeCore();
        core.settleOnSubmit = true;
        server = new HttpServer(core, List.of(), HttpServerConfig.defaults().withPort(0)).start();
        client = new Client(server.port());
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> results(Map<String, Object> body) {
        return (List<Map<String, Object>>) body.get("results");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> openAiError(java.net.http.HttpResponse<byte[]> r) {
        return (Map<String, Object>) Client.json(r).get("error");
    }

    @Test
    void openAiBatchAnswersEveryItemInOrderWithSharedDefaultsAndPerItemFailures() {
        var r = client.postJson("/v1/audio/speech/batch", """
                {"voice": "vivian", "response_format": "wav",
                 "items": [{"input": "one"}, {"input": "please fail"}, {"input": "three", "voice": "ryan", "response_format": "pcm"}]}""");
        assertEquals(200, r.statusCode(), Client.text(r));
        Map<String, Object> body = Client.json(r);
        assertEquals(3, ((Number) body.get("total")).intValue());
        assertEquals(2, ((Number) body.get("succeeded")).intValue());
        assertEquals(1, ((Number) body.get("failed")).intValue());
        List<Map<String, Object>> results = results(body);
        assertEquals(List.of(0, 1, 2), results.stream().map(m -> ((Number) m.get("index")).intValue()).toList());
        assertEquals("success", results.get(0).get("status"));
        byte[] wav = Base64.getDecoder().decode((String) results.get(0).get("audio_data"));
        assertEquals("RIFF", new String(wav, 0, 4, StandardCharsets.US_ASCII));
        assertEquals("audio/wav", results.get(0).get("media_type"));
        assertEquals("error", results.get(1).get("status"));
        assertEquals("The model failed on this text.", results.get(1).get("error"));
        assertEquals("model_error", results.get(1).get("error_type"));
        assertEquals("audio/pcm", results.get(2).get("media_type"), "an item's own fields win over the shared ones");
        assertEquals(3, core.commands.size(), "each item is one job");
        assertEquals("ryan", ((io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceCommand) core.commands.get(2)).speaker());
    }

    @Test
    void aMalformedItemIsRefusedWhole_namingTheItemAndField() {
        var r = client.postJson("/v1/audio/speech/batch", """
                {"voice": "vivian", "items": [{"input": "one"}, {"input": "two"}, {"input": "three", "speed": 9}]}""");
        assertEquals(400, r.statusCode(), Client.text(r));
        assertEquals("items[2].speed", openAiError(r).get("param"));
        assertEquals(0, core.commands.size(), "nothing ran");

        var missing = client.postJson("/api/v1/tts/custom-voice/batch", """
                {"voice": "vivian", "items": [{"input": "one"}, {"voice": "ryan"}]}""");
        RestApiTest.assertError(missing, 400, "INVALID_ARGUMENT", "items[1].input");
    }

    @Test
    void anItemTheModelRefusesAtSubmissionCancelsTheBatch_namingTheItem() {
        var r = client.postJson("/v1/audio/speech/batch", """
                {"items": [{"input": "one", "voice": "vivian"}, {"input": "two", "voice": "nobody"}]}""");
        assertEquals(404, r.statusCode(), Client.text(r));
        assertEquals("items[1].voice", openAiError(r).get("param"));
    }

    @Test
    void theItemListIsChecked() {
        assertEquals("items", openAiError(client.postJson("/v1/audio/speech/batch", "{\"items\": []}")).get("param"));
        assertEquals("items", openAiError(client.postJson("/v1/audio/speech/batch", "{\"input\": \"x\"}")).get("param"));
        StringBuilder many = new StringBuilder("{\"voice\":\"vivian\",\"items\":[");
        for (int i = 0; i < 33; i++) {
            many.append(i == 0 ? "" : ",").append("{\"input\":\"x\"}");
        }
        var tooMany = client.postJson("/v1/audio/speech/batch", many + "]}");
        assertEquals(400, tooMany.statusCode());
        assertTrue(openAiError(tooMany).get("message").toString().contains("got 33"));
        assertEquals("items[0]", openAiError(client.postJson("/v1/audio/speech/batch", "{\"items\": [3]}")).get("param"));
        assertEquals("items[0].stream", openAiError(client.postJson("/v1/audio/speech/batch",
                "{\"voice\":\"vivian\",\"items\": [{\"input\":\"x\",\"stream\":true}]}")).get("param"));
    }

    @Test
    void aFullQueueRefusesTheBatchWithRetryAfter() {
        core.overloaded = true;
        var r = client.postJson("/v1/audio/speech/batch", "{\"voice\":\"vivian\",\"items\":[{\"input\":\"one\"}]}");
        assertEquals(429, r.statusCode(), Client.text(r));
        assertEquals("7", r.headers().firstValue("retry-after").orElseThrow());
    }

    @Test
    void restBatchGivesJobsOutputsAndAZipOnRequest() throws IOException {
        var r = client.postJson("/api/v1/tts/custom-voice/batch", """
                {"voice": "vivian", "items": [{"input": "one"}, {"input": "fail now"}]}""");
        assertEquals(200, r.statusCode(), Client.text(r));
        List<Map<String, Object>> results = results(Client.json(r));
        assertTrue(((Map<?, ?>) results.get(0).get("output")).get("id").toString().startsWith("out-job-"));
        assertEquals("DONE".toLowerCase(), ((Map<?, ?>) results.get(0).get("job")).get("state").toString().toLowerCase());
        assertEquals("MODEL_ERROR", ((Map<?, ?>) results.get(1).get("error")).get("errorType"));

        var zip = client.postJson("/api/v1/tts/custom-voice/batch", """
                {"voice": "vivian", "zip": true, "items": [{"input": "one"}, {"input": "two", "response_format": "pcm"}]}""");
        assertEquals(200, zip.statusCode(), Client.text(zip));
        assertEquals("application/zip", zip.headers().firstValue("content-type").orElseThrow());
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                names.add(e.getName());
            }
        }
        assertEquals(List.of("000.wav", "001.pcm", "results.json"), names);
    }
}
