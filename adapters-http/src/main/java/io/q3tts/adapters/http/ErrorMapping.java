package io.q3tts.adapters.http;

import io.q3tts.ports.model.ErrorType;
import io.q3tts.ports.model.OverloadedException;
import io.q3tts.ports.model.Q3ttsException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The one place where port errors become HTTP: status codes, JSON bodies in the core and the
 * OpenAI shape, WebSocket error frames and close codes (the table in {@code docs/architecture.md},
 * "Error vocabulary").
 */
final class ErrorMapping {

    /** The {@code errorType} of failures that are not port errors (bugs, framework failures). */
    static final String INTERNAL = "INTERNAL";

    private ErrorMapping() {
    }

    /** Which body shape a route answers errors in. */
    enum Style {
        /** {@code {"error", "errorType", "field"}}: core and plugin routes. */
        CORE,
        /** {@code {"error": {"message", "type", "param", "code"}}}: the OpenAI-compatible routes. */
        OPENAI
    }

    /**
     * A failure reduced to what every protocol reports.
     *
     * @param status the HTTP status
     * @param errorType the vocabulary name, or {@link #INTERNAL}
     * @param message the user-facing message
     * @param field the request field to blame, or null
     * @param retryAfterSeconds the {@code Retry-After} value, or 0 for none
     */
    record Failure(int status, String errorType, String message, String field, long retryAfterSeconds) {

        /**
         * @return the core JSON body: {@code error}, {@code error_type}, {@code field} (snake_case like every
         *     other field), plus {@code errorType}, the same value under its old name, kept for clients
         *     written against earlier versions
         */
        Map<String, Object> coreBody() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("error", message);
            m.put("error_type", errorType);
            m.put("field", field);
            m.put("errorType", errorType);
            return m;
        }

        /** @return the OpenAI JSON body */
        Map<String, Object> openAiBody() {
            Map<String, Object> inner = new LinkedHashMap<>();
            inner.put("message", message);
            inner.put("type", errorType.toLowerCase(Locale.ROOT));
            inner.put("param", field);
            inner.put("code", null);
            return Map.of("error", inner);
        }

        /** @return the WebSocket / SSE error frame */
        Map<String, Object> frame() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "error");
            m.putAll(coreBody());
            return m;
        }

        /** @return the WebSocket close code for a socket closed because of this failure */
        int closeCode() {
            return status < 500 ? 1008 : 1011;
        }

        /**
         * @param style the route's shape
         * @return the body in that shape
         */
        Object body(Style style) {
            return style == Style.OPENAI ? openAiBody() : coreBody();
        }
    }

    /**
     * @param type a port error type
     * @return its HTTP status
     */
    static int status(ErrorType type) {
        return switch (type) {
            case INVALID_ARGUMENT -> 400;
            case NOT_FOUND -> 404;
            case UNSUPPORTED -> 422;
            case MODEL_ERROR, STORAGE_ERROR -> 500;
            case CANCELLED -> 499;
            case OVERLOADED -> 429;
            case CONFLICT -> 409;
            case PAYLOAD_TOO_LARGE -> 413;
            case UNSUPPORTED_MEDIA -> 415;
            case UNAVAILABLE -> 503;
        };
    }

    /**
     * @param e a port error
     * @return its failure; MODEL_ERROR and STORAGE_ERROR keep their message (one user-facing
     *     sentence by contract), the cause stays in the log
     */
    static Failure of(Q3ttsException e) {
        long retry = e instanceof OverloadedException o ? o.retryAfterSeconds() : 0;
        return new Failure(status(e.errorType()), e.errorType().name(), e.getMessage(), e.field(), retry);
    }

    /**
     * A framework-level rejection (unknown route, body too large for the server) in the same shape.
     *
     * @param status the status the framework chose
     * @param message the message
     * @return the failure
     */
    static Failure ofStatus(int status, String message) {
        String type = switch (status) {
            case 400 -> ErrorType.INVALID_ARGUMENT.name();
            case 404, 405 -> ErrorType.NOT_FOUND.name();
            case 413 -> ErrorType.PAYLOAD_TOO_LARGE.name();
            case 415 -> ErrorType.UNSUPPORTED_MEDIA.name();
            case 503 -> ErrorType.UNAVAILABLE.name();
            default -> INTERNAL;
        };
        return new Failure(status, type, message, null, 0);
    }

    /**
     * A refusal made by the HTTP layer itself (host, origin, key), with its own error type.
     *
     * @param status the status
     * @param errorType e.g. {@code FORBIDDEN}
     * @param message the user-facing message
     * @param field the header or parameter to blame
     * @return the failure
     */
    static Failure failure(int status, String errorType, String message, String field) {
        return new Failure(status, errorType, message, field, 0);
    }

    /** @return the failure reported for a bug: a generic message, never the exception's text */
    static Failure internal() {
        return new Failure(500, INTERNAL, "Internal server error; the server log has details.", null, 0);
    }
}
