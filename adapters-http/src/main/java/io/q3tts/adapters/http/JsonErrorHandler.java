package io.q3tts.adapters.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own refusals (a malformed path such as {@code /api/v1/voices/a%00b}, an ambiguous URI, a
 * bad header) happen before any route or {@link JavalinBridge} sees the request; Jetty answers them
 * with an HTML page. This handler answers them in the core error shape instead, so that every answer
 * of the server is JSON that names the problem. Never echoes the request (no reflected content).
 */
final class JsonErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason));
    }

    private static byte[] body(int code, String reason) {
        String what = reason == null || reason.isBlank() ? "" : " (" + reason.replaceAll("[^A-Za-z0-9 ._:-]", "") + ")";
        String message = code == 400
                ? "The request is malformed" + what + "; check the path and headers (ids are [A-Za-z0-9._-])."
                : "The request could not be served" + what + ".";
        return Json.bytes(ErrorMapping.ofStatus(code, message).coreBody());
    }
}
