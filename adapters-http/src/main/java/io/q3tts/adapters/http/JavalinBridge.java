package io.q3tts.adapters.http;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.PayloadTooLargeException;
import io.q3tts.ports.model.Q3ttsException;
import io.q3tts.ports.web.ByteSink;
import io.q3tts.ports.web.EventSink;
import io.q3tts.ports.web.HttpMethod;
import io.q3tts.ports.web.Part;
import io.q3tts.ports.web.SocketConnection;
import io.q3tts.ports.web.SocketSession;
import io.q3tts.ports.web.WebRequest;
import io.q3tts.ports.web.WebResponse;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates between Javalin and the neutral web contract, for core and plugin routes alike:
 * {@link Context} to {@link WebRequest} (with the upload limits), {@link WebResponse} to the
 * servlet response (complete, chunked or server-sent events), exceptions to the error table, and
 * Javalin WebSockets to {@link SocketSession}s.
 */
final class JavalinBridge {

    private static final Logger LOG = LoggerFactory.getLogger(JavalinBridge.class);

    private static final String MULTIPART_CONFIG = "org.eclipse.jetty.multipartConfig";

    private final HttpServerConfig config;
    private final Cors cors;
    private final Map<String, SocketSession> sessions = new ConcurrentHashMap<>();

    JavalinBridge(HttpServerConfig config) {
        this.config = config;
        this.cors = new Cors(config.corsOrigins());
    }

    /** Runs one route: builds the request, calls the handler, writes the response or the error. */
    void serve(Context ctx, Route route) {
        CancellationToken token = CancellationToken.create();
        try {
            WebRequest request = request(ctx, route.method(), token);
            write(ctx, route.handler().handle(request), token);
        } catch (Exception e) {
            fail(ctx, e, route.style());
        }
    }

    /** Answers an exception in the route's error shape, unless the response is already on its way. */
    void fail(Context ctx, Exception e, ErrorMapping.Style style) {
        ErrorMapping.Failure f = failure(e);
        if (ctx.res().isCommitted()) {
            LOG.debug("error after the response started: {}", f.message());
            return;
        }
        ctx.res().reset();
        // The reset dropped the CORS headers; without them a cross-origin page could not read the error.
        cors.apply(ctx);
        ctx.status(f.status());
        if (f.retryAfterSeconds() > 0) {
            ctx.header("Retry-After", Long.toString(f.retryAfterSeconds()));
        }
        ctx.contentType("application/json").result(Json.bytes(f.body(style)));
    }

    /** Answers a request the access guard refused: JSON in the route's shape, or the login page for a browser. */
    void refuse(Context ctx, AccessGuard.Refusal refusal, ErrorMapping.Style style) {
        ErrorMapping.Failure f = refusal.failure();
        cors.apply(ctx);
        refusal.headers().forEach(ctx::header);
        ctx.status(f.status());
        if (refusal.loginPage()) {
            ctx.contentType("text/html; charset=utf-8").result(AccessGuard.loginPage());
        } else {
            ctx.contentType("application/json").result(Json.bytes(f.body(style)));
        }
    }

    static ErrorMapping.Failure failure(Throwable e) {
        if (e instanceof Q3ttsException q) {
            if (q.getCause() != null) {
                LOG.warn("{}: {}", q.errorType(), q.getMessage(), q.getCause());
            }
            return ErrorMapping.of(q);
        }
        if (e instanceof HttpResponseException h) {
            return ErrorMapping.ofStatus(h.getStatus(), h.getMessage());
        }
        LOG.error("internal error", e);
        return ErrorMapping.internal();
    }

    /** @return the cross-origin policy, for the server's before-handler */
    Cors cors() {
        return cors;
    }

    // ---- requests

    private WebRequest request(Context ctx, HttpMethod method, CancellationToken token) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(ctx.req().getHeaderNames())) {
            headers.put(name.toLowerCase(Locale.ROOT), Collections.list(ctx.req().getHeaders(name)));
        }
        long length = ctx.req().getContentLengthLong();
        List<Part> parts = List.of();
        byte[] body = new byte[0];
        Map<String, Object> json = null;
        if (ctx.isMultipartFormData()) {
            long limit = config.maxUploadBytes() + config.maxBodyBytes();
            if (length > limit) {
                throw new PayloadTooLargeException(null, "The request is " + length + " bytes; uploads are limited to "
                        + config.maxUploadBytes() + " bytes.", config.maxUploadBytes());
            }
            parts = parts(ctx);
        } else {
            body = readBody(ctx, length);
            if (body.length > 0 && isJson(ctx.contentType())) {
                Object parsed = Json.parse(body, "body");
                if (parsed instanceof Map<?, ?> m) {
                    json = new LinkedHashMap<>();
                    for (Map.Entry<?, ?> en : m.entrySet()) {
                        json.put(String.valueOf(en.getKey()), en.getValue());
                    }
                }
            }
        }
        return new WebRequest(method, ctx.path(), ctx.pathParamMap(), ctx.queryParamMap(), headers, body, json, parts,
                token);
    }

    private static boolean isJson(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).contains("json");
    }

    private byte[] readBody(Context ctx, long length) {
        long limit = config.maxBodyBytes();
        if (length > limit) {
            throw tooLarge(length, limit);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (b.length > limit) {
                throw tooLarge(-1, limit);
            }
            return b;
        } catch (IOException e) {
            throw new InvalidArgumentException("body", "The request body could not be read.");
        }
    }

    private static PayloadTooLargeException tooLarge(long length, long limit) {
        String size = length < 0 ? "larger than the limit" : length + " bytes";
        return new PayloadTooLargeException(null, "The request body is " + size + "; the limit is " + limit
                + " bytes.", limit);
    }

    private List<Part> parts(Context ctx) {
        List<Part> out = new ArrayList<>();
        // Jetty reads multipart only with a config on the request; Javalin sets it only in its own helpers.
        // Its limits sit at twice ours so it never aborts mid-body (the client would see a reset, not a
        // 413); the exact limits are checked below on every part.
        ctx.req().setAttribute(MULTIPART_CONFIG, new MultipartConfigElement(System.getProperty("java.io.tmpdir"),
                2 * config.maxUploadBytes(), 2 * (config.maxUploadBytes() + config.maxBodyBytes()),
                (int) Math.min(config.maxUploadBytes(), Integer.MAX_VALUE - 8)));
        try {
            for (jakarta.servlet.http.Part p : ctx.req().getParts()) {
                boolean isFile = p.getSubmittedFileName() != null;
                long limit = isFile ? config.maxUploadBytes() : config.maxBodyBytes();
                if (p.getSize() > limit) {
                    throw new PayloadTooLargeException(p.getName(), p.getName() + " is " + p.getSize()
                            + " bytes; the limit is " + limit + " bytes.", limit);
                }
                try (InputStream in = p.getInputStream()) {
                    out.add(new Part(p.getName(), p.getSubmittedFileName(), p.getContentType(), in.readAllBytes()));
                }
                p.delete();
            }
        } catch (Q3ttsException e) {
            throw e;
        } catch (Exception e) {
            // Jetty reports an over-limit part as an IllegalStateException wrapped in a 400 "bad multipart".
            for (Throwable c = e; c != null; c = c.getCause()) {
                String msg = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
                if (msg.contains("exceeded") || msg.contains("too large")) {
                    throw new PayloadTooLargeException(null, "The upload exceeds the limit of " + config.maxUploadBytes()
                            + " bytes.", config.maxUploadBytes());
                }
            }
            LOG.debug("multipart body rejected", e);
            throw new InvalidArgumentException("body", "The multipart/form-data body could not be parsed.");
        }
        return out;
    }

    // ---- responses

    private void write(Context ctx, WebResponse response, CancellationToken token) throws IOException {
        ctx.status(response.status());
        response.headers().forEach(ctx::header);
        String audioType = switch (response.body()) {
            case WebResponse.Body.Bytes b -> b.contentType();
            case WebResponse.Body.Stream st -> st.contentType();
            default -> null;
        };
        if (response.status() == 200 && audioType != null && audioType.startsWith("audio/")
                && response.headers().keySet().stream().noneMatch(k -> k.equalsIgnoreCase("Content-Disposition"))) {
            ctx.header("Content-Disposition", disposition(response.headers(), ctx.path(), audioType));
        }
        switch (response.body()) {
            case WebResponse.Body.Empty e -> ctx.result(new byte[0]);
            case WebResponse.Body.Json j -> ctx.contentType("application/json").result(Json.bytes(j.value()));
            case WebResponse.Body.Bytes b -> {
                if (response.status() == 200 && b.contentType().startsWith("audio/")) {
                    // Range requests let players seek and learn the length of long tracks without
                    // downloading them whole (Chromium reports Infinity for a large WAV otherwise).
                    writeRange(ctx, b.contentType(), b.bytes());
                } else {
                    ctx.contentType(b.contentType()).result(b.bytes());
                }
            }
            case WebResponse.Body.Stream s -> {
                ctx.res().setContentType(s.contentType());
                ServletOutputStream out = ctx.res().getOutputStream();
                out.flush();
                s.producer().produce(sink(out, token));
            }
            case WebResponse.Body.Events ev -> {
                ctx.res().setContentType("text/event-stream");
                ctx.res().setCharacterEncoding("UTF-8");
                ctx.res().setHeader("Cache-Control", "no-cache");
                ctx.res().setHeader("X-Accel-Buffering", "no");
                ServletOutputStream out = ctx.res().getOutputStream();
                out.flush();
                ByteSink bytes = sink(out, token);
                EventSink events = (name, data) -> {
                    StringBuilder sb = new StringBuilder();
                    if (name != null) {
                        sb.append("event: ").append(name).append('\n');
                    }
                    sb.append("data: ").append(Json.text(data)).append("\n\n");
                    return bytes.write(sb.toString().getBytes(StandardCharsets.UTF_8));
                };
                ev.producer().produce(events);
            }
        }
    }

    /**
     * {@code inline} (players keep playing it) with a filename for "save as" and download links:
     * {@code q3tts-<output id>.<ext>}, or the job id for a stream whose output is not stored yet.
     */
    private static String disposition(Map<String, String> headers, String path, String contentType) {
        java.util.regex.Matcher output = OUTPUT_AUDIO.matcher(path);
        String id = output.matches() ? output.group(1) : null;
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getKey().equalsIgnoreCase("X-Q3tts-Output-Id") || (id == null && h.getKey().equalsIgnoreCase("X-Q3tts-Job-Id"))) {
                id = h.getValue();
            }
        }
        String safe = id == null ? "speech" : id.replaceAll("[^A-Za-z0-9._-]", "");
        String type = contentType.toLowerCase(Locale.ROOT);
        String ext = type.contains("wav") ? "wav" : type.contains("mpeg") || type.contains("mp3") ? "mp3"
                : type.contains("flac") ? "flac" : type.contains("ogg") || type.contains("opus") ? "opus" : "pcm";
        return "inline; filename=\"q3tts-" + (safe.isEmpty() ? "speech" : safe) + "." + ext + "\"";
    }

    private static final java.util.regex.Pattern OUTPUT_AUDIO = java.util.regex.Pattern.compile("/api/v1/outputs/([^/]+)/audio");

    private static final java.util.regex.Pattern RANGE = java.util.regex.Pattern.compile("bytes=(\\d*)-(\\d*)");

    /**
     * Serves a whole audio file, or the one byte range a {@code Range: bytes=a-b} header asks for
     * (206 with {@code Content-Range}; 416 for a range outside the file). Several ranges in one
     * request are answered with the whole file, which RFC 9110 allows.
     */
    private static void writeRange(Context ctx, String contentType, byte[] bytes) {
        ctx.header("Accept-Ranges", "bytes");
        ctx.contentType(contentType);
        String header = ctx.header("Range");
        java.util.regex.Matcher m = header == null ? null : RANGE.matcher(header.strip());
        if (m == null || !m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            ctx.result(bytes);
            return;
        }
        long length = bytes.length;
        long start;
        long end;
        try {
            if (m.group(1).isEmpty()) {
                start = Math.max(0, length - Long.parseLong(m.group(2)));
                end = length - 1;
            } else {
                start = Long.parseLong(m.group(1));
                end = m.group(2).isEmpty() ? length - 1 : Math.min(length - 1, Long.parseLong(m.group(2)));
            }
        } catch (NumberFormatException e) {
            ctx.result(bytes);
            return;
        }
        if (start >= length || end < start) {
            ctx.status(416).header("Content-Range", "bytes */" + length).result(new byte[0]);
            return;
        }
        ctx.status(206).header("Content-Range", "bytes " + start + "-" + end + "/" + length)
                .result(java.util.Arrays.copyOfRange(bytes, (int) start, (int) end + 1));
    }

    /** A sink that flushes every chunk and, when the client is gone, fires the request's token. */
    private static ByteSink sink(ServletOutputStream out, CancellationToken token) {
        return chunk -> {
            if (token.isCancelled()) {
                return false;
            }
            try {
                out.write(chunk);
                out.flush();
                return true;
            } catch (IOException | RuntimeException e) {
                token.cancel();
                return false;
            }
        };
    }

    // ---- WebSockets

    /** Mounts a neutral socket handler on a Javalin WebSocket endpoint. */
    void socket(WsConfig ws, Route.Socket socket) {
        ws.onConnect(ctx -> {
            ctx.session.setIdleTimeout(java.time.Duration.ofMinutes(10));
            Connection connection = new Connection(ctx.sessionId(), ctx.session);
            String origin = ctx.header("Origin");
            if (!cors.socketAllowed(origin, ctx.header("Host"))) {
                connection.sendJson(ErrorMapping.of(new InvalidArgumentException("Origin", "Pages of " + origin
                        + " may not open this server's WebSockets; add the origin to http.cors_origins to allow it.")).frame());
                connection.close(1008, "origin not allowed");
                return;
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            ctx.headerMap().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.of(v)));
            String path = socket.path();
            for (Map.Entry<String, String> p : ctx.pathParamMap().entrySet()) {
                path = path.replace("{" + p.getKey() + "}", p.getValue());
            }
            WebRequest upgrade = new WebRequest(HttpMethod.GET, path, ctx.pathParamMap(), ctx.queryParamMap(), headers,
                    null, null, null, null);
            try {
                sessions.put(ctx.sessionId(), socket.handler().open(connection, upgrade));
            } catch (Exception e) {
                ErrorMapping.Failure f = failure(e);
                connection.sendJson(f.frame());
                connection.close(f.closeCode(), f.errorType());
            }
        });
        ws.onMessage(ctx -> dispatch(ctx, s -> s.onText(ctx.message())));
        ws.onBinaryMessage(ctx -> {
            ByteBuffer data = ctx.data();
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            dispatch(ctx, s -> s.onBinary(bytes));
        });
        ws.onClose(ctx -> {
            SocketSession s = sessions.remove(ctx.sessionId());
            if (s != null) {
                s.onClose(ctx.status(), ctx.reason() == null ? "" : ctx.reason());
            }
        });
        ws.onError(ctx -> {
            SocketSession s = sessions.remove(ctx.sessionId());
            if (s != null) {
                s.onClose(1006, "error");
            }
        });
    }

    private void dispatch(WsContext ctx, java.util.function.Consumer<SocketSession> call) {
        SocketSession s = sessions.get(ctx.sessionId());
        if (s == null) {
            return;
        }
        try {
            call.accept(s);
        } catch (Exception e) {
            ErrorMapping.Failure f = failure(e);
            ctx.send(Json.text(f.frame()));
        }
    }

    /** The neutral connection over a Jetty session; sends are serialized so frames keep their order. */
    private static final class Connection implements SocketConnection {
        private final String id;
        private final Session session;

        Connection(String id, Session session) {
            this.id = id;
            this.session = session;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public synchronized boolean sendText(String text) {
            if (!session.isOpen()) {
                return false;
            }
            session.sendText(text, Callback.NOOP);
            return true;
        }

        @Override
        public boolean sendJson(Object value) {
            return sendText(Json.text(value));
        }

        @Override
        public synchronized boolean sendBinary(byte[] bytes) {
            if (!session.isOpen()) {
                return false;
            }
            session.sendBinary(ByteBuffer.wrap(bytes), Callback.NOOP);
            return true;
        }

        @Override
        public synchronized void close(int code, String reason) {
            if (session.isOpen()) {
                session.close(code, reason, Callback.NOOP);
            }
        }

        @Override
        public boolean isOpen() {
            return session.isOpen();
        }
    }
}
