package io.q3tts.ports.out.inference;

/**
 * Receives progress and audio while a {@link SpeechSynthesizer#synthesize synthesize} call runs.
 *
 * <p>Callbacks arrive on the synthesizing thread, in order, never concurrently for one call, and
 * only before {@code synthesize} returns. They sit on the generation path, so they must be quick;
 * hand heavy work to another thread. An exception thrown by a callback aborts the call and
 * propagates to the caller of {@code synthesize} unchanged.
 */
public interface SynthesisListener {

    /** A listener that ignores everything. */
    SynthesisListener NONE = new SynthesisListener() { };

    /**
     * Called after each generated frame, or at a coarser interval the synthesizer chooses.
     *
     * @param progress never null
     */
    default void onProgress(SynthesisProgress progress) {
    }

    /**
     * Called with decoded audio as it becomes available. A synthesizer that does not stream calls
     * this once, with the whole audio and {@code last == true}.
     *
     * @param chunk never null
     */
    default void onAudio(AudioChunk chunk) {
    }
}
