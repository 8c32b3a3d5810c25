package io.q3tts.ports.web;

/**
 * Where a {@link WebResponse.Body.Stream} writes its bytes. Provided by the HTTP adapter; used on
 * one thread at a time.
 */
public interface ByteSink {

    /**
     * Writes and flushes a chunk to the client.
     *
     * @param chunk never null
     * @return false if the client has gone away (stop producing; the request's cancellation token fires too)
     */
    boolean write(byte[] chunk);
}
