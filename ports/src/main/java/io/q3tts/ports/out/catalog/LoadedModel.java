package io.q3tts.ports.out.catalog;

import io.q3tts.ports.out.inference.ClonePromptEncoder;
import io.q3tts.ports.out.inference.SpeechSynthesizer;
import io.q3tts.ports.out.tokenizer.SpeechTokenizer;
import java.util.Optional;

/**
 * A model resident in memory, with the capabilities its bundle offers.
 *
 * <p>Thread-safe: the capabilities may be used concurrently until {@link #close()}. The domain's
 * residency manager counts the users of each loaded model and only closes it once none is left,
 * so implementations do not need usage counting of their own (they may keep it as a safety net).
 */
public interface LoadedModel extends AutoCloseable {

    /** @return the bundle this was loaded from, never null */
    ModelDescriptor descriptor();

    /**
     * @return the synthesizer if the bundle serves a generation task
     *     ({@code CUSTOM_VOICE}, {@code VOICE_DESIGN} or {@code VOICE_CLONE}); constant for the instance
     */
    Optional<SpeechSynthesizer> synthesizer();

    /** @return the clone-prompt encoder if the bundle serves {@code VOICE_CLONE} (Base models); constant */
    Optional<ClonePromptEncoder> clonePromptEncoder();

    /** @return the speech tokenizer if the bundle serves {@code TOKENIZER}; constant */
    Optional<SpeechTokenizer> speechTokenizer();

    /**
     * What the model holds in memory now, approximately: for an ONNX bundle, the weight files of the
     * graphs opened so far plus the mapped tables. Informational (the models page shows it); the
     * residency policy counts models, not bytes.
     *
     * @return bytes, &ge; 0; the default is the descriptor's {@link ModelDescriptor#approxMemoryBytes()}
     */
    default long memoryBytes() {
        return descriptor().approxMemoryBytes();
    }

    /**
     * Frees the model's memory. Called once, when no work uses the model any more. Must not throw;
     * failures are logged by the implementation.
     */
    @Override
    void close();
}
