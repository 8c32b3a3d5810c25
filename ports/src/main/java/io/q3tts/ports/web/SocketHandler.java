package io.q3tts.ports.web;

/**
 * Accepts WebSocket connections on a {@link SocketSpec}'s path.
 *
 * <p>Throwing a {@code Q3ttsException} from {@link #open} rejects the connection: the adapter sends
 * an error frame {@code {"type":"error","error":..,"errorType":..,"field":..}} and closes it with
 * code 1008 (client errors) or 1011 (server errors).
 */
@FunctionalInterface
public interface SocketHandler {

    /**
     * @param connection the new connection, never null
     * @param upgradeRequest the HTTP upgrade request (path and query parameters, headers), never null
     * @return the session callbacks, never null
     */
    SocketSession open(SocketConnection connection, WebRequest upgradeRequest);
}
