package io.q3tts.ports.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A framework-neutral HTTP response that a {@link WebHandler} returns; the HTTP adapter writes it.
 *
 * @param status the HTTP status, 100..599
 * @param headers extra response headers, never null (the adapter sets {@code Content-Type} from the body)
 * @param body the body, never null
 */
public record WebResponse(int status, Map<String, String> headers, Body body) {

    /** @throws IllegalArgumentException if the status is out of range */
    public WebResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("bad HTTP status " + status);
        }
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }

    /**
     * What the response carries. The adapter sets {@code Content-Type}: {@code application/json}
     * for {@link Json}, the given type for {@link Bytes} and {@link Stream},
     * {@code text/event-stream} for {@link Events}.
     */
    public sealed interface Body {

        /** No body. */
        record Empty() implements Body {
        }

        /**
         * A value serialized as JSON by the adapter.
         *
         * @param value a Map, List, record, String, Number or Boolean; never null
         */
        record Json(Object value) implements Body {
            /** @throws NullPointerException if null */
            public Json {
                Objects.requireNonNull(value, "value");
            }
        }

        /**
         * A complete binary or text body.
         *
         * @param contentType e.g. {@code audio/wav} or {@code text/html; charset=utf-8}; never null
         * @param bytes never null
         */
        record Bytes(String contentType, byte[] bytes) implements Body {
            /** @throws NullPointerException if a field is null */
            public Bytes {
                Objects.requireNonNull(contentType, "contentType");
                Objects.requireNonNull(bytes, "bytes");
            }
        }

        /**
         * A body produced while it is sent (chunked transfer): the adapter calls {@code producer}
         * on a worker thread after the status and headers are written. An exception thrown by the
         * producer ends the response (the status is already sent; the adapter logs it).
         *
         * @param contentType never null
         * @param producer writes the chunks, never null
         */
        record Stream(String contentType, StreamProducer producer) implements Body {
            /** @throws NullPointerException if a field is null */
            public Stream {
                Objects.requireNonNull(contentType, "contentType");
                Objects.requireNonNull(producer, "producer");
            }
        }

        /**
         * Server-sent events produced while they are sent.
         *
         * @param producer sends the events, never null
         */
        record Events(EventProducer producer) implements Body {
            /** @throws NullPointerException if null */
            public Events {
                Objects.requireNonNull(producer, "producer");
            }
        }
    }

    /** Writes a streamed body. */
    @FunctionalInterface
    public interface StreamProducer {
        /** @param sink where to write, valid until this method returns */
        void produce(ByteSink sink);
    }

    /** Sends server-sent events. */
    @FunctionalInterface
    public interface EventProducer {
        /** @param sink where to send, valid until this method returns */
        void produce(EventSink sink);
    }

    /**
     * @param value a JSON-serializable value
     * @return 200 with a JSON body
     */
    public static WebResponse json(Object value) {
        return json(200, value);
    }

    /**
     * @param status the status
     * @param value a JSON-serializable value
     * @return a JSON response
     */
    public static WebResponse json(int status, Object value) {
        return new WebResponse(status, Map.of(), new Body.Json(value));
    }

    /**
     * @param contentType the media type
     * @param bytes the content
     * @return 200 with a binary body
     */
    public static WebResponse bytes(String contentType, byte[] bytes) {
        return new WebResponse(200, Map.of(), new Body.Bytes(contentType, bytes));
    }

    /**
     * @param html an HTML document or fragment
     * @return 200 with {@code text/html; charset=utf-8}
     */
    public static WebResponse html(String html) {
        return bytes("text/html; charset=utf-8", html.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * @param contentType the media type
     * @param producer writes the body
     * @return 200 with a streamed body
     */
    public static WebResponse stream(String contentType, StreamProducer producer) {
        return new WebResponse(200, Map.of(), new Body.Stream(contentType, producer));
    }

    /**
     * @param producer sends the events
     * @return 200 with {@code text/event-stream}
     */
    public static WebResponse events(EventProducer producer) {
        return new WebResponse(200, Map.of(), new Body.Events(producer));
    }

    /** @return 204 without a body */
    public static WebResponse noContent() {
        return new WebResponse(204, Map.of(), new Body.Empty());
    }

    /**
     * @param name a header name
     * @param value its value
     * @return a copy with the header added (replacing one of the same name)
     */
    public WebResponse withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new WebResponse(status, h, body);
    }

    /**
     * @param newStatus a status
     * @return a copy with another status
     */
    public WebResponse withStatus(int newStatus) {
        return new WebResponse(newStatus, headers, body);
    }
}
