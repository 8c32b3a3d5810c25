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

    /** A listener that ignores everything; it {@linkplain #wantsAudioChunks() wants no audio chunks}. */
    SynthesisListener NONE = new SynthesisListener() {
        @Override
        public boolean wantsAudioChunks() {
            return false;
        }
    };

    /**
     * Whether this listener wants audio while synthesis runs. A synthesizer that streams asks once
     * per call; when the answer is false it may skip the extra streaming decode work and instead
     * call {@link #onAudio} once, with the whole audio, as a non-streaming synthesizer does.
     *
     * @return true (the default) to receive audio chunks as they are decoded
     */
    default boolean wantsAudioChunks() {
        return true;
    }

    /**
     * Called after each generated frame, or at a coarser interval the synthesizer chooses.
     *
     * @param progress never null
     */
    default void onProgress(SynthesisProgress progress) {
    }

    /**
     * Called with decoded audio as it becomes available, in order; the final call has
     * {@code last == true}. A synthesizer that does not stream (or a listener that does not
     * {@linkplain #wantsAudioChunks() want chunks}) gets this once, with the whole audio.
     *
     * @param chunk never null
     */
    default void onAudio(AudioChunk chunk) {
    }

    /**
     * Called when the synthesis runs in another process (a cluster worker), with that process's
     * id, so the output can name who made it; once a worker takes the request and again if another
     * one takes it over. A local synthesizer never calls it.
     *
     * @param worker the worker's id, never null
     */
    default void onWorker(String worker) {
    }
}
