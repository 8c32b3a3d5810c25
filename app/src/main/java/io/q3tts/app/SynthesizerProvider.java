package io.q3tts.app;

import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.out.inference.ClonePromptEncoder;
import io.q3tts.ports.out.inference.SpeechSynthesizer;
import io.q3tts.ports.out.tokenizer.SpeechTokenizer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens the engine's ports for a model bundle folder. The seam where the composition root plugs in
 * the engine; the CLI never names an adapter class. Whatever is returned and is
 * {@link AutoCloseable} is closed by the caller.
 */
@FunctionalInterface
public interface SynthesizerProvider {

    /**
     * What a bundle is, read cheaply from its manifest (no model is loaded).
     *
     * @param modelId the model's name
     * @param randomWeights whether the weights are random (a demo bundle): output is noise, and the
     *     command line says so
     */
    record BundleSummary(String modelId, boolean randomWeights) { }

    /**
     * @param bundleDir a model bundle folder
     * @return an open synthesizer
     * @throws IOException if the bundle cannot be read
     * @throws io.q3tts.ports.model.Q3ttsException if the bundle is missing, invalid or unsupported
     */
    SpeechSynthesizer open(Path bundleDir) throws IOException;

    /**
     * Opens a synthesizer without the runaway guard (the official code has none), for parity runs.
     * The default opens the ordinary one.
     *
     * @param bundleDir a model bundle folder
     * @return an open synthesizer
     * @throws IOException if the bundle cannot be read
     */
    default SpeechSynthesizer openWithoutRunawayGuard(Path bundleDir) throws IOException {
        return open(bundleDir);
    }

    /**
     * Reads what a bundle is without loading it. The default reports an unnamed model with trained weights.
     *
     * @param bundleDir a model bundle folder
     * @return the summary
     * @throws io.q3tts.ports.model.Q3ttsException if the bundle is missing or invalid
     */
    default BundleSummary describe(Path bundleDir) {
        return new BundleSummary(String.valueOf(bundleDir.getFileName()), false);
    }

    /**
     * Opens the clone-prompt encoder of a Base bundle. The default refuses.
     *
     * @param bundleDir a model bundle folder
     * @return the encoder
     * @throws IOException if the bundle cannot be read
     * @throws io.q3tts.ports.model.Q3ttsException if the bundle is missing, invalid or cannot clone
     */
    default ClonePromptEncoder openClonePromptEncoder(Path bundleDir) throws IOException {
        throw new UnsupportedException("This build cannot create voice-clone prompts.");
    }

    /**
     * Opens the speech tokenizer (codec) of a bundle. The default refuses.
     *
     * @param bundleDir a model bundle folder (any type: every bundle holds the codec)
     * @return the tokenizer
     * @throws IOException if the bundle cannot be read
     * @throws io.q3tts.ports.model.Q3ttsException if the bundle is missing or invalid
     */
    default SpeechTokenizer openTokenizer(Path bundleDir) throws IOException {
        throw new UnsupportedException("This build has no speech tokenizer.");
    }
}
