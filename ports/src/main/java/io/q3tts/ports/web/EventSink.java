package io.q3tts.ports.web;

/**
 * Where a {@link WebResponse.Body.Events} sends server-sent events. Provided by the HTTP adapter,
 * which serializes {@code data} as JSON; used on one thread at a time.
 */
public interface EventSink {

    /**
     * @param event the SSE event name (e.g. {@code speech.audio.delta}), or null for an unnamed event
     * @param data a JSON-serializable value (Map, List, record, String, Number, Boolean), never null
     * @return false if the client has gone away
     */
    boolean send(String event, Object data);
}
