package io.q3tts.ports.web;

/**
 * The callbacks of one open WebSocket, returned by {@link SocketHandler#open}. Called by the HTTP
 * adapter on its threads, never concurrently for one session. Defaults ignore the event.
 */
public interface SocketSession {

    /** @param text a text frame from the client */
    default void onText(String text) {
    }

    /** @param bytes a binary frame from the client */
    default void onBinary(byte[] bytes) {
    }

    /**
     * The socket closed (either side). Release what the session holds; cancel running work.
     *
     * @param code the close code
     * @param reason the reason, may be empty
     */
    default void onClose(int code, String reason) {
    }
}
