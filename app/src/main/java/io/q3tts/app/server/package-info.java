/**
 * The server's composition root: {@link io.q3tts.app.server.Q3ttsServer} builds the core over the
 * real adapters (ONNX model loader, the storage and audio ports it is given), starts the plugins and
 * the HTTP server, runs the core's maintenance every second, and shuts it all down in reverse order.
 * {@link io.q3tts.app.server.ServerSettings} is the seam to the configuration.
 */
package io.q3tts.app.server;
