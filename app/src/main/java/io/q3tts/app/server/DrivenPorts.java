package io.q3tts.app.server;

import io.q3tts.ports.out.audio.AudioDecoder;
import io.q3tts.ports.out.audio.AudioEncoder;
import io.q3tts.ports.out.catalog.ModelCatalog;
import io.q3tts.ports.out.output.OutputRepository;
import io.q3tts.ports.out.voice.VoiceRepository;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

/**
 * The storage and audio adapters the server runs on, built by the caller from the configuration
 * (the file-system and audio adapters in production).
 *
 * @param catalog the installed model bundles
 * @param bundleDirs the folder of a model id in {@code catalog}, or null if unknown (for the ONNX loader)
 * @param voices the voice library
 * @param outputs the output history
 * @param encoder encodes responses
 * @param decoder decodes uploads
 */
public record DrivenPorts(ModelCatalog catalog, Function<String, Path> bundleDirs, VoiceRepository voices,
                          OutputRepository outputs, AudioEncoder encoder, AudioDecoder decoder) {

    /** @throws NullPointerException naming the first missing port */
    public DrivenPorts {
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(bundleDirs, "bundleDirs");
        Objects.requireNonNull(voices, "voices");
        Objects.requireNonNull(outputs, "outputs");
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(decoder, "decoder");
    }
}
