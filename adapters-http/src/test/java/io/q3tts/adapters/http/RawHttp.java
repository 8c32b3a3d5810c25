package io.q3tts.adapters.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, so a test can send what a hostile page or a rebinding browser sends
 * ({@code Host}, {@code Origin}, a WebSocket upgrade) that java.net.http refuses to set.
 */
final class RawHttp {

    /**
     * @param status the status code
     * @param headers the response headers, names lower-case
     * @param body the body as text
     */
    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {
    }

    /**
     * @param port the server's port on 127.0.0.1
     * @param method the method
     * @param target the request target, e.g. {@code /api/v1/outputs}
     * @param headers header lines as name, value pairs ({@code Host} included when wanted)
     * @param body the body, or null
     * @return the response (read until the server closes; the request asks for {@code Connection: close})
     */
    static Response send(int port, String method, String target, Map<String, String> headers, String body) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder req = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Host", "127.0.0.1:" + port);
            h.put("Connection", "close");
            h.putAll(headers);
            if (body != null) {
                h.put("Content-Length", Integer.toString(b.length));
            }
            h.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            req.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.write(b);
            out.flush();
            return parse(readUpTo(s.getInputStream(), headers.containsKey("Upgrade")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the head, then the body by its length or chunks (an upgrade keeps the connection open). */
    private static byte[] readUpTo(InputStream in, boolean upgrade) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            out.write(c);
            byte[] sofar = out.toByteArray();
            int n = sofar.length;
            if (n >= 4 && sofar[n - 4] == '\r' && sofar[n - 3] == '\n' && sofar[n - 2] == '\r' && sofar[n - 1] == '\n') {
                break;
            }
        }
        String head = out.toString(StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        if (head.startsWith("http/1.1 101")) {
            return out.toByteArray();
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("content-length: *(\\d+)").matcher(head);
        if (m.find()) {
            out.write(in.readNBytes(Integer.parseInt(m.group(1))));
            return out.toByteArray();
        }
        boolean chunked = head.contains("transfer-encoding: chunked");
        while ((c = in.read()) >= 0) {
            out.write(c);
            if (chunked && out.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n0\r\n\r\n")) {
                break;
            }
        }
        return out.toByteArray();
    }

    private static Response parse(byte[] raw) {
        String all = new String(raw, StandardCharsets.UTF_8);
        int split = all.indexOf("\r\n\r\n");
        String head = split < 0 ? all : all.substring(0, split);
        String body = split < 0 ? "" : all.substring(split + 4);
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.merge(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip(),
                        (a, x) -> a + ", " + x);
            }
        }
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Response(status, headers, body);
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            int eol = body.indexOf("\r\n", i);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(body.substring(i, eol).strip(), 16);
            if (size == 0) {
                break;
            }
            out.append(body, eol + 2, Math.min(body.length(), eol + 2 + size));
            i = eol + 2 + size + 2;
        }
        return out.toString();
    }

    /** @return the headers of a WebSocket upgrade request (add Host and Origin as the test needs) */
    static Map<String, String> upgrade(Map<String, String> extra) {
        Map<String, String> h = new LinkedHashMap<>(extra);
        h.put("Upgrade", "websocket");
        h.put("Connection", "Upgrade");
        h.put("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
        h.put("Sec-WebSocket-Version", "13");
        return h;
    }
}
