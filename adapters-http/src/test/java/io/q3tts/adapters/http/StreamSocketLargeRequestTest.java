package io.q3tts.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A voice-clone request on the stream socket carries its reference clip base64 in one text frame:
 * a few seconds of audio are far above Jetty's 64 KiB default, so the socket must accept text messages
 * up to the body limit (the browser's recorded clips arrive this way).
 */
class StreamSocketLargeRequestTest {

    @Test
    void aReferenceClipOfSeveralSecondsFitsInOneRequest() throws Exception {
        // 4 s at 48 kHz, 16-bit: 384 KB of WAV, 512 KB once base64-encoded.
        String clip = Base64.getEncoder().encodeToString(
                FakeCore.encode(new float[192_000], io.q3tts.ports.model.AudioFormat.WAV).bytes());
        try (HttpServer server = new HttpServer(new FakeCore(), List.of(), HttpServerConfig.defaults().withPort(0)).start()) {
            CompletableFuture<String> first = new CompletableFuture<>();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(
                    URI.create("ws://127.0.0.1:" + server.port() + HttpServer.STREAM_PATH), new WebSocket.Listener() {
                        private final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                first.complete(text.toString());
                            }
                            w.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                            first.complete("closed " + status + " " + reason);
                            return null;
                        }
                    }).get(5, TimeUnit.SECONDS);
            try {
                ws.sendText("{\"task\":\"voice_clone\",\"input\":\"Hello\",\"ref_text\":\"A clip.\",\"ref_audio\":\"" + clip + "\"}",
                        true).get(5, TimeUnit.SECONDS);
                String frame = first.get(10, TimeUnit.SECONDS);
                @SuppressWarnings("unchecked")
                Map<String, Object> json = frame.startsWith("{") ? (Map<String, Object>) Json.parseObject(frame, "frame") : Map.of();
                assertEquals("header", json.get("type"), frame.length() > 300 ? frame.substring(0, 300) : frame);
            } finally {
                ws.abort();
            }
        }
    }
}
