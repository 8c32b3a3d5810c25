package io.q3tts.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The audio WebSocket: frame order, cancel, disconnect, errors. */
class StreamSocketTest {

    FakeCore core;
    HttpServer server;
    BlockingQueue<Object> frames = new LinkedBlockingQueue<>();
    WebSocket ws;

    @BeforeEach
    void start() throws Exception {
        core = new FakeCore();
        server = new HttpServer(core, List.of(), HttpServerConfig.defaults().withPort(0)).start();
        ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(
                URI.create("ws://127.0.0.1:" + server.port() + HttpServer.STREAM_PATH), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();
                    private final ByteArrayOutputStream bin = new ByteArrayOutputStream();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            frames.add(Json.parseObject(text.toString(), "frame"));
                            text.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                        byte[] b = new byte[data.remaining()];
                        data.get(b);
                        bin.writeBytes(b);
                        if (last) {
                            frames.add(bin.toByteArray());
                            bin.reset();
                        }
                        w.request(1);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        ws.abort();
        server.stop();
    }

    Object next() throws InterruptedException {
        Object f = frames.poll(10, TimeUnit.SECONDS);
        assertTrue(f != null, "no frame within 10 s");
        return f;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> nextJson(String type) throws InterruptedException {
        while (true) {
            Object f = next();
            if (f instanceof Map<?, ?> m && (type == null || type.equals(m.get("type")) || !"progress".equals(m.get("type")))) {
                assertEquals(type, m.get("type"), m.toString());
                return (Map<String, Object>) m;
            }
        }
    }

    @Test
    void headerThenBinaryChunksThenEnd() throws Exception {
        ws.sendText("{\"task\":\"custom_voice\",\"input\":\"Hello\",\"voice\":\"ryan\"}", true);
        Map<String, Object> header = nextJson("header");
        assertEquals("pcm_s16le", header.get("format"));
        assertEquals(24000, header.get("sample_rate"));
        assertEquals(1, header.get("channels"));
        String requestId = header.get("request_id").toString();
        int audioBytes = 0;
        int chunks = 0;
        Map<String, Object> end = null;
        while (end == null) {
            Object f = next();
            if (f instanceof byte[] b) {
                audioBytes += b.length;
                chunks++;
            } else {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) f;
                if ("end".equals(m.get("type"))) {
                    end = m;
                } else {
                    assertEquals("progress", m.get("type"), m.toString());
                }
            }
        }
        assertEquals(5, chunks);
        assertEquals(FakeCore.CHUNK * 5 * 2, audioBytes);
        assertEquals(requestId, end.get("request_id"));
        assertEquals("42", end.get("seed"));
        assertTrue(end.get("output_id").toString().startsWith("out-"));

        ws.sendText("{\"task\":\"voice_design\",\"input\":\"Again\",\"instructions\":\"calm\",\"format\":\"wav\"}", true);
        assertEquals("wav", nextJson("header").get("format"));
        byte[] first = assertInstanceOf(byte[].class, nextNonJson());
        assertEquals("RIFF", new String(first, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
    }

    private Object nextNonJson() throws InterruptedException {
        while (true) {
            Object f = next();
            if (f instanceof byte[]) {
                return f;
            }
        }
    }

    @Test
    void cancelMessageStopsTheJob() throws Exception {
        core.chunks = 200;
        core.chunkDelayMillis = 20;
        ws.sendText("{\"task\":\"custom_voice\",\"input\":\"Hello\",\"voice\":\"ryan\"}", true);
        nextJson("header");
        assertTrue(core.firstChunk.await(5, TimeUnit.SECONDS));
        ws.sendText("{\"type\":\"cancel\"}", true);
        assertTrue(core.cancelled.await(5, TimeUnit.SECONDS), "job not cancelled");
        Map<String, Object> err = nextError();
        assertEquals("CANCELLED", err.get("errorType"));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> nextError() throws InterruptedException {
        while (true) {
            Object f = next();
            if (f instanceof Map<?, ?> m && "error".equals(m.get("type"))) {
                return (Map<String, Object>) m;
            }
        }
    }

    @Test
    void disconnectCancelsTheJob() throws Exception {
        core.chunks = 200;
        core.chunkDelayMillis = 20;
        ws.sendText("{\"task\":\"custom_voice\",\"input\":\"Hello\",\"voice\":\"ryan\"}", true);
        nextJson("header");
        assertTrue(core.firstChunk.await(5, TimeUnit.SECONDS));
        ws.abort();
        assertTrue(core.cancelled.await(5, TimeUnit.SECONDS), "a disconnect must cancel the job");
    }

    @Test
    void badRequestsGetErrorFramesAndTheSocketStaysUsable() throws Exception {
        ws.sendText("{\"task\":\"custom_voice\",\"voice\":\"ryan\"}", true);
        Map<String, Object> e1 = nextError();
        assertEquals("INVALID_ARGUMENT", e1.get("errorType"));
        assertEquals("input", e1.get("field"));
        ws.sendText("not json", true);
        assertEquals("message", nextError().get("field"));
        ws.sendText("{\"task\":\"custom_voice\",\"input\":\"Hi\",\"voice\":\"nobody\"}", true);
        Map<String, Object> e3 = nextError();
        assertEquals("NOT_FOUND", e3.get("errorType"));
        assertEquals("voice", e3.get("field"));
        ws.sendText("{\"task\":\"custom_voice\",\"input\":\"Hi\",\"voice\":\"ryan\",\"format\":\"mp3\"}", true);
        assertEquals("format", nextError().get("field"));
        ws.sendText("{\"task\":\"custom_voice\",\"input\":\"Hi\",\"voice\":\"ryan\"}", true);
        assertEquals("header", nextJson("header").get("type"));
    }

    @Test
    void secondRequestWhileRunningIsRefused() throws Exception {
        core.chunks = 200;
        core.chunkDelayMillis = 20;
        ws.sendText("{\"task\":\"custom_voice\",\"input\":\"Hello\",\"voice\":\"ryan\"}", true);
        nextJson("header");
        ws.sendText("{\"task\":\"custom_voice\",\"input\":\"Hello\",\"voice\":\"ryan\"}", true);
        Map<String, Object> e = nextError();
        assertEquals("type", e.get("field"));
        ws.sendText("{\"type\":\"cancel\"}", true);
        assertTrue(core.cancelled.await(5, TimeUnit.SECONDS));
    }
}
