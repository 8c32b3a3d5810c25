package io.q3tts.ports.web;

/**
 * The server end of one WebSocket, provided by the HTTP adapter. Thread-safe: sends from several
 * threads are serialized by the adapter.
 */
public interface SocketConnection {

    /** @return an id unique among open connections, never null */
    String id();

    /**
     * @param text a text frame
     * @return false if the socket is closed
     */
    boolean sendText(String text);

    /**
     * @param value serialized as JSON by the adapter and sent as a text frame
     * @return false if the socket is closed
     */
    boolean sendJson(Object value);

    /**
     * @param bytes a binary frame
     * @return false if the socket is closed
     */
    boolean sendBinary(byte[] bytes);

    /**
     * Closes the socket. Idempotent.
     *
     * @param code a WebSocket close code (1000 normal, 1008 policy, 1011 server error)
     * @param reason a short reason, may be empty
     */
    void close(int code, String reason);

    /** @return whether the socket is still open */
    boolean isOpen();
}
