package io.q3tts.app;

import io.q3tts.ports.out.inference.SpeechSynthesizer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens a {@link SpeechSynthesizer} for a model bundle folder. The seam where the composition
 * root plugs in the engine; the CLI never names an adapter class.
 */
@FunctionalInterface
public interface SynthesizerProvider {

    /**
     * @param bundleDir a model bundle folder
     * @return an open synthesizer; if it is {@link AutoCloseable} the caller closes it
     * @throws IOException if the bundle cannot be read
     * @throws io.q3tts.ports.model.Q3ttsException if the bundle is invalid or unsupported
     */
    SpeechSynthesizer open(Path bundleDir) throws IOException;
}
