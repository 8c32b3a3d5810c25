/**
 * The HTTP adapter (Javalin 7): the REST API under {@code /api/v1}, the OpenAI-compatible API under
 * {@code /v1}, the audio WebSocket at {@code /api/v1/stream}, job events as server-sent events, the
 * OpenAPI document, and the plugins' routes and sockets under {@code /plugins/<id>}.
 *
 * <p>It calls the core only through the driving ports ({@code io.q3tts.ports.in}), looked up with a
 * {@link io.q3tts.adapters.http.UseCaseLookup}; every endpoint is written against the neutral web
 * contract of {@code io.q3tts.ports.web}, so core routes and plugin routes share one bridge to
 * Javalin ({@code JavalinBridge}) and one error table ({@code ErrorMapping}). Javalin types never
 * leave this package.
 */
package io.q3tts.adapters.http;
