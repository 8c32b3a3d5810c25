package io.q3tts.ports.web;

import io.q3tts.ports.model.Q3ttsException;

/**
 * Handles one HTTP request: request in, response out.
 *
 * <p>Report failures by throwing a {@link Q3ttsException} subclass; the HTTP adapter maps it to a
 * status and a JSON body {@code {"error": message, "errorType": type, "field": field}} with the
 * table in {@code docs/architecture.md}. Any other exception becomes a 500 and is logged. Handlers
 * run on the adapter's request threads (virtual threads), so blocking on a use case is fine.
 */
@FunctionalInterface
public interface WebHandler {

    /**
     * @param request never null
     * @return the response, never null
     */
    WebResponse handle(WebRequest request);
}
