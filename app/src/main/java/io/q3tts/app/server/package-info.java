/**
 * The server's composition root. {@link io.q3tts.app.server.ServeCommand} is {@code q3tts serve}:
 * it loads the configuration, maps it with {@link io.q3tts.app.server.ServerSettings#from} (the one
 * place configuration becomes adapter and domain settings), builds the storage and audio adapters
 * with {@link io.q3tts.app.server.DrivenPorts#onDisk}, starts the server, prints its URL and a
 * summary, and closes it from a shutdown hook. {@link io.q3tts.app.server.Q3ttsServer} builds the
 * core over the ONNX model loader and those ports, starts the plugins and the HTTP server, runs the
 * core's maintenance every second, and shuts it all down in reverse order.
 */
package io.q3tts.app.server;
